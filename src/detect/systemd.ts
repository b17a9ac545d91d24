// systemd unit files checked into the repo (deploy/systemd/api.service …): the unit name, its
// ExecStart, and from that the software and port.
import path from "node:path";
import { classifyCommand } from "./command.js";
import { sanitiseName } from "./procfile.js";
import { ENV_NAME } from "../inventory/schema.js";
import type { ServiceFinding } from "./types.js";
import { expandSpecifiers, resolveStateFolders, unitStateFolders } from "./state-folders.js";
import { beforeStartCommands, unitCommandLine } from "./unit-before-start.js";

/**
 * A unit file as section → key → values, in order. A trailing backslash continues the line; an
 * empty assignment (`OnCalendar=`) clears the values given before it, as systemd does.
 */
export function readUnitFile(text: string): Map<string, Map<string, string[]>> {
  const sections = new Map<string, Map<string, string[]>>();
  let keys: Map<string, string[]> | undefined;
  for (const raw of joinContinuations(text)) {
    const line = raw.trim();
    if (!line || line.startsWith("#") || line.startsWith(";")) continue;
    const header = /^\[(.+)\]$/.exec(line);
    if (header) {
      keys = sections.get(header[1]!) ?? new Map<string, string[]>();
      sections.set(header[1]!, keys);
      continue;
    }
    const kv = /^([A-Za-z]+)\s*=\s*(.*)$/.exec(line);
    if (!kv || !keys) continue;
    const value = kv[2]!.trim();
    if (value === "") keys.delete(kv[1]!);
    else keys.set(kv[1]!, [...(keys.get(kv[1]!) ?? []), value]);
  }
  return sections;
}

/**
 * Lines with their backslash continuations joined. Comment lines inside a continued value are
 * dropped, as systemd does (systemd.syntax(7): "Comments may be placed between continued lines").
 */
