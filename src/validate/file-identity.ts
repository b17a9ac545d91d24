// A file as a string that changes when the file does: resolved path, size, modification time.
// Tool identities (tool-identity.ts) are built from these with stat calls only.
import { realpathSync, statSync } from "node:fs";
import path from "node:path";

/** `realpath size mtime` of a file, or "absent". */
export function fileIdentity(file: string | undefined): string {
  if (!file) return "absent";
  try {
    const real = realpathSync(file);
    const stat = statSync(real);
    return `${real} ${stat.size} ${stat.mtimeMs}`;
  } catch {
    return "absent";
  }
}

/** A command name looked up on PATH the way a shell does; a path is taken as it is. */
export function onPath(command: string): string | undefined {
  if (command.includes("/")) return command;
  for (const dir of (process.env.PATH ?? "").split(path.delimiter).filter(Boolean)) {
    const candidate = path.join(dir, command);
    if (fileIdentity(candidate) !== "absent") return candidate;
  }
  return undefined;
}
