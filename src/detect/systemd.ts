// systemd unit files checked into the repo (deploy/systemd/api.service …): the unit name, its
// ExecStart, and from that the software and port.
import { classifyCommand } from "./command.js";
import { sanitiseName } from "./procfile.js";
import { ENV_NAME } from "../inventory/schema.js";
import type { ServiceFinding } from "./types.js";

/**
 * A unit file as section → key → values, in order. A trailing backslash continues the line; an
 * empty assignment (`OnCalendar=`) clears the values given before it, as systemd does.
 */
export function readUnitFile(text: string): Map<string, Map<string, string[]>> {
  const sections = new Map<string, Map<string, string[]>>();
  let keys: Map<string, string[]> | undefined;
  for (const raw of text.replace(/\\\r?\n\s*/g, " ").split(/\r?\n/)) {
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
  for (const raw of text.split(/\r?\n/)) {
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

export function parseSystemdUnit(text: string, file: string): ServiceFinding | undefined {
  const keys = readUnitFile(text).get("Service");
  const execStart = keys?.get("ExecStart")?.[0];
  if (!execStart) return undefined;
  const unit = file.slice(file.lastIndexOf("/") + 1);
  const facts = classifyCommand(execStart);
  const name = sanitiseName(unit.replace(/\.service$/, "").replace(/@$/, "")) || "service";
  return {
    name,
    role: facts.role,
    software: facts.software,
    systemdUnit: unit,
    command: execStart.replace(/^[-@+!:]+/, "").trim(),
    listen: facts.listen ? [facts.listen] : [],
    ...(keys?.get("Environment") ? { env: environmentNames(keys.get("Environment")!) } : {}),
    source: file,
  };
}
