// Where a unit keeps what it writes: systemd gives it `StateDirectory=` (a folder under /var/lib,
// `%S`, kept across restarts and upgrades; with DynamicUser= it lives in /var/lib/private and
// /var/lib links to it), and its `ExecStartPre=` may make folders for the app to write in (listmonk's
// `mkdir -p "${HOME}/uploads"` beside `Environment=HOME=%S/listmonk-%i`, where its media go). Such
// folders are the app's data on this disk, which a container loses on every start.
// https://www.freedesktop.org/software/systemd/man/latest/systemd.exec.html#RuntimeDirectory=
// https://www.freedesktop.org/software/systemd/man/latest/systemd.unit.html#Specifiers
import path from "node:path";
import type { Storage } from "../inventory/schema.js";
import { shellTokens } from "../image/shell-words.js";
import { unitCommandLine } from "./unit-before-start.js";

/** Folders of no lasting worth that a unit makes (sockets, caches, logs, scratch space). */
const NOT_DATA = /^(run|tmp|temp|cache|caches|logs?|sockets?|pids?|locks?)$/i;
/** A relative StateDirectory= name (an absolute one is refused by systemd). */
const STATE_NAME = /^[A-Za-z0-9._@%-]+(\/[A-Za-z0-9._@%-]+)*$/;

/** The folders a system unit's specifiers stand for (the system manager's, not a user manager's). */
const SYSTEM_FOLDERS: Record<string, string> = {
  S: "/var/lib",
  C: "/var/cache",
  L: "/var/log",
  E: "/etc",
  t: "/run",
  T: "/tmp",
  V: "/var/tmp",
  // "the home directory of the user running the service manager": root's, for system units.
  h: "/root",
};

/**
 * A system unit's specifiers in a path: the folders (`%S` /var/lib, `%C`, `%L`, `%E`, `%t`, `%T`,
 * `%V`, `%h`), `%i` and `%I` (the instance, as written and unescaped), and with `unit` (its file
 * name) `%n`, `%N`, `%p` and `%P`. Undefined when another specifier stays, or `%i` with no instance known.
 * https://www.freedesktop.org/software/systemd/man/latest/systemd.unit.html#Specifiers
 */
export function expandSpecifiers(value: string, instance?: string, unit?: string): string | undefined {
  let unknown = false;
  const name = unit && instance !== undefined ? unit.replace(/@(\.[a-z]+)$/, `@${instance}$1`) : unit;
  const prefix = unit?.replace(/@.*$|\.[a-z]+$/, "");
  const out = value.replace(/%(.)/g, (whole, c: string) => {
    if (c === "%") return "%";
    if (SYSTEM_FOLDERS[c]) return SYSTEM_FOLDERS[c];
    if (c === "i" && instance !== undefined) return instance;
    if (c === "I" && instance !== undefined) return instance.replace(/-/g, "/");
    if (c === "n" && name && !name.endsWith("@.service")) return name;
    if (c === "N" && name && !name.endsWith("@.service")) return name.replace(/\.service$/, "");
    if (c === "p" && prefix) return prefix;
    if (c === "P" && prefix) return prefix.replace(/-/g, "/");
    unknown = true;
    return whole;
  });
  return unknown ? undefined : out;
}

/** `${NAME}` and `$NAME` from the unit's own Environment= values; undefined when one is not set there. */
function expandVariables(value: string, env: Record<string, string>): string | undefined {
  let unknown = false;
  const out = value.replace(/\$\{([A-Za-z_]\w*)\}|\$([A-Za-z_]\w*)/g, (_m, a?: string, b?: string) => {
    const v = env[(a ?? b)!];
    if (v === undefined) unknown = true;
    return v ?? "";
  });
  return unknown ? undefined : out;
}

/** The folders `mkdir` makes in a unit's ExecStartPre= lines, variables expanded, specifiers kept. */
function madeFolders(preStart: readonly string[], env: Record<string, string>): string[] {
  const out: string[] = [];
  for (const value of preStart) {
    const words = shellTokens(unitCommandLine(value)).filter((w): w is string => typeof w === "string");
    if (path.posix.basename(words[0] ?? "") !== "mkdir") continue;
    for (const word of words.slice(1)) {
      if (word.startsWith("-")) continue;
      const folder = expandVariables(word, env);
      if (folder) out.push(folder);
    }
  }
  return out;
}

/**
 * A unit's folders of data, specifiers still in them (templateInstances fills in `%i`): each folder
 * its ExecStartPre= makes inside a state directory (the narrower, named place the app writes), else
 * the state directories themselves. `unit` names the unit in the purpose.
 */
export function unitStateFolders(
  keys: ReadonlyMap<string, string[]> | undefined,
  env: Record<string, string>,
  unit: string,
): Storage[] {
  const states = (keys?.get("StateDirectory") ?? [])
    .flatMap((v) => v.trim().split(/\s+/))
    .map((v) => v.split(":")[0]!.replace(/\/+$/, ""))
    .filter((v) => STATE_NAME.test(v))
    .map((v) => `%S/${v}`);
  if (states.length === 0) return [];
  const inside = (folder: string, state: string) =>
    [state, state.replace(/^%S/, "/var/lib")].some((s) => folder.startsWith(`${s}/`));
  const made = madeFolders(keys?.get("ExecStartPre") ?? [], env)
    .map((f) => f.replace(/\/+$/, ""))
    .filter((f) => states.some((s) => inside(f, s)) && !NOT_DATA.test(path.posix.basename(f)));
  if (made.length)
    return [...new Set(made)].map((f) => ({
      path: f,
      purpose: `made by ExecStartPre= of ${unit} in its StateDirectory=`,
    }));
  return states.map((s) => ({ path: s, purpose: `StateDirectory= of ${unit}` }));
}

/** The folders as paths on the VM for one instance (or none); those still holding a specifier dropped. */
export function resolveStateFolders(folders: readonly Storage[], instance?: string): Storage[] {
  return folders.flatMap((f) => {
    const p = expandSpecifiers(f.path, instance);
    return p ? [{ ...f, path: path.posix.normalize(p) }] : [];
  });
}
