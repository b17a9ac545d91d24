// pm2 (the Node process manager) on a VM: `pm2 startup` installs `pm2-<user>.service`, whose
// `ExecStart=… pm2 resurrect` restarts the apps `pm2 save` wrote to `$PM2_HOME/dump.pm2`
// (PM2_HOME defaults to ~/.pm2). That file is what runs: a JSON array with one entry per process
// (a cluster of 4 is 4 entries of one name; `pm2 save` deletes `instances`), each entry the
// process's pm2_env: name, pm_exec_path, pm_cwd, args, node_args, exec_interpreter, exec_mode,
// cron_restart, and `env` with every variable of the shell that started pm2 (also copied to the
// entry's top level). Format read from pm2's source (github.com/Unitech/pm2 at 31adee80,
// lib/API/Startup.js `dump`, lib/God.js `executeApp`, lib/Common.js `prepareAppConf`,
// lib/templates/init-scripts/systemd.tpl). Over ssh the file arrives with its values already
// reduced on the VM (read-host.sh, mode pm2); the same rule for what counts applies here.
import { quote } from "shell-quote";
import { isLoginEnv } from "../contracts/login-env.js";
import { ENV_NAME } from "../inventory/schema.js";
import { basename, classifyCommand } from "./command.js";
import { sanitiseName } from "./procfile.js";
import { attachEnvValues } from "./systemd.js";
import type { ServiceFinding } from "./types.js";

/** Where `pm2 save` writes for root and for each user with the default PM2_HOME (host-root-relative). */
export const PM2_DUMP_CANDIDATE = /^(root|home\/[^/]+)\/\.pm2\/dump\.pm2$/;
/** The same places as shell globs, for the script run on the VM over ssh. */
export const PM2_DUMP_GLOBS = ["root/.pm2/dump.pm2", "home/*/.pm2/dump.pm2"];

/** A command that is pm2 itself (the launcher a unit or crontab runs), not an app. */
export const PM2_LAUNCHER = /(^|\/)(pm2|pm2-runtime|pm2-docker)(\s|$)/;

/**
 * Beyond the login and toolchain (contracts/login-env.ts): the interactive session the shell that
 * started pm2 had (terminal, locale, ssh, sudo) and pm2's own variables. Every pm2 app has them;
 * none is the app's setting. Only here: a unit or env file that sets LANG or HOSTNAME means it.
 */
const SESSION_NAMES =
  /^(_|MANPATH|INFOPATH|LANG|LANGUAGE|LC_[A-Z]+|TERM|COLORTERM|TERM_PROGRAM(_VERSION)?|PWD|OLDPWD|SHLVL|MAIL|HOSTNAME|SSH_[A-Z_]+|XDG_[A-Z_]+|DBUS_SESSION_BUS_ADDRESS|LS_COLORS|LESS(OPEN|CLOSE)?|MOTD_SHOWN|EDITOR|VISUAL|PAGER|HIST[A-Z]*|TMUX(_PANE)?|STY|WINDOW|DISPLAY|SUDO_[A-Z]+|PM2_[A-Z_]+|NODE_APP_INSTANCE|unique_id|pm_id)$/;
const notTheApps = (key: string) => isLoginEnv(key) || SESSION_NAMES.test(key);

export type Pm2App = ServiceFinding & { pm2: NonNullable<ServiceFinding["pm2"]> };

export interface Pm2Reading {
  apps: Pm2App[];
  /** What could not be read, said plainly (invalid JSON, an entry without a script). */
  notices: string[];
}

