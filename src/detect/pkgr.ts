// packager.io's pkgr packages a Procfile app as a .deb or .rpm (Zammad, OpenProject…). `<app> scale
// web=1` writes /etc/systemd/system/<app>.service and <app>-<process>.service, placeholders that only
// sleep (so that `systemctl restart <app>` reaches the rest), and <app>-<process>-<n>.service, whose
// ExecStart is `/usr/bin/<app> run <process>`. That launcher sources /etc/default/<app> (APP_HOME,
// APP_USER…) and every file of /etc/<app>/conf.d (what `<app> config:set` writes), then runs
// APP_HOME/vendor/pkgr/processes/<process>, the binstub pkgr wrote from the Procfile's line
// (`#!/bin/sh`, `exec <command> $@`), in APP_HOME as APP_USER. This reads the unit as the launcher
// runs it. https://github.com/crohr/pkgr data/cli/cli.sh.erb, data/init/systemd/default/*.erb
import { readdir } from "node:fs/promises";
import path from "node:path";
import { readHostFile } from "./host.js";
import { environmentFileValues, readUnitFile } from "./systemd.js";

export interface PkgrProcess {
  /** `/usr/bin/zammad run web` */
  launcher: string;
  /** The binstub (or the Procfile) the launcher runs: `/opt/zammad/vendor/pkgr/processes/web`. */
  from: string;
  /** Its command with the package's variables filled in: `bundle exec script/rails server -b 127.0.0.1 -p 3000`. */
  command: string;
  /** APP_HOME: where the launcher runs it. */
  home: string;
  user?: string;
  /** /etc/<app>/conf.d's files, in the order the launcher sources them. */
  envFiles: string[];
}

const LAUNCHER = /^(?:\/usr\/bin\/)?([A-Za-z0-9][\w.-]*)\s+run\s+([\w-]+)$/;

/** `${A:=x}`, `${A:-x}`, `${A}` and `$A` filled in from `values` as sh does; unknown ones kept. */
export function expandShell(text: string, values: Record<string, string>): string {
  return text
    .replace(/\$\{([A-Za-z_]\w*)(?::?[=-]([^}]*))?\}/g, (whole, name: string, fallback?: string) =>
      values[name] ? values[name] : fallback !== undefined ? fallback : whole,
    )
    .replace(/\$([A-Za-z_]\w*)/g, (whole, name: string) => values[name] ?? whole);
}

/** The Procfile line's command from pkgr's binstub: `#!/bin/sh` then `exec <command> $@`. */
function binstubCommand(text: string): string | undefined {
  const body = text
    .split(/\r?\n/)
    .filter((l) => l.trim() && !l.startsWith("#"))
    .join(" ")
    .trim();
  const command = body
    .replace(/^exec\s+/, "")
    .replace(/\s+"?\$@"?$/, "")
    .trim();
  return command || undefined;
}

/** The process a pkgr unit's `/usr/bin/<app> run <process>` runs; undefined for any other unit. */
export async function pkgrProcess(execStart: string, hostRoot: string): Promise<PkgrProcess | undefined> {
  const m = LAUNCHER.exec(execStart.trim());
  if (!m) return undefined;
  const [, app, process] = m as unknown as [string, string, string];
  const defaults = await readHostFile(hostRoot, `etc/default/${app}`);
  const base = defaults ? environmentFileValues(defaults) : {};
  const home = base.APP_HOME?.replace(/\/+$/, "");
  if (!home?.startsWith("/") || base.APP_NAME !== app) return undefined;
  const confDir = `etc/${app}/conf.d`;
  const names = (await readdir(path.join(hostRoot, confDir)).catch(() => [] as string[])).sort();
  const envFiles: string[] = [];
  let values: Record<string, string> = { ...base };
  for (const name of names) {
    const text = await readHostFile(hostRoot, `${confDir}/${name}`);
    if (text === undefined) continue;
    envFiles.push(`/${confDir}/${name}`);
    values = { ...values, ...environmentFileValues(text) };
  }
  const binstub = `${home}/vendor/pkgr/processes/${process}`;
  let command = binstubCommand((await readHostFile(hostRoot, binstub.slice(1))) ?? "");
  let from = binstub;
  if (!command) {
    // No binstub: the Procfile's line of that name, which pkgr wrote it from.
    const procfile = (await readHostFile(hostRoot, `${home.slice(1)}/Procfile`)) ?? "";
    command = new RegExp(`^${process}:\\s*(.+)$`, "m").exec(procfile)?.[1]?.trim();
    from = `${home}/Procfile`;
  }
  if (!command) return undefined;
  return {
    launcher: execStart.trim(),
    from,
    command: expandShell(command, values),
    home,
    ...(base.APP_USER && /^[a-z_][a-z0-9_-]{0,31}$/.test(base.APP_USER) ? { user: base.APP_USER } : {}),
    envFiles,
  };
}

/**
 * The unit as the launcher runs it: ExecStart= the process's command, with the launcher's working
 * directory, user and environment files on the lines after it (so ExecStart keeps its line number).
 */
export function pkgrUnitText(text: string, p: PkgrProcess): string {
  const extra = [
    `WorkingDirectory=${p.home}`,
    ...(p.user ? [`User=${p.user}`] : []),
    ...p.envFiles.map((f) => `EnvironmentFile=-${f}`),
  ];
  return text.replace(/^(\s*)ExecStart\s*=.*$/m, (_, indent: string) =>
    [`${indent}ExecStart=${p.command}`, ...extra.map((l) => `${indent}${l}`)].join("\n"),
  );
}

/** The unit's ExecStart, for pkgrProcess. */
export const execStartOf = (text: string): string | undefined =>
  readUnitFile(text).get("Service")?.get("ExecStart")?.[0];

/**
 * A unit that only sleeps (`/bin/bash -c 'while true; do sleep 10m; done'`, `sleep infinity`): a
 * placeholder other units hang from (pkgr's `<app>.service` and `<app>-<process>.service`), no process.
 */
export function onlySleeps(execStart: string): boolean {
  const line = execStart.trim().replace(/^[-@:+!]+/, "");
  const inner = /^(?:\/usr)?\/bin\/(?:ba|da)?sh\s+-c\s+(['"])(.*)\1$/.exec(line)?.[2] ?? line;
  return (
    /^\s*while\s+(?:true|:)\s*;\s*do\s+(?:\/usr)?(?:\/bin\/)?sleep\s+[\w.]+\s*;\s*done\s*;?\s*$/.test(inner) ||
    /^\s*(?:exec\s+)?(?:\/usr)?(?:\/bin\/)?sleep\s+infinity\s*$/.test(inner)
  );
}
