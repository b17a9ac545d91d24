// A Dockerfile as stages of instructions: continuation lines joined, comments dropped, the flags
// of COPY kept. Enough to reason about what an image will contain without building it.
import path from "node:path";

export interface Instruction {
  keyword: string;
  /** The arguments as written (one line, continuations joined). */
  args: string;
  line: number;
}

export interface Stage {
  from: string;
  name?: string;
  instructions: Instruction[];
}

export function parseDockerfile(text: string): Stage[] {
  const stages: Stage[] = [];
  const lines = text.split("\n");
  for (let i = 0; i < lines.length; i++) {
    const start = i;
    let line = lines[i]!;
    if (/^\s*(#|$)/.test(line)) continue;
    while (/\\\s*$/.test(line) && i + 1 < lines.length) {
      i++;
      const next = lines[i]!;
      if (/^\s*#/.test(next)) continue;
      line = line.replace(/\\\s*$/, " ") + next.trim();
    }
    const m = /^\s*([A-Za-z]+)\s*(.*)$/.exec(line);
    if (!m) continue;
    const keyword = m[1]!.toUpperCase();
    const args = m[2]!.trim();
    if (keyword === "FROM") {
      const from = /^(?:--platform=\S+\s+)?(\S+)(?:\s+AS\s+(\S+))?/i.exec(args);
      stages.push({ from: from?.[1] ?? args, ...(from?.[2] ? { name: from[2] } : {}), instructions: [] });
    } else stages[stages.length - 1]?.instructions.push({ keyword, args, line: start + 1 });
  }
  return stages;
}

export interface CopySpec {
  from?: string;
  sources: string[];
  dest: string;
  line: number;
}

/** COPY/ADD arguments: `--from=build --chown=x a b dest` or the JSON form. */
export function copySpec(ins: Instruction): CopySpec {
  const words = ins.args.startsWith("[") ? (JSON.parse(ins.args) as string[]) : ins.args.split(/\s+/);
  const flags = words.filter((w) => w.startsWith("--"));
  const rest = words.filter((w) => !w.startsWith("--"));
  const from = flags.find((f) => f.startsWith("--from="))?.slice("--from=".length);
  return { ...(from ? { from } : {}), sources: rest.slice(0, -1), dest: rest[rest.length - 1] ?? "", line: ins.line };
}

/** CMD/ENTRYPOINT as argv: the JSON form, unwrapping `sh -c "exec …"`; the shell form split on spaces. */
export function commandArgv(ins: Instruction | undefined): string[] | undefined {
  if (!ins) return undefined;
  let argv: string[];
  try {
    argv = ins.args.startsWith("[") ? (JSON.parse(ins.args) as string[]) : ["sh", "-c", ins.args];
  } catch {
    return undefined;
  }
  if (argv.length === 3 && /^(\/bin\/)?sh$/.test(argv[0]!) && argv[1] === "-c")
    argv = argv[2]!
      .replace(/^\s*exec\s+/, "")
      .split(/\s+/)
      .filter(Boolean);
  return argv;
}

/**
 * The stages a target (by its name; without one, the final stage) is built on, the base first:
 * each stage and the named stage its FROM names, up to one built on an outside image.
 */
export function stageChain(stages: readonly Stage[], target?: string): Stage[] {
  const chain: Stage[] = [];
  let stage = target ? stages.find((s) => s.name?.toLowerCase() === target.toLowerCase()) : stages.at(-1);
  while (stage && !chain.includes(stage)) {
    chain.push(stage);
    const parent = stage.from.toLowerCase();
    stage = stages.find((s) => s.name?.toLowerCase() === parent);
  }
  return chain.reverse();
}

/** The last value an ENV line gives `name` in a stage (both `ENV A=b C=d` and `ENV A b`). */
export function envValue(stage: Stage, name: string): string | undefined {
  let value: string | undefined;
  for (const ins of stage.instructions.filter((x) => x.keyword === "ENV")) {
    const pairs = [...ins.args.matchAll(/([A-Za-z_]\w*)=("(?:[^"\\]|\\.)*"|\S*)/g)];
    if (pairs.length) {
      for (const [, k, v] of pairs) if (k === name) value = v!.replace(/^"|"$/g, "");
    } else {
      const [k, ...v] = ins.args.split(/\s+/);
      if (k === name) value = v.join(" ");
    }
  }
  return value;
}

/** `p` resolved against the folder `dir` (a WORKDIR), normalised, without a trailing slash. */
export const resolveIn = (dir: string, p: string): string =>
  path.posix.normalize(path.posix.resolve(dir, p)).replace(/(.)\/+$/, "$1");

/** A plain relative path of the build context or repository: words of `[\w.-]` between slashes. */
export const REPO_PATH = /^[\w.-]+(\/[\w.-]+)*$/;

/** Folders of the PATH an image's bare command name is looked up in (a base image's default PATH). */
export const IMAGE_PATH_DIRS = ["/usr/local/sbin", "/usr/local/bin", "/usr/sbin", "/usr/bin", "/sbin", "/bin"];

/**
 * Where a program word of a start command runs from in the image and the context file COPY put
 * there (copiedFiles): a path as it is, a bare name in the PATH's folders, in their order.
 */
export function copiedProgram(
  copied: ReadonlyMap<string, string>,
  program: string,
): { place: string; source: string } | undefined {
  const places = program.includes("/")
    ? [path.posix.normalize(program)]
    : IMAGE_PATH_DIRS.map((d) => `${d}/${program}`);
  for (const place of places) {
    const source = copied.get(place);
    if (source !== undefined) return { place, source };
  }
  return undefined;
}

/**
 * What COPY/ADD put where from the build context, in the given stages: each file's path in the image
 * → its path in the context (`COPY docker/start.sh docker/worker.sh /` puts both in `/`). A folder's
 * contents go into the destination itself, as Docker copies them (`COPY conf/ /etc/app/`: the folder
 * `/etc/app` → `conf`); a source is a folder when written with a trailing slash or when `isFolder`
 * says so (the caller can look in the repository). Copies from another stage or image, and globs,
 * are left out; a later COPY to the same place wins.
 */
export function copiedFiles(
  stages: readonly Stage[],
  isFolder: (source: string) => boolean = () => false,
): Map<string, string> {
  const copied = new Map<string, string>();
  for (const ins of stages.flatMap((s) => s.instructions)) {
    if (ins.keyword !== "COPY" && ins.keyword !== "ADD") continue;
    const spec = copySpec(ins);
    if (spec.from) continue;
    const toFolder = spec.dest.endsWith("/") || spec.sources.length > 1;
    for (const source of spec.sources.filter((s) => !/[*?[]/.test(s) && !s.includes("://"))) {
      const from = path.posix.normalize(source).replace(/(.)\/+$/, "$1");
      const folder = source.endsWith("/") || isFolder(from);
      copied.set(
        toFolder && !folder
          ? path.posix.join(spec.dest, path.posix.basename(from))
          : path.posix.normalize(spec.dest).replace(/(.)\/+$/, "$1"),
        from,
      );
    }
  }
  return copied;
}
