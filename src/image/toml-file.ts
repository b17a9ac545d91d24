// TOML manifests (pyproject.toml, Pipfile) read with smol-toml, the project's one TOML parser. A
// file that is not valid TOML gives its syntax error (file, line, column) instead of a throw, so
// each reader can fall back to reading lines and say so: planning never fails on a broken manifest.
import { parse, TomlError } from "smol-toml";

export type TomlTable = Record<string, unknown>;

export type TomlRead = { ok: true; doc: TomlTable } | { ok: false; error: string };

export function readToml(source: string, file: string): TomlRead {
  try {
    return { ok: true, doc: parse(source) };
  } catch (e) {
    if (!(e instanceof TomlError)) throw e;
    const what = e.message.split("\n")[0]!.replace(/^Invalid TOML document:\s*/, "");
    return { ok: false, error: `${file}:${e.line}:${e.column}: not valid TOML (${what})` };
  }
}

/** The value as a table (not an array, not a scalar), else undefined. */
export const tomlTable = (value: unknown): TomlTable | undefined =>
  value && typeof value === "object" && !Array.isArray(value) && !(value instanceof Date)
    ? (value as TomlTable)
    : undefined;

export const tomlString = (value: unknown): string | undefined => (typeof value === "string" ? value : undefined);

/** The strings of an array (a TOML array may mix strings and inline tables). */
export const tomlStrings = (value: unknown): string[] =>
  Array.isArray(value) ? value.filter((v): v is string => typeof v === "string") : [];

/** `doc.a.b.c` through tables only. */
export function tomlAt(doc: TomlTable | undefined, ...keys: string[]): unknown {
  let here: unknown = doc;
  for (const key of keys) here = tomlTable(here)?.[key];
  return here;
}
