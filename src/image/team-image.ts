// What the team's own Dockerfile makes of the app, where the deploy builds it instead of ours: the
// folder the repository is copied to (Tandoor's /opt/recipes, not our /app), so a bucket mounted
// over the uploads folder lands where the app writes; and the virtualenv its dependencies are
// installed in when nothing puts that venv on PATH (Tandoor's `python -m venv venv`, activated
// only by its entrypoint script), so a one-off command run in place of the entrypoint (the
// migrate job's `python manage.py migrate`) uses the venv's Python, not the bare one of the base
// image, which has none of the app's packages.
import path from "node:path";
import { commandArgv, copySpec, parseDockerfile, type Instruction, type Stage } from "./dockerfile-parse.js";

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
  startMigrates?: { file: string; command: string };
}

/** The final stage, then each stage it is built FROM (named stages only). */
function finalChain(stages: Stage[]): Stage[] {
  const chain: Stage[] = [];
  let stage = stages.at(-1);
  while (stage && !chain.includes(stage)) {
    chain.push(stage);
    const parent = stage.from.toLowerCase();
    stage = stages.find((s) => s.name?.toLowerCase() === parent);
  }
  return chain.reverse();
}

const resolveIn = (dir: string, p: string) => path.posix.normalize(path.posix.resolve(dir, p)).replace(/(.)\/+$/, "$1");
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
    const text = !rel.startsWith("/") && /^[\w.-]+(\/[\w.-]+)*$/.test(rel) ? read?.(rel) : undefined;
    return text ? [{ file: rel, text }] : [];
  });
  return { argv, scripts };
}

/** A schema migration run from a start script: each instance runs it as it starts. */
const START_MIGRATION =
  /^\s*(?:exec\s+)?((?:\S*python3?\s+)?(?:\S*\/)?manage\.py\s+migrate\b[^\n]*|(?:bundle exec\s+)?(?:\.\/)?(?:bin\/)?rails\s+db:(?:migrate|prepare)\b[^\n]*|php\s+artisan\s+migrate\b[^\n]*|(?:npx\s+)?prisma\s+migrate\s+deploy\b[^\n]*|alembic\s+upgrade\b[^\n]*)$/m;

function startMigration(scripts: { file: string; text: string }[]): TeamImage["startMigrates"] {
  for (const { file, text } of scripts) {
    const m = START_MIGRATION.exec(text);
    if (m) return { file, command: m[1]!.trim() };
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

/** The repository's folder and an unlisted venv in the team's Dockerfile, as far as it says. */
export function teamImage(text: string, read?: (file: string) => string | undefined): TeamImage {
  const chain = finalChain(parseDockerfile(text));
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
  const home = appDir ?? (workdir !== "/" ? workdir : undefined);
  const start = startOf(chain, home, read);
  const port = listenPort(chain, start);
  const startMigrates = startMigration(start.scripts);
  return {
    ...(home ? { appDir: home } : {}),
    ...(venv && !listed ? { venvBin: `${venv}/bin` } : {}),
    ...(port ? { port } : {}),
    ...(startMigrates ? { startMigrates } : {}),
  };
}

/** The app's Python tools a one-off command may start with: run from the venv when it is not on PATH. */
const PYTHON_TOOLS = /^(python3?(\.\d+)?|pip3?|django-admin|alembic|celery|flask|gunicorn|uvicorn|pytest)$/;

export function inTeamVenv(argv: readonly string[], team: TeamImage | undefined): string[] {
  const [first, ...rest] = argv;
  if (!team?.venvBin || first === undefined || !PYTHON_TOOLS.test(first)) return [...argv];
  return [`${team.venvBin}/${first}`, ...rest];
}
