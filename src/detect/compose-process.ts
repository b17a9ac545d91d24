// What a compose service of the app's own image runs when its compose entry names no program: the
// image's start script. `entrypoint: [/wait-for-it.sh, db:5432, --, /entrypoint-web.sh]`, or no
// entrypoint at all and the Dockerfile's ENTRYPOINT, runs a script the Dockerfile copies in from
// the repository, whose `exec uwsgi --socket 0.0.0.0:3031 …` (or `exec celery -A app worker`)
// says what the process is. Without this, every such service was a process of unknown kind
// ("other", named after its image), and the plan moved no web server, worker or scheduler.
// Read from the repository (the compose file's folder is its checkout): an ssh read of the VM sends
// no Dockerfile or script, and the laptop's checkout holds the same ones.
import path from "node:path";
import { commandArgv, copiedFiles, copiedProgram, parseDockerfile, stageChain } from "../image/dockerfile-parse.js";
import { afterWaiter, classifyCommand, splitCommand } from "./command.js";
import { interpolate } from "./compose-interpolate.js";
import type { ServiceFinding } from "./types.js";

/** Reads a file of the repository (a path from its root); undefined when it is not there. */
export type RepoRead = (file: string) => Promise<string | undefined>;

interface ImageFacts {
  /** ENTRYPOINT then CMD, as Docker runs them. */
  start: string[];
  /** The image's ENV: its start script's settings as the image ships them. */
  env: Record<string, string>;
  /** Container path → repository path (relative to the build context) of each file COPY puts there. */
  copied: Map<string, string>;
}

function imageFacts(text: string, target?: string): ImageFacts {
  let entrypoint: string[] = [];
  let cmd: string[] = [];
  const env: Record<string, string> = {};
  const chain = stageChain(parseDockerfile(text), target);
  for (const ins of chain.flatMap((s) => s.instructions)) {
    if (ins.keyword === "ENTRYPOINT") {
      entrypoint = commandArgv(ins) ?? [];
      cmd = [];
    } else if (ins.keyword === "CMD") cmd = commandArgv(ins) ?? [];
    else if (ins.keyword === "ENV")
      for (const [, name, value] of ins.args.matchAll(/([A-Za-z_]\w*)=("(?:[^"\\]|\\.)*"|'[^']*'|\S*)/g))
        env[name!] = value!.replace(/^(["'])([\s\S]*)\1$/, "$2");
  }
  return { start: [...entrypoint, ...cmd], env, copied: copiedFiles(chain) };
}

/** A `NAME=value` or `export`, a test, a function's call without arguments: not what the script starts. */
const NOT_A_START =
  /^(\[|test\s|export\s|cd\s|set\s|source\s|\.\s|echo\s|printf\s|umask\s|if\s|then|else|fi\b|for\s|do\b|done\b|while\s|case\s|esac\b|[A-Za-z_]\w*=|[A-Za-z_]\w*$|\}|function\s|[A-Za-z_]\w*\s*\(\))/;

/**
 * The command a start script runs: its `exec` line; when that only passes its arguments on
 * (`exec "$@"`), the last command before it of a program init knows (a one-shot's `python manage.py
 * migrate`). Continuation lines are joined; comments dropped.
 */
export function scriptStart(text: string): string | undefined {
  const statements = text
    .replace(/\s*\\\n\s*/g, " ")
    .split("\n")
    .map((l) => l.replace(/(^|\s)#.*$/, "").trim())
    .filter(Boolean);
  const execs = statements.filter((s) => /^exec\s/.test(s) && !/^exec\s+[<>\d&]/.test(s));
  const last = execs.at(-1);
  if (last && !/^exec\s+"?\$(@|\{@\}|\*)"?\s*$/.test(last)) return last;
  const before = last ? statements.slice(0, statements.lastIndexOf(last)) : statements;
  return before.filter((s) => !NOT_A_START.test(s) && classifyCommand(s).runtime).at(-1);
}

/**
 * The image's variables a start script builds uWSGI's socket flag from: DefectDojo's
 * `"--${DD_UWSGI_MODE}" "${DD_UWSGI_ENDPOINT}"` with DD_UWSGI_MODE=socket in the image's ENV. The
 * deploy sets them (to http-socket and 0.0.0.0:PORT) rather than a command of its own.
 */
function scriptSocketSettings(
  line: string,
  env: Record<string, string>,
): { modeEnv?: string; addressEnv?: string } | undefined {
  const value = String.raw`"?\$\{?([A-Za-z_]\w*)(?::-[^}"]*)?\}?"?`;
  const flag = new RegExp(String.raw`(?:^|\s)"?--\$\{?([A-Za-z_]\w*)(?::-[^}"]*)?\}?"?(?:=|\s+)${value}`).exec(line);
  if (flag && /^(socket|uwsgi-socket)$/.test(env[flag[1]!] ?? "")) return { modeEnv: flag[1]!, addressEnv: flag[2]! };
  const address = new RegExp(String.raw`(?:^|\s)(?:--socket|-s|--uwsgi-socket)(?:=|\s+)${value}`).exec(line);
  return address ? { addressEnv: address[1]! } : undefined;
}

/**
 * Gives each of the app's compose services (no known image) the process its start script runs:
 * role, software and the rest of what the command says, and its address when the service has none.
 * The command kept is the compose one (what `docker compose` runs); the script's is only read.
 */
export async function resolveComposeProcesses(services: ServiceFinding[], read: RepoRead): Promise<void> {
  // A service without `build:` runs the image another service builds (`image:` names the same tag).
  const builds = new Map(
    services.flatMap((s) =>
      s.composeImage?.build && s.composeImage.image ? [[s.composeImage.image, s] as const] : [],
    ),
  );
  const dockerfiles = new Map<string, Promise<string | undefined>>();
  const readOnce = (file: string) => {
    let text = dockerfiles.get(file);
    if (!text) dockerfiles.set(file, (text = read(file)));
    return text;
  };
  for (const s of services) {
    if (!s.composeImage || s.role !== "other") continue;
    const build = s.composeImage.build ?? builds.get(s.composeImage.image ?? "")?.composeImage?.build;
    if (!build) continue;
    const dockerfile = await readOnce(path.posix.join(build.context, build.dockerfile));
    if (dockerfile === undefined) continue;
    const image = imageFacts(dockerfile, build.target);
    const words = s.command ? splitCommand(s.command) : image.start;
    if (!s.command && words.length) s.command = words.join(" ");
    const started = afterWaiter(words);
    const source = copiedProgram(image.copied, started[0] ?? "")?.source;
    const text = source ? await read(path.posix.join(build.context, source)) : undefined;
    const line = text === undefined ? undefined : scriptStart(text);
    // The image's ENV fills the script's settings (`--socket ${UWSGI_ENDPOINT}`), as the image runs it;
    // the compose file's own values may hold secrets and are not used.
    const facts = classifyCommand(line ? interpolate(line, image.env, { keepUnset: true }) : started.join(" "));
    if (facts.role === "other" && !facts.runtime) continue;
    const settings = line && facts.uwsgiSocket ? scriptSocketSettings(line, image.env) : undefined;
    if (settings) facts.uwsgiSocket = { setIn: "env", ...settings };
    const { software, role, listen, ...process } = facts;
    s.software = software;
    s.role = role;
    s.process = { ...s.process, ...process };
    if (listen && !s.listen.length) s.listen = [listen];
  }
}
