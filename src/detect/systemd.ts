// systemd unit files checked into the repo (deploy/systemd/api.service …): the unit name, its
// ExecStart, and from that the software and port.
import { classifyCommand } from "./command.js";
import { sanitiseName } from "./procfile.js";
import type { ServiceFinding } from "./types.js";

/** Values of one key in the [Service] section; a trailing backslash continues the line. */
function serviceKeys(text: string): Map<string, string> {
  const keys = new Map<string, string>();
  let section = "";
  const lines = text.replace(/\\\r?\n\s*/g, " ").split(/\r?\n/);
  for (const raw of lines) {
    const line = raw.trim();
    if (!line || line.startsWith("#") || line.startsWith(";")) continue;
    const header = /^\[(.+)\]$/.exec(line);
    if (header) {
      section = header[1]!;
      continue;
    }
    const kv = /^([A-Za-z]+)\s*=\s*(.*)$/.exec(line);
    if (kv && section === "Service" && !keys.has(kv[1]!)) keys.set(kv[1]!, kv[2]!);
  }
  return keys;
}

export function parseSystemdUnit(text: string, file: string): ServiceFinding | undefined {
  const keys = serviceKeys(text);
  const execStart = keys.get("ExecStart");
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
