// What the team's own Dockerfile makes of the app, where the deploy builds it instead of ours: the
// folder the repository is copied to (Tandoor's /opt/recipes, not our /app), so a bucket mounted
// over the uploads folder lands where the app writes; and the virtualenv its dependencies are
// installed in when nothing puts that venv on PATH (Tandoor's `python -m venv venv`, activated
// only by its entrypoint script), so a one-off command run in place of the entrypoint (the
// migrate job's `python manage.py migrate`) uses the venv's Python, not the bare one of the base
// image, which has none of the app's packages.
import path from "node:path";
import { APP_DIR } from "./app-root.js";
import {
  commandArgv,
  copiedFiles,
  copiedProgram,
  copySpec,
  parseDockerfile,
  REPO_PATH,
  resolveIn,
  stageChain,
  type Instruction,
  type Stage,
} from "./dockerfile-parse.js";
import { readEntryScript, routeArgs, type EntryRoute, type EntryScript } from "./entrypoint-script.js";
import { imageFiles, supervisedPrograms, type SupervisedProgram } from "./supervised.js";

export interface TeamImage {
  /** Where the final image holds the repository (absolute). */
  appDir?: string;
  /** The venv's bin folder when the venv is not on PATH: the app's Python tools live there. */
  venvBin?: string;
  /**
   * The port the image's own start listens on when it does not read PORT: Tandoor's boot.sh puts
   * nginx on `${TANDOOR_PORT:-80}` (EXPOSE 80 8080). Cloud Run must send requests there.
   */
  port?: number;
  /** A schema migration the image's start script runs (Tandoor's boot.sh: `python manage.py migrate`). */
  startMigrates?: {
    file: string;
    command: string;
    /** The setting that turns it off, when the script tests one (`AUTOMIGRATE=skip`). */
    skip?: { name: string; value: string };
  };
  /**
   * The repository's script the image's ENTRYPOINT runs (pretix's deployment/docker/pretix.bash,
   * copied to /usr/local/bin/pretix): its set-up and the subcommands it dispatches (entrypoint-script.ts).
   */
  entry?: Omit<EntryScript, "routes"> & {
    routes: Array<EntryRoute & { supervises?: SupervisedProgram[] }>;
    /** Packages whose `python -m PKG` runs Django's commands as manage.py does (their __main__.py). */
    djangoMains?: string[];
    /** Where the image holds the script (`/usr/local/bin/pretix`): a supervised program may start it there. */
    places: string[];
    /** The image's CMD: the arguments the script gets when a deploy passes none (`all`). */
    defaultArgs?: string[];
  };
}

const VENV =
  /(?:^|[\s;&|(])(?:\S*\/)?(?:python3?(?:\.\d+)?\s+-m\s+venv|virtualenv|uv\s+venv)((?:\s+--?[\w-]+(?:=\S+)?)*)\s+([^\s;&|)-][^\s;&|)]*)/;

