// A VM command line as the argv a container runs. On the VM a command leans on the machine:
// `/opt/netbox/venv/bin/gunicorn --bind 127.0.0.1:8001 --pythonpath /opt/netbox/netbox …`,
// `cd /srv/app && …`, `sh -c '…; exec granian …'`, `/home/u/.rbenv/shims/bundle exec puma`. In
// the image the tools are on PATH, the repository sits in APP_DIR, the working directory is the
// image's WORKDIR, logs go to stdout, and web servers must listen on 0.0.0.0:$PORT. What cannot
// become a plain argv (pipes, variables, several real commands) is reported, never guessed.
import path from "node:path";
import { APP_DIR, inImagePath } from "./app-root.js";
import { shellCommands, shellTokens, type ShellToken } from "./shell-words.js";
import { bindArgs } from "./web-bind.js";
import { markCredentials } from "./command-credentials.js";
import { afterEnvLoader } from "../contracts/env-loaders.js";

export interface ArgvContext {
  /** The app's folder on the VM (app-root.ts), mapped to APP_DIR in the image. */
  root?: string;
  /** The image's WORKDIR (absolute); relative paths in the argv are relative to it. */
  workdir?: string;
  /** Bind a web server to 0.0.0.0 on this port ("${PORT}" in a shell CMD, "8080" in deploy args). */
  port?: string;
  /** VM paths of secret files → where Cloud Run mounts them (code-links.ts secretFileMounts). */
  mounts?: Record<string, string>;
  /** Whether the repository holds a file (relative path): a folder with pyvenv.cfg is a virtualenv. */
  repoHas?: (file: string) => boolean;
}

/**
 * A command's words with each secret file it names (`--config /etc/gitea/app.ini`, `-c=/etc/x.toml`)
 * pointed at the file's mount: a Go binary's image has no shell to link the VM's path, and a flag
 * needs no link where one could be made.
 */
export function atMounts(words: string[], mounts: Record<string, string> | undefined): string[] {
  if (!mounts || Object.keys(mounts).length === 0) return words;
  return words.map((word) => {
    const m = /^(--?[\w-]+=)?(\/[^\s]*)$/.exec(word);
    const mount = m ? mounts[m[2]!] : undefined;
    return mount ? `${m![1] ?? ""}${mount}` : word;
  });
}

/**
 * Words naming a secret file relative to the process's working directory on the VM (`java -jar
 * app.jar conf/app.xml` run in /opt/app) as the file's mount: the image runs elsewhere, and the
 * file is mounted from Secret Manager, not held by the image.
 */
export function atWorkingDirMounts(
  words: string[],
  workingDir: string | undefined,
  mounts: Record<string, string> | undefined,
): string[] {
  if (!workingDir?.startsWith("/") || !mounts) return words;
  return words.map((word) => {
    if (!/^(\.\/)?[\w@+-][\w./@+-]*$/.test(word) || word.split("/").includes("..")) return word;
    return mounts[path.posix.join(workingDir, word)] ?? word;
  });
}

export type ProcessArgv = { ok: true; argv: string[]; dropped: string[]; cd?: string } | { ok: false; reason: string };

/** Words the deploy pipeline passes through: the deployment contract's command pattern, plus `${PORT}`. */
const PLAIN = /^[A-Za-z0-9_.:=\/@%+,-]{1,200}$/;
const SHELLS = /^(?:\/usr)?\/bin\/(?:ba|da)?sh$|^(?:ba|da)?sh$/;
// Tools that live in a bin folder (a virtualenv, rbenv/nvm shims, /usr/bin): on PATH in the image.
const BIN_DIR =
  /\/(?:\.?venv|virtualenv|env|\.rbenv\/shims|\.rbenv\/versions\/[^/]+\/bin|\.nvm\/versions\/node\/[^/]+\/bin|shims|bin|sbin)\/[^/]+$/;

/**
 * Launchers installed outside the app that only start its entry file, as the argv they start.
 * Ghost-CLI's `ghost run` (what its systemd unit runs) spawns `node current/index.js` in the install
 * folder (github.com/TryGhost/Ghost-CLI lib/commands/run.js): the image runs that itself.
 */
const LAUNCHERS: { program: RegExp; args: string[]; argv: string[]; label: string }[] = [
  { program: /^ghost$/, args: ["run"], argv: ["node", "current/index.js"], label: "Ghost-CLI's `ghost run`" },
];

function launched(argv: string[]): { argv: string[]; label: string } | undefined {
  const words = /^node(js)?$/.test(path.posix.basename(argv[0] ?? "")) ? argv.slice(1) : argv;
  const program = path.posix.basename(words[0] ?? "");
  const hit = LAUNCHERS.find((l) => l.program.test(program) && l.args.join(" ") === words.slice(1).join(" "));
  return hit ? { argv: hit.argv, label: hit.label } : undefined;
}