function joinContinuations(text: string): string[] {
  const out: string[] = [];
  let pending: string | undefined;
  for (const line of text.split(/\r?\n/)) {
    if (pending !== undefined && /^\s*[#;]/.test(line)) continue;
    const continued = /\\$/.test(line);
    const body = continued ? line.slice(0, -1) : line;
    pending = pending === undefined ? body : `${pending} ${body.trim()}`;
    if (!continued) {
      out.push(pending);
      pending = undefined;
    }
  }
  if (pending !== undefined) out.push(pending);
  return out;
}

/** `Environment=` lines as name → value (`A=1 "B=two words"`), for ports and engines; never written out. */
export function environmentValues(values: string[]): Record<string, string> {
  const out: Record<string, string> = {};
  for (const value of values) {
    for (const m of value.matchAll(
      /(?:^|\s)(?:"([A-Za-z_]\w*)=([^"]*)"|'([A-Za-z_]\w*)=([^']*)'|([A-Za-z_]\w*)=(\S*))/g,
    ))
      out[(m[1] ?? m[3] ?? m[5])!] = m[2] ?? m[4] ?? m[6] ?? "";
  }
  return out;
}

/** Where a quoted value that opens at `from` closes (the same quote, not escaped), or -1. */
function closingQuote(text: string, from: number): number {
  const quote = text[from];
  for (let i = from + 1; i < text.length; i++) {
    // An escaped character never closes a double quote (not across a line's end: the ssh read's too).
    if (text[i] === "\\" && quote === '"' && text[i + 1] !== "\n") i++;
    else if (text[i] === quote) return i;
  }
  return -1;
}

/**
 * An environment file's lines, a quoted value that spans several lines joined into one (a PEM key
 * in `RSA_PRIVATE_KEY="-----BEGIN …` up to its closing quote: systemd's EnvironmentFile= and dotenv
 * both read it as one value), so the key's body is never read as assignments of its own.
 */
function environmentFileEntries(text: string): string[] {
  const lines = text.split(/\r?\n/);
  const out: string[] = [];
  for (let i = 0; i < lines.length; i++) {
    let entry = lines[i]!;
    const m = /^\s*(?:export\s+)?[A-Za-z_][A-Za-z0-9_]*\s*=\s*(["'])/.exec(entry);
    if (m && closingQuote(entry, m[0].length - 1) < 0) {
      // Join up to the line that closes the quote (one never closed runs to the end of the file,
      // as the ssh read, templates/host/read-host.sh, reads it too).
      let j = i + 1;
      while (j < lines.length && closingQuote(entry, m[0].length - 1) < 0) entry += `\n${lines[j++]}`;
      i = j - 1;
    }
    out.push(entry);
  }
  return out;
}

/** An environment file as name → value (`NAME=value`, `export NAME="value"`); never written out. */
export function environmentFileValues(text: string): Record<string, string> {
  const out: Record<string, string> = {};
  for (const raw of environmentFileEntries(text)) {
    const m = /^\s*(?:export\s+)?([A-Za-z_][A-Za-z0-9_]*)\s*=\s*([\s\S]*)$/.exec(raw);
    if (!m) continue;
    const value = m[2]!.trim();
    const quoted = /^(["'])([\s\S]*)\1$/.exec(value);
    // In double quotes a backslash before the line's end continues the value on the next line, the
    // two joined as written (systemd.exec(5) EnvironmentFile=; a shell reads it the same way).
    const inQuotes = quoted?.[1] === '"' ? quoted[2]!.replace(/\\\r?\n/g, "") : quoted?.[2];
    out[m[1]!] = inQuotes ?? value.replace(/\s+#.*$/, "");
  }
  return out;
}

/**
 * Gives a finding the values its process runs with, as a property JSON, spreads and logs never see
 * (not enumerable): only enrich.ts reads it, for ports and engines, and nothing prints it.
 */
export function attachEnvValues(finding: ServiceFinding, values: Record<string, string>): void {
  Object.defineProperty(finding, "envValues", {
    value: { ...finding.envValues, ...values },
    enumerable: false,
    writable: true,
    configurable: true,
  });
}

/** Names set by `Environment=` lines (`A=1 "B=two words"`), sorted; the values are never kept. */
export function environmentNames(values: string[]): string[] {
  const names = new Set<string>();
  for (const value of values) {
    for (const m of value.matchAll(/(?:^|\s)["']?([A-Za-z_][A-Za-z0-9_]*)=/g)) names.add(m[1]!);
  }
  return [...names].sort();
}

/** Names assigned in an environment file (`NAME=value`, `export NAME=value`), sorted. */
export function environmentFileNames(text: string): string[] {
  const names = new Set<string>();
  for (const raw of environmentFileEntries(text)) {
    const m = /^\s*(?:export\s+)?([^=\s#]+)\s*=/.exec(raw);
    if (m && ENV_NAME.test(m[1]!)) names.add(m[1]!);
  }
  return [...names].sort();
}

/** `EnvironmentFile=` paths of a [Service] section; a leading "-" (optional file) is dropped. */
export function environmentFiles(service: Map<string, string[]> | undefined): string[] {
  return (service?.get("EnvironmentFile") ?? [])
    .map((f) => f.replace(/^-/, "").trim())
    .filter((f) => f.startsWith("/"));
}

/** Names in both lists once, sorted: the env of one service seen in several places. */
export function unionNames(a: readonly string[] | undefined, b: readonly string[]): string[] {
  return [...new Set([...(a ?? []), ...b])].sort();
}

// Data stores whose distribution unit says nothing in ExecStart (Debian's postgresql.service runs
// /bin/true and starts the clusters through postgresql@.service): known by the unit's name.
const STORE_UNITS: { match: RegExp; software: string; role: ServiceFinding["role"] }[] = [
  { match: /^postgresql(@[^.]*)?\.service$/, software: "postgres", role: "database" },
  { match: /^(mariadb|mariadb@[^.]*)\.service$/, software: "mariadb", role: "database" },
  { match: /^mysqld?\.service$/, software: "mysql", role: "database" },
  { match: /^(redis|redis-server|valkey|valkey-server)(@[^.]*)?\.service$/, software: "redis", role: "cache" },
];

/** The app's own processes (not a proxy or a store): their template instances and ExecStartPre= matter. */
const APP_ROLES = new Set<ServiceFinding["role"]>(["web", "worker", "scheduler", "other"]);

export function parseSystemdUnit(text: string, file: string): ServiceFinding | undefined {
  const keys = readUnitFile(text).get("Service");
  const execStart = keys?.get("ExecStart")?.[0];
  if (!execStart) return undefined;
  const unit = file.slice(file.lastIndexOf("/") + 1);
  const classified = classifyCommand(execStart);
  const store = classified.role === "other" ? STORE_UNITS.find((s) => s.match.test(unit)) : undefined;
  const { software, role, listen, ...process } = store
    ? { software: store.software, role: store.role, listen: undefined }
    : classified;
  const name = sanitiseName(unit.replace(/\.service$/, "").replace(/@$/, "")) || "service";
  // Specifiers filled in (`%S/myapp` is /var/lib/myapp); a template's `%i` waits for its instances.
  // `~` (the User='s home) is left out: no home is known here.
  const rawWorkingDirectory = keys?.get("WorkingDirectory")?.at(-1)?.trim().replace(/^-/, "");
  const workingDirectory = rawWorkingDirectory && expandSpecifiers(rawWorkingDirectory, undefined, unit);
  const workingDirectoryTemplate =
    !workingDirectory && unit.includes("@") && /%[iI]/.test(rawWorkingDirectory ?? "")
      ? rawWorkingDirectory
      : undefined;
  const beforeStart =
    store || !APP_ROLES.has(role)
      ? []
      : beforeStartCommands(keys?.get("ExecStartPre") ?? [], execStart, workingDirectory);
  const finding: ServiceFinding = {
    name,
    role,
    software,
    systemdUnit: unit,
    // A store known by its unit's name runs a placeholder (`/bin/true`): that is not its command.
    ...(store ? {} : { command: unitCommandLine(execStart) }),
    ...(beforeStart.length ? { beforeStart } : {}),
    listen: listen ? [listen] : [],
    ...(keys?.get("Environment") ? { env: environmentNames(keys.get("Environment")!) } : {}),
    ...(keys?.get("Environment") ? { unitEnv: environmentNames(keys.get("Environment")!) } : {}),
    ...(workingDirectory?.startsWith("/")
      ? { workingDirectory: path.posix.normalize(workingDirectory).replace(/(.)\/+$/, "$1") }
      : {}),
    ...(workingDirectoryTemplate ? { workingDirectoryTemplate } : {}),
    ...(/^[a-z_][a-z0-9_-]{0,31}$/.test(keys?.get("User")?.at(-1) ?? "")
      ? { unitUser: keys!.get("User")!.at(-1)! }
      : {}),
    ...(Object.keys(process).length ? { process } : {}),
    // systemd.service(5): a oneshot unit is up once its program has exited.
    ...(keys?.get("Type")?.at(-1)?.trim() === "oneshot" ? { oneShot: true } : {}),
    source: file,
  };
  if (keys?.get("Environment")) attachEnvValues(finding, environmentValues(keys.get("Environment")!));
  const state = store || !APP_ROLES.has(role) ? [] : unitStateFolders(keys, finding.envValues ?? {}, unit);
  // A template's `%i` waits for its instances (templateInstances); a plain unit's paths are final.
  const folders = unit.includes("@") ? state : resolveStateFolders(state);
  if (folders.length) finding.stateFolders = folders;
  return finding;
}

/** systemd's unescaping of an instance name for %I: `-` is `/`, `\xNN` a byte (systemd-escape(1)). */
const unescapeInstance = (i: string) =>
  i.replace(/-/g, "/").replace(/\\x([0-9a-fA-F]{2})/g, (_, h: string) => String.fromCharCode(parseInt(h, 16)));

/**
 * A template unit's enabled instances as findings. Instances whose command is the same (no `%i`
 * in ExecStart: `n8n worker --concurrency=10` enabled as `@1` and `@2`) are one kind of process
 * run N times: one finding with `instances`. A command that names its instance (`--queue=%i`)
 * does different work per instance: one finding each, named `<template>-<instance>`. A store's
 * template (postgresql@16-main, redis-server@) is one server whatever its instance is called.
 * https://www.freedesktop.org/software/systemd/man/latest/systemd.unit.html (%i, %I)
 */
export function templateInstances(unit: ServiceFinding, instances: readonly string[]): ServiceFinding[] {
  if (!instances.length || !APP_ROLES.has(unit.role) || !unit.systemdUnit?.includes("@")) return [unit];
  const own = !/%[iI]/.test(unit.command ?? "");
  const folders = (instance?: string) => {
    const resolved = resolveStateFolders(unit.stateFolders ?? [], instance);
    return resolved.length ? { stateFolders: resolved } : {};
  };
  const { workingDirectoryTemplate: dirTemplate } = unit;
  delete unit.workingDirectoryTemplate;
  const dirOf = (instance: string) => {
    const dir = dirTemplate && expandSpecifiers(dirTemplate, instance, unit.systemdUnit);
    return dir?.startsWith("/") ? path.posix.normalize(dir) : undefined;
  };
  if (own) {
    // One kind of process run N times: the folders of every instance.
    const state = instances.flatMap((i) => folders(i).stateFolders ?? []);
    if (state.length) unit.stateFolders = state;
    else delete unit.stateFolders;
    // Their working directory when every instance has the same one.
    const dirs = new Set(instances.map(dirOf));
    const [dir] = dirs;
    if (dirs.size === 1 && dir) unit.workingDirectory = dir;
    return [instances.length > 1 ? Object.assign(unit, { instances: instances.length }) : unit];
  }
  const template = unit.systemdUnit.replace(/@[^.]*\.service$/, "@.service");
  return instances.map((instance) => {
    const command = unit.command!.replace(/%i/g, instance).replace(/%I/g, unescapeInstance(instance));
    const { software: _s, role: _r, listen: _l, ...process } = classifyCommand(command);
    const finding: ServiceFinding = {
      ...unit,
      ...(Object.keys(process).length ? { process } : {}),
      name: sanitiseName(`${template.replace(/@\.service$/, "")}-${instance}`) || unit.name,
      systemdUnit: template.replace(/@\.service$/, `@${instance}.service`),
      command,
      ...(unit.beforeStart
        ? {
            beforeStart: unit.beforeStart.map((c) =>
              c.replace(/%i/g, instance).replace(/%I/g, unescapeInstance(instance)),
            ),
          }
        : {}),
      templateInstance: instance,
      ...folders(instance),
      ...(dirOf(instance) ? { workingDirectory: dirOf(instance) } : {}),
    };
    if (unit.envValues) attachEnvValues(finding, unit.envValues);
    return finding;
  });
}
