// systemd unit files checked into the repo (deploy/systemd/api.service …): the unit name, its
// ExecStart, and from that the software and port.
import { classifyCommand } from "./command.js";
import { sanitiseName } from "./procfile.js";
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

export function parseSystemdUnit(text: string, file: string): ServiceFinding | undefined {
  const execStart = readUnitFile(text).get("Service")?.get("ExecStart")?.[0];
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
    source: file,
  };
}