/** `sh -c '…'`, `bash -lc '…'`, `env bash -c '…'` → the script they run. */
function unwrapShell(words: string[]): string | undefined {
  let i = 0;
  if (words[i] === "env" || words[i] === "/usr/bin/env") i++;
  if (!SHELLS.test(words[i] ?? "")) return undefined;
  const flag = words[i + 1] ?? "";
  return /^-[a-z]*c$/.test(flag) && words.length === i + 3 ? words[i + 2] : undefined;
}

/**
 * `env`'s own options before the program it runs (`/usr/bin/env -S java -jar app.jar`): -S splits
 * the rest, which the shell words already are; -i, -u NAME and -0 shape the VM's environment, which
 * the deploy sets instead. Left in, `-S` would be taken for the program.
 */
function dropEnvOptions(argv: string[], dropped: string[]): void {
  while (argv[0]?.startsWith("-")) {
    const option = argv.shift()!;
    dropped.push(option);
    if (option === "--") return;
    if (option === "-u" || option === "--unset") dropped.push(argv.shift() ?? "");
  }
}

/**
 * `bin/rails server -e $RAILS_ENV` (Chatwoot's unit), `puma -e $RACK_ENV`: the flag only repeats the
 * variable the server reads by itself, which the deploy sets. Without a shell to expand it, the
 * container would get the literal `$RAILS_ENV`; dropped, the server reads the same value.
 */
function dropEnvEcho(argv: string[], dropped: string[]): string[] {
  const base = argv.map((w) => path.posix.basename(w));
  const server = base.includes("puma") || (base.includes("rails") && (base.includes("server") || base.includes("s")));
  if (!server) return argv;
  const out: string[] = [];
  for (let i = 0; i < argv.length; i++) {
    const [flag, inline] = argv[i]!.split(/=(.*)/s);
    const value = inline ?? argv[i + 1];
    if ((flag === "-e" || flag === "--environment") && /^\$\{?(RAILS_ENV|RACK_ENV)\}?$/.test(value ?? "")) {
      dropped.push(`${flag} ${value} (the server reads it from the environment)`);
      if (inline === undefined) i++;
    } else out.push(argv[i]!);
  }
  return out;
}

/** Flags that send a program's own log to a file (Odoo's and Celery's --logfile, gunicorn's --error-logfile). */
const LOG_FILE_FLAG = /^--(logfile|log-file|error-logfile|error-log-file)$/;

/**
 * `--logfile /var/log/odoo/odoo-server.log`: the image's user cannot make a folder under /var/log
 * (root's), so the program fails at start, and Cloud Run keeps what it writes to stdout and stderr
 * (the programs' default when no file is named) as the service's logs. Dropped, the log goes there.
 * https://cloud.google.com/run/docs/logging#container-logs
 */
function dropVarLogFiles(argv: string[], dropped: string[]): string[] {
  const out: string[] = [];
  for (let i = 0; i < argv.length; i++) {
    const [flag, inline] = argv[i]!.split(/=(.*)/s);
    const value = inline ?? argv[i + 1];
    if (i > 0 && LOG_FILE_FLAG.test(flag ?? "") && value?.startsWith("/var/log/")) {
      dropped.push(`${flag} ${value} (Cloud Run keeps stdout and stderr as the logs)`);
      if (inline === undefined) i++;
    } else out.push(argv[i]!);
  }
  return out;
}

/**
 * A program the app's repository holds (a monorepo's packages/cli/bin/n8n, Symfony's bin/console):
 * the image has it at the same place under APP_DIR, and nothing puts it on PATH. Tools installed
 * into the app's folder (a virtualenv, `<app>-env` as Weblate's docs name theirs, node_modules/.bin,
 * vendor/bundle) are not the repository's.
 */
function ownProgram(program: string, root: string | undefined, repoHas?: (file: string) => boolean): boolean {
  if (!root || !program.startsWith(`${root}/`)) return false;
  const rel = program.slice(root.length + 1);
  // A virtualenv made in the app's folder itself (`python3 -m venv /var/www/recipes`, Tandoor's
  // manual install): its bin/ sits beside pyvenv.cfg, and the image has those tools on PATH.
  const env = path.posix.dirname(path.posix.dirname(rel));
  if (path.posix.basename(path.posix.dirname(rel)) === "bin" && repoHas?.(path.posix.join(env, "pyvenv.cfg")))
    return false;
  // The root itself a virtualenv (Weblate's gunicorn.service runs in ~/weblate-env): its bin/ too.
  if (VENV_NAME.test(path.posix.basename(root)) && /^bin\/[^/]+$/.test(rel)) return false;
  return !/(^|\/)(\.?venv|virtualenv|env|[\w.]+-(?:v?env)|node_modules|vendor|\.bundle|\.rbenv|\.nvm|shims)\//.test(
    rel,
  );
}

/** A virtualenv's folder name: venv, .venv, virtualenv, env, or one named for the app (`weblate-env`). */
const VENV_NAME = /^(\.?venv|virtualenv|env|[\w.]+-v?env)$/;

/** Commands before the real one that only prepare the VM's environment (cd, export, tests, sourcing). */
function preparation(cmd: string[]): "cd" | "env" | undefined {
  if (cmd[0] === "cd") return "cd";
  if (["export", "[", "test", "source", ".", "set", "umask"].includes(cmd[0]!)) return "env";
  return undefined;
}