/** `$PORT` or `${PORT…}` as a word: not TANDOOR_PORT or POSTGRES_PORT. */
const READS_PORT = /\$\{?PORT\b/;
/** `${APP_PORT:-80}`: a start script's own port setting and its default. */
const PORT_DEFAULT = /\$\{(\w*PORT):-(\d{2,5})\}/g;
const NOT_SERVED = /POSTGRES|MYSQL|DB_|DATABASE|REDIS|SMTP|EMAIL|MAIL|LDAP|METRICS/;

/** What the image starts: its ENTRYPOINT and CMD words, and the start scripts of the repository they name. */
function startOf(chain: Stage[], appDir: string | undefined, read?: (file: string) => string | undefined) {
  const last = (keyword: string) =>
    [...chain].reverse().flatMap((s) => s.instructions.filter((i) => i.keyword === keyword).reverse())[0];
  const argv = [last("ENTRYPOINT"), last("CMD")].flatMap((i) => commandArgv(i) ?? []);
  const scripts = argv.flatMap((word) => {
    const rel = appDir && word.startsWith(`${appDir}/`) ? word.slice(appDir.length + 1) : word.replace(/^\.\//, "");
    const text = !rel.startsWith("/") && REPO_PATH.test(rel) ? read?.(rel) : undefined;
    return text ? [{ file: rel, text }] : [];
  });
  return { argv, scripts };
}

/** A schema migration run from a start script: each instance runs it as it starts. */
const START_MIGRATION =
  /^\s*(?:exec\s+)?((?:\S*python3?\s+)?(?:\S*\/)?manage\.py\s+migrate\b[^\n]*|\S*python3?(?:\.\d+)?\s+-m\s+[\w.]+\s+migrate\b[^\n]*|(?:bundle exec\s+)?(?:\.\/)?(?:bin\/)?rails\s+db:(?:migrate|prepare)\b[^\n]*|php\s+artisan\s+migrate\b[^\n]*|(?:npx\s+)?prisma\s+migrate\s+deploy\b[^\n]*|alembic\s+upgrade\b[^\n]*)$/m;

function startMigration(scripts: { file: string; text: string }[]): TeamImage["startMigrates"] {
  for (const { file, text } of scripts) {
    const m = START_MIGRATION.exec(text);
    if (!m) continue;
    // The script's own switch around it (pretix's `if [ "$AUTOMIGRATE" != "skip" ]`).
    const at = text.indexOf(m[1]!, m.index);
    const before = text.slice(0, at).replace(/\s+$/, "").split("\n").slice(-1)[0] ?? "";
    const guard = /\[\[?\s+"?\$\{?([A-Z][A-Z0-9_]*)\}?"?\s+!=\s+"?([\w-]+)"?\s+\]\]?\s*;?\s*(?:then)?$/.exec(before);
    return { file, command: m[1]!.trim(), ...(guard ? { skip: { name: guard[1]!, value: guard[2]! } } : {}) };
  }
  return undefined;
}

/**
 * The port the image's ENTRYPOINT/CMD listens on when nothing there reads PORT: the default of the
 * start script's own port setting (read through `read`, the repository's file) among the EXPOSEd
 * ports, else the one EXPOSEd port. Undefined when it reads PORT or cannot be told.
 */
function listenPort(chain: Stage[], start: ReturnType<typeof startOf>) {
  const { argv } = start;
  if (argv.length === 0) return undefined;
  const scripts = start.scripts.map((s) => s.text);
  const env = chain.flatMap((s) => s.instructions.filter((i) => i.keyword === "ENV").map((i) => i.args));
  // An image that sets PORT itself reads it: Cloud Run's value replaces the image's.
  if ([...argv, ...scripts, ...env].some((t) => READS_PORT.test(t)) || env.some((e) => /(^|\s)PORT[= ]/.test(e)))
    return undefined;
  const exposed = chain
    .flatMap((s) => s.instructions.filter((i) => i.keyword === "EXPOSE"))
    .flatMap((i) => i.args.split(/\s+/).map((p) => Number(p.replace(/\/tcp$/, ""))))
    .filter((p) => p > 0);
  const defaults = scripts
    .flatMap((t) => [...t.matchAll(PORT_DEFAULT)])
    .filter((m) => !NOT_SERVED.test(m[1]!))
    .map((m) => Number(m[2]));
  const chosen = [...new Set(defaults.filter((p) => exposed.length === 0 || exposed.includes(p)))];
  if (chosen.length === 1) return chosen[0];
  return chosen.length === 0 && defaults.length === 0 && exposed.length === 1 ? exposed[0] : undefined;
}

/** Folders a COPY of the repository's own files does not place the repository in. */
const NOT_APP_DIR = /^\/(etc|usr|bin|sbin|lib|lib64|root|tmp|var\/(log|tmp|run)|run|proc|sys|dev)(\/|$)/;

/**
 * Where COPYs of the repository's paths put the repository when nothing copies it whole: each one
 * that keeps a path's place (`COPY src /pretix/src`, `COPY pyproject.toml /pretix/`) says the
 * repository is at /pretix; the folder most of them say.
 */
function copiedRoot(instructions: Instruction[], read?: (file: string) => string | undefined): string | undefined {
  let workdir = "/";
  const votes = new Map<string, number>();
  for (const ins of instructions) {
    if (ins.keyword === "WORKDIR") workdir = resolveIn(workdir, ins.args.trim().replace(/^["']|["']$/g, ""));
    if ((ins.keyword !== "COPY" && ins.keyword !== "ADD") || /--from=/.test(ins.args)) continue;
    const spec = copySpec(ins);
    for (const source of spec.sources) {
      const rel = source.replace(/^\.\//, "").replace(/\/+$/, "");
      if (!REPO_PATH.test(rel) || rel.startsWith(".")) continue;
      // Into a folder (`dest/`): a file keeps its name there; a folder's contents would lose it.
      const intoFolder = spec.dest.endsWith("/") || spec.sources.length > 1;
      const dest = intoFolder
        ? read?.(rel) !== undefined
          ? resolveIn(workdir, path.posix.join(spec.dest, path.posix.basename(rel)))
          : undefined
        : resolveIn(workdir, spec.dest);
      if (!dest || !dest.endsWith(`/${rel}`)) continue;
      const root = dest.slice(0, dest.length - rel.length - 1) || "/";
      if (root === "/" || NOT_APP_DIR.test(root)) continue;
      votes.set(root, (votes.get(root) ?? 0) + 1);
    }
  }
  return [...votes.entries()].sort((a, b) => b[1] - a[1])[0]?.[0];
}

/**
 * The repository's script the image's ENTRYPOINT runs: a word of it that is a repository path
 * (under the app's folder or relative), or the place a COPY put one (`COPY deployment/docker/pretix.bash
 * /usr/local/bin/pretix` with `ENTRYPOINT ["pretix"]`).
 */
function entryScript(
  chain: Stage[],
  appDir: string | undefined,
  read?: (file: string) => string | undefined,
  list?: (dir: string) => string[] | undefined,
): TeamImage["entry"] {
  if (!read) return undefined;
  const instructions = chain.flatMap((s) => s.instructions);
  const last = (keyword: string) => [...instructions].reverse().find((i) => i.keyword === keyword);
  const argv = commandArgv(last("ENTRYPOINT")) ?? [];
  // A source the repository has no file for is a folder (`COPY deployment/docker/supervisord /etc/supervisord/`).
  const copied = copiedFiles(chain, (source) => read(source) === undefined);
  for (const word of argv) {
    const found = copiedProgram(copied, word);
    const rel = found
      ? found.source
      : appDir && word.startsWith(`${appDir}/`)
        ? word.slice(appDir.length + 1)
        : /^\.?\/?[\w.-]+\/[\w./-]+$/.test(word)
          ? word.replace(/^\.\//, "")
          : undefined;
    const text = rel && REPO_PATH.test(rel) ? read(rel) : undefined;
    const script = text !== undefined ? readEntryScript(rel!, text) : undefined;
    if (!script) continue;
    // What a route that runs supervisord starts (supervised.ts), read through the image's COPYs.
    const files = imageFiles(copied, appDir, read, list ?? (() => undefined));
    const routes = script.routes.map((r) => {
      const supervises = supervisedPrograms(r.argv, files);
      return supervises ? { ...r, supervises } : r;
    });
    const cmd = argv.indexOf(word) === argv.length - 1 ? commandArgv(last("CMD")) : undefined;
    return {
      ...script,
      routes,
      ...djangoMainsOf(script, appDir, read),
      places: [...new Set([found?.place ?? word, word])],
      ...(cmd?.length ? { defaultArgs: cmd } : {}),
    };
  }
  return undefined;
}

/** The packages a route runs with `python -m PKG` whose __main__.py runs Django's management commands. */
function djangoMainsOf(
  script: EntryScript,
  appDir: string | undefined,
  read: (file: string) => string | undefined,
): { djangoMains?: string[] } {
  const cdRel = appDir && script.cd?.startsWith(`${appDir}/`) ? script.cd.slice(appDir.length + 1) : undefined;
  const pkgs = script.routes.flatMap((r) => (r.argv[1] === "-m" && r.argv[2] ? [r.argv[2]] : []));
  const mains = [...new Set(pkgs)].filter((pkg) =>
    [cdRel, "src", "."].some((dir) => {
      if (dir === undefined) return false;
      const text = read(path.posix.join(dir, pkg.replace(/\./g, "/"), "__main__.py"));
      return text !== undefined && /execute_from_command_line/.test(text);
    }),
  );
  return mains.length ? { djangoMains: mains } : {};
}

/** The repository's folder and an unlisted venv in the team's Dockerfile, as far as it says. */
export function teamImage(
  text: string,
  read?: (file: string) => string | undefined,
  options: {
    /** The names of the files in a repository folder (the folders a COPY fills: supervised.ts). */
    list?: (dir: string) => string[] | undefined;
    /** The stage the build stops at (`--target`), else the last: what the image holds and starts. */
    target?: string;
  } = {},
): TeamImage {
  const { list, target } = options;
  const chain = stageChain(parseDockerfile(text), target);
  if (chain.length === 0) return {};
  let workdir = "/";
  let appDir: string | undefined;
  let venv: string | undefined;
  const onPath: string[] = [];
  const env: Record<string, string> = {};
  const instructions: Instruction[] = chain.flatMap((s) => s.instructions);
  for (const ins of instructions) {
    if (ins.keyword === "WORKDIR") workdir = resolveIn(workdir, ins.args.trim().replace(/^["']|["']$/g, ""));
    else if ((ins.keyword === "COPY" || ins.keyword === "ADD") && !/--from=/.test(ins.args)) {
      const spec = copySpec(ins);
      if (spec.sources.some((s) => s === "." || s === "./")) appDir = resolveIn(workdir, spec.dest);
    } else if (ins.keyword === "RUN") {
      const m = VENV.exec(ins.args);
      // `python -m venv $VIRTUAL_ENV`: the folder an earlier ENV names; an unknown variable, no folder.
      const dir = m?.[2]!.replace(/^\$\{?(\w+)\}?/, (whole, name: string) => env[name] ?? whole);
      if (dir && !dir.includes("$")) venv = resolveIn(workdir, dir);
    } else if (ins.keyword === "ENV") {
      for (const [, name, value] of ins.args.matchAll(/([A-Za-z_]\w*)=("[^"]*"|\S*)/g))
        env[name!] = value!.replace(/^"|"$/g, "");
      if (/\bPATH\b/.test(ins.args)) onPath.push(ins.args);
    }
  }
  const listed =
    venv !== undefined &&
    onPath.some(
      (e) => e.includes(`${venv}/bin`) || /\$\{?VIRTUAL_ENV\}?\/bin/.test(e) || /(^|[:="])(\.\/)?venv\/bin/.test(e),
    );
  const home = appDir ?? (workdir !== "/" ? workdir : copiedRoot(instructions, read));
  const start = startOf(chain, home, read);
  const port = listenPort(chain, start);
  const entry = entryScript(chain, home, read, list);
  const entryText = entry && !start.scripts.some((x) => x.file === entry.file) ? read?.(entry.file) : undefined;
  const startMigrates = startMigration([
    ...start.scripts,
    ...(entry && entryText !== undefined ? [{ file: entry.file, text: entryText }] : []),
  ]);
  return {
    ...(home ? { appDir: home } : {}),
    ...(entry ? { entry } : {}),
    ...(venv && !listed ? { venvBin: `${venv}/bin` } : {}),
    ...(port ? { port } : {}),
    ...(startMigrates ? { startMigrates } : {}),
  };
}

/**
 * A path of ours (under APP_DIR, where our Dockerfiles put the repository) where the team's image
 * has it: under the folder its Dockerfile copies the repository to (Tandoor's /opt/recipes, pretix's
 * /pretix). Anything else, or an image whose folder is not known, stays as it is.
 */
export function inTeamImage(p: string, team: TeamImage | undefined): string {
  const dir = team?.appDir;
  return dir && (p === APP_DIR || p.startsWith(`${APP_DIR}/`)) ? path.posix.join(dir, p.slice(APP_DIR.length)) : p;
}

/** The app's Python tools a one-off command may start with: run from the venv when it is not on PATH. */
const PYTHON_TOOLS = /^(python3?(\.\d+)?|pip3?|django-admin|alembic|celery|flask|gunicorn|uvicorn|pytest)$/;

export function inTeamVenv(argv: readonly string[], team: TeamImage | undefined): string[] {
  const [first, ...rest] = argv;
  if (!team?.venvBin || first === undefined || !PYTHON_TOOLS.test(first)) return [...argv];
  return [`${team.venvBin}/${first}`, ...rest];
}

/** How a process starts in the image: a command that replaces its ENTRYPOINT, or arguments to it. */
export type TeamRun = { command: string[] } | { args: string[] };

/**
 * How a one-off or background process runs in the team's image: through its ENTRYPOINT script
 * when the script starts that command (`pretix cron` for `python -m pretix runperiodic`: the
 * script's `cd` and exports run first), else as a command that replaces the ENTRYPOINT (the venv's
 * tools by their path when the venv is off PATH).
 */
export function teamRun(argv: readonly string[], team: TeamImage | undefined): TeamRun {
  // The venv's tools by their path either way: a pass-through script runs the words it is given.
  const venvArgv = inTeamVenv(argv, team);
  const args = team?.entry ? routeArgs(venvArgv, team.entry, new Set(team.entry.djangoMains ?? [])) : undefined;
  return args ? { args } : { command: venvArgv };
}
