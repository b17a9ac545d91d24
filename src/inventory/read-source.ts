// Reading the inventory file safely: fail fast on a missing, huge or binary file before any
// parser sees it, and always say where (file:line:col) the problem is.
import { readFile, stat } from "node:fs/promises";
import { InputError } from "../errors.js";

export const MAX_INVENTORY_BYTES = 1024 * 1024;
export const INVENTORY_HINT =
  "See examples/seed-vm/inventory.yaml for a complete inventory, or run `infra-migrate init` to create one.";

function fail(file: string, code: string, message: string, line = 1, column = 1): never {
  throw new InputError(
    `Cannot read inventory ${file}`,
    [{ file, line, column, message }],
    code === "inventory.too-large" ? TOO_LARGE_HINT : INVENTORY_HINT,
    code,
  );
}

// A 500-service inventory (bench/gen-inventory.mjs) is 0.12 MiB: past 1 MiB the file holds something else.
const TOO_LARGE_HINT =
  "An inventory names services, ports and environment variable NAMES, never values or data: remove pasted certificates, env files or dumps, or split the VM's services across inventories.";

const mib = (bytes: number) => `${(bytes / 1024 / 1024).toFixed(1)} MiB`;

export async function readInventorySource(file: string): Promise<string> {
  let size: number;
  try {
    const info = await stat(file);
    if (info.isDirectory()) fail(file, "inventory.not-a-file", "is a directory, expected an inventory file");
    size = info.size;
  } catch (error) {
    if (error instanceof InputError) throw error;
    const code = (error as NodeJS.ErrnoException).code;
    if (code === "ENOENT" || code === "ENOTDIR") {
      throw new InputError(
        `no inventory at ${file}`,
        [],
        "Run `infra-migrate init` to create one, or pass --inventory <file>.",
        "inventory.missing",
      );
    }
    throw new InputError(
      `Cannot read inventory ${file}: ${(error as Error).message}`,
      [],
      INVENTORY_HINT,
      "inventory.unreadable",
    );
  }
  // Checked before reading so a 10 GB file (or /dev/zero behind a symlink) costs nothing.
  if (size > MAX_INVENTORY_BYTES)
    fail(file, "inventory.too-large", `file is ${mib(size)}; an inventory must be at most 1 MiB`);
  const bytes = await readFile(file);
  if (bytes.length > MAX_INVENTORY_BYTES)
    fail(file, "inventory.too-large", `file is ${mib(bytes.length)}; an inventory must be at most 1 MiB`);
  return decodeSource(bytes, file);
}

/** UTF-8 text or a located InputError: NUL bytes mean binary, bad sequences mean another encoding. */
export function decodeSource(bytes: Uint8Array, file: string): string {
  const nul = bytes.indexOf(0);
  if (nul >= 0)
    fail(
      file,
      "inventory.binary",
      "contains a NUL byte: this looks like a binary file, not YAML or JSON",
      ...lineColumn(bytes, nul),
    );
  try {
    return new TextDecoder("utf-8", { fatal: true }).decode(bytes); // also strips a BOM
  } catch {
    const bad = Math.max(0, invalidUtf8Offset(bytes));
    fail(
      file,
      "inventory.encoding",
      `invalid UTF-8 (byte 0x${bytes[bad]!.toString(16)}); save the file as UTF-8`,
      ...lineColumn(bytes, bad),
    );
  }
}

/** Checks on text handed to `parseInventory` directly (no file to stat). */
export function checkText(text: string, file: string): void {
  const bytes = Buffer.byteLength(text, "utf8");
  if (bytes > MAX_INVENTORY_BYTES)
    fail(file, "inventory.too-large", `text is ${mib(bytes)}; an inventory must be at most 1 MiB`);
  const nul = text.indexOf("\0");
  if (nul >= 0) {
    const before = text.slice(0, nul).split("\n");
    fail(
      file,
      "inventory.binary",
      "contains a NUL byte: this looks like a binary file, not YAML or JSON",
      before.length,
      before.at(-1)!.length + 1,
    );
  }
}

function lineColumn(bytes: Uint8Array, offset: number): [number, number] {
  let line = 1;
  let start = 0;
  for (let i = 0; i < offset; i++) {
    if (bytes[i] === 0x0a) {
      line++;
      start = i + 1;
    }
  }
  return [line, offset - start + 1];
}

/** Offset of the first byte that is not part of a valid UTF-8 sequence, or -1. */
export function invalidUtf8Offset(bytes: Uint8Array): number {
  for (let i = 0; i < bytes.length;) {
    const b = bytes[i]!;
    const need =
      b < 0x80 ? 0 : b >= 0xc2 && b <= 0xdf ? 1 : b >= 0xe0 && b <= 0xef ? 2 : b >= 0xf0 && b <= 0xf4 ? 3 : -1;
    if (need < 0) return i;
    for (let k = 1; k <= need; k++) {
      const c = bytes[i + k];
      if (c === undefined || (c & 0xc0) !== 0x80) return i;
    }
    // Overlong three/four-byte forms, UTF-16 surrogates and code points past U+10FFFF.
    const c1 = bytes[i + 1] ?? 0;
    if (
      (b === 0xe0 && c1 < 0xa0) ||
      (b === 0xed && c1 >= 0xa0) ||
      (b === 0xf0 && c1 < 0x90) ||
      (b === 0xf4 && c1 >= 0x90)
    )
      return i;
    i += need + 1;
  }
  return -1;
}
