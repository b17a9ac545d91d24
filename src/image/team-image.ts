// What the team's own Dockerfile makes of the app, where the deploy builds it instead of ours: the
// folder the repository is copied to (Tandoor's /opt/recipes, not our /app), so a bucket mounted
// over the uploads folder lands where the app writes; and the virtualenv its dependencies are
// installed in when nothing puts that venv on PATH (Tandoor's `python -m venv venv`, activated
// only by its entrypoint script), so a one-off command run in place of the entrypoint (the
// migrate job's `python manage.py migrate`) uses the venv's Python, not the bare one of the base
// image, which has none of the app's packages.
import path from "node:path";
import { copySpec, parseDockerfile, type Instruction, type Stage } from "./dockerfile-parse.js";

export interface TeamImage {
  /** Where the final image holds the repository (absolute). */
  appDir?: string;
  /** The venv's bin folder when the venv is not on PATH: the app's Python tools live there. */
  venvBin?: string;
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

/** The repository's folder and an unlisted venv in the team's Dockerfile, as far as it says. */
export function teamImage(text: string): TeamImage {
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
  return {
    ...(appDir ? { appDir } : workdir !== "/" ? { appDir: workdir } : {}),
    ...(venv && !listed ? { venvBin: `${venv}/bin` } : {}),
  };
}

/** The app's Python tools a one-off command may start with: run from the venv when it is not on PATH. */
const PYTHON_TOOLS = /^(python3?(\.\d+)?|pip3?|django-admin|alembic|celery|flask|gunicorn|uvicorn|pytest)$/;

export function inTeamVenv(argv: readonly string[], team: TeamImage | undefined): string[] {
  const [first, ...rest] = argv;
  if (!team?.venvBin || first === undefined || !PYTHON_TOOLS.test(first)) return [...argv];
  return [`${team.venvBin}/${first}`, ...rest];
}