type Entry = Record<string, unknown>;
const text = (v: unknown) => (typeof v === "string" ? v : undefined);
const words = (v: unknown): string[] =>
  Array.isArray(v)
    ? v.filter((w): w is string | number => typeof w === "string" || typeof w === "number").map(String)
    : typeof v === "string"
      ? // pm2's own split of a string (lib/tools/Config.js): quoted parts stay one word.
        (v.match(/[^\s"'=]+="[^"]*"|[^\s"'=]+='[^']*'|"([^"]*)"|'([^']*)'|\S+/g) ?? []).map((w) =>
          /^(["']).*\1$/.test(w) ? w.slice(1, -1) : w,
        )
      : [];

const PACKAGE_RUNNERS = new Set(["npm", "npx", "yarn", "pnpm", "bun", "node", "ts-node", "tsx"]);

/**
 * The command pm2 runs: interpreter, its arguments, the script, the script's arguments. A script
 * that is a program on PATH (`pm2 start npm -- start`) runs without the interpreter pm2 names, and
 * `pm2 start "gunicorn app:app"` (pm2 wraps it as `bash -c …`) is the inner command.
 */
export function pm2Command(entry: Entry): string | undefined {
  const script = text(entry.pm_exec_path) ?? text(entry.script);
  if (!script) return undefined;
  // `script: "gunicorn app:app"` in a config: pm2 runs it with `bash -c` (lib/Common.js verifyConfs).
  if (!text(entry.pm_exec_path) && /\s/.test(script.trim())) return script.trim();
  const args = words(entry.args);
  const exe = basename(script);
  if ((exe === "bash" || exe === "sh") && args[0] === "-c" && args[1]) return args.slice(1).join(" ");
  let interpreter = text(entry.exec_interpreter) ?? text(entry.interpreter);
  const runner = PACKAGE_RUNNERS.has(exe) || (/\/s?bin\//.test(script) && !/\.[a-z]{1,4}$/.test(exe));
  if (interpreter === "none" || (runner && /(^|\/)(node|bun)$/.test(interpreter ?? ""))) interpreter = undefined;
  const interpreterArgs = interpreter ? [...words(entry.node_args), ...words(entry.interpreter_args)] : [];
  const all = [...(interpreter ? [interpreter, ...interpreterArgs] : []), script, ...args];
  return all.map((w) => (/^[\w@%+=:,./-]+$/.test(w) ? w : quote([w]))).join(" ");
}

/** The app's own environment: names from `env` without the shell's and pm2's, values for plain use. */
export function pm2Environment(entry: Entry, name: string): Record<string, string> {
  const env = entry.env && typeof entry.env === "object" && !Array.isArray(entry.env) ? (entry.env as Entry) : {};
  const instanceVar = text(entry.instance_var);
  const out: Record<string, string> = {};
  for (const [key, value] of Object.entries(env)) {
    if (!ENV_NAME.test(key) || notTheApps(key) || key === instanceVar || key === name) continue;
    if (typeof value === "string" || typeof value === "number" || typeof value === "boolean") out[key] = String(value);
    else if (value === null) out[key] = "";
  }
  return out;
}

/** The apps of a `dump.pm2` (or `pm2 jlist`-shaped JSON), one finding per app name. */
export function parsePm2Dump(raw: string, file: string): Pm2Reading {
  let parsed: unknown;
  try {
    parsed = JSON.parse(raw);
  } catch (error) {
    return {
      apps: [],
      notices: [`${file} is not valid JSON (${(error as Error).message.slice(0, 120)}): its apps were not read`],
    };
  }
  if (!Array.isArray(parsed))
    return { apps: [], notices: [`${file} is not a list of processes as \`pm2 save\` writes: its apps were not read`] };
  const apps = new Map<string, Pm2App>();
  const notices: string[] = [];
  const lines = raw.split("\n");
  for (const [index, item] of parsed.entries()) {
    const entry = (item && typeof item === "object" && "pm2_env" in item ? (item as Entry).pm2_env : item) as Entry;
    if (!entry || typeof entry !== "object" || entry.pmx_module === true) continue;
    const pm2Name = text(entry.name) ?? "";
    const command = pm2Command(entry);
    if (!command) {
      notices.push(`${file}: process ${index + 1}${pm2Name ? ` (${pm2Name})` : ""} names no script: not read`);
      continue;
    }
    const key = `${text(entry.namespace) ?? "default"}/${pm2Name}`;
    const seen = apps.get(key);
    if (seen) {
      seen.pm2.instances++;
      continue;
    }
    const at = lines.findIndex((l) => l.includes(`"name": ${JSON.stringify(pm2Name)}`));
    const app = pm2Finding(entry, command, file, key, at >= 0 && lines.length > 2 ? at + 1 : undefined);
    apps.set(key, app);
  }
  return { apps: [...apps.values()], notices };
}

/** One pm2 app (a dump entry, or an ecosystem file's app in the same shape) as a service finding. */
export function pm2Finding(entry: Entry, command: string, file: string, key: string, line?: number): Pm2App {
  const pm2Name = text(entry.name) ?? "";
  const { software, role, listen, ...process } = classifyCommand(command);
  const environment = pm2Environment(entry, pm2Name);
  const cwd = text(entry.pm_cwd) ?? text(entry.cwd);
  const cron = entry.cron_restart;
  const restart = typeof cron === "string" || typeof cron === "number" ? String(cron).trim() : undefined;
  const app: Pm2App = {
    name: sanitiseName(pm2Name) || sanitiseName(basename(command.split(" ")[0]!)) || "pm2-app",
    role,
    software,
    command,
    listen: listen ? [listen] : [],
    ...(Object.keys(environment).length ? { env: Object.keys(environment).sort() } : {}),
    ...(cwd?.startsWith("/") ? { workingDirectory: cwd } : {}),
    ...(Object.keys(process).length ? { process } : {}),
    pm2App: `${file}:${key}`,
    source: file,
    ...(line ? { line } : {}),
    pm2: {
      instances: 1,
      cluster: /^cluster(_mode)?$/.test(text(entry.exec_mode) ?? ""),
      ...(restart && restart !== "0" ? { restartSchedule: restart } : {}),
    },
  };
  attachEnvValues(app, environment);
  return app;
}

/** What an app's entry tells a reader beyond its service: instances, cluster mode, scheduled restarts. */
export function describePm2App(app: Pm2App): string {
  const { cluster, instances, restartSchedule } = app.pm2;
  const mode = cluster
    ? `cluster mode, ${instances} instance(s)`
    : instances > 1
      ? `${instances} processes`
      : "one process";
  const restart = restartSchedule ? `, restarted by pm2 on "${restartSchedule}" (cron_restart)` : "";
  return `pm2 app ${app.name} (${app.software}): ${mode}${restart}`;
}