export function processArgv(command: string | undefined, ctx: ArgvContext = {}): ProcessArgv {
  // A redacted credential stays a word (command-credentials.ts): read as sh, `<redacted:…>` is a redirection.
  let text = markCredentials((command ?? "").trim());
  if (!text) return { ok: false, reason: "no command" };
  const dropped: string[] = [];
  const words = shellTokens(text).filter((t): t is string => typeof t === "string");
  const script = unwrapShell(words);
  if (script) {
    dropped.push(`${words.slice(0, -1).join(" ")} wrapper`);
    text = script;
  }
  // Redirections: Cloud Run keeps stdout and stderr as logs.
  const tokens = shellTokens(text);
  const plain: ShellToken[] = [];
  for (let i = 0; i < tokens.length; i++) {
    const t = tokens[i]!;
    if (typeof t !== "string" && /^\d?(>>?|&>|>&|<)$/.test(t.op)) {
      const target = tokens[i + 1];
      dropped.push(`${t.op} ${typeof target === "string" ? target : ""}`.trim());
      i++;
    } else if (typeof t !== "string" && /^\d>&\d$/.test(t.op)) dropped.push(t.op);
    else plain.push(t);
  }
  const commands = shellCommands(plain);
  if (!commands)
    return {
      ok: false,
      reason: plain.some((t) => typeof t !== "string" && t.op === "|")
        ? "it pipes into another command, which needs a shell"
        : "it runs commands in the background, in a subshell or from a substitution, which needs a shell",
    };
  let cd: string | undefined;
  for (const prep of commands.slice(0, -1)) {
    const kind = preparation(prep);
    if (!kind) return { ok: false, reason: `it runs several commands ("${prep.join(" ")}" before the last one)` };
    if (kind === "cd") cd = prep[1];
    dropped.push(prep.join(" "));
  }
  let argv = [...(commands[commands.length - 1] ?? [])];
  while (argv[0] === "exec" || argv[0] === "env" || argv[0] === "/usr/bin/env") {
    const launcher = argv.shift()!;
    dropped.push(launcher);
    if (launcher !== "exec") dropEnvOptions(argv, dropped);
  }
  // `dotenv bundle exec sidekiq`: the VM's env file is not in the image, Cloud Run sets the variables.
  const envLoader = (words: string[]) => afterEnvLoader(words[0] === "npx" ? words.slice(1) : words);
  for (let rest = envLoader(argv); rest?.length; rest = envLoader(argv)) {
    dropped.push(`${argv.slice(0, argv.length - rest.length).join(" ")} (the deploy sets the environment)`);
    argv = rest;
  }
  if (argv.length === 0) return { ok: false, reason: "nothing left to run" };
  const launcher = launched(argv);
  if (launcher) {
    dropped.push(`${argv.join(" ")} → ${launcher.argv.join(" ")} (${launcher.label})`);
    argv = [...launcher.argv];
  }
  const assignment = /^([A-Za-z_]\w*)=/.exec(argv[0]!);
  if (assignment)
    return { ok: false, reason: `it sets ${assignment[1]} inline; give that as an environment variable instead` };
  // A relative virtualenv (`venv/bin/python` after `cd /srv/app`): the image's virtualenv is on PATH.
  // One named for the app (`~/weblate-env`, Weblate's install docs) is one as well.
  if (
    /^(\.\/)?(\.?venv|virtualenv|env|[\w.]+-v?env)\/bin\/[^/]+$/.test(argv[0]!) ||
    (BIN_DIR.test(argv[0]!) && argv[0]!.startsWith("/") && !ownProgram(argv[0]!, ctx.root, ctx.repoHas))
  ) {
    const tool = path.posix.basename(argv[0]!);
    dropped.push(`${argv[0]} → ${tool}`);
    argv[0] = tool;
  }
  // VM paths of the app's own files become paths in the image, relative to its WORKDIR.
  const workdir = ctx.workdir ?? APP_DIR;
  argv = atMounts(argv, ctx.mounts).map((word) => {
    const m = /^(--?[\w-]+=)?(\/[^\s]*)$/.exec(word);
    if (!m || !ctx.root || !(m[2] === ctx.root || m[2]!.startsWith(`${ctx.root}/`))) return word;
    const rel = path.posix.relative(workdir, inImagePath(m[2]!, ctx.root)) || ".";
    return `${m[1] ?? ""}${rel}`;
  });
  argv = dropEnvEcho(argv, dropped);
  argv = dropVarLogFiles(argv, dropped);
  if (ctx.port) argv = bindArgs(argv, ctx.port, dropped);
  const odd = argv.find((w) => !PLAIN.test(w.replace("${PORT}", "8080")));
  if (odd) return { ok: false, reason: `"${odd}" needs a shell (variables, quotes, globs or spaces)` };
  return { ok: true, argv, dropped, ...(cd ? { cd } : {}) };
}
