// Runs the BUILT CLI (bin/infra-migrate.js → dist/) the way a user or CI job would.
import { mkdtemp, readdir } from "node:fs/promises";
import { tmpdir } from "node:os";
import path from "node:path";
import { execa, type Result } from "execa";
import { expect } from "vitest";
import { ROOT } from "./phase-input.js";

export const BIN = path.join(ROOT, "bin/infra-migrate.js");

/** The environment of a machine with no Gemini credentials and no colour. */
export function cleanEnv(extra: Record<string, string> = {}): Record<string, string> {
  const env: Record<string, string> = {};
  for (const [k, v] of Object.entries(process.env)) {
    if (v === undefined) continue;
    if (/^(GEMINI_|GOOGLE_|INFRA_MIGRATE_|NO_COLOR|FORCE_COLOR)/.test(k)) continue;
    env[k] = v;
  }
  return { ...env, CI: "true", FORCE_COLOR: "0", ...extra };
}

export async function runCli(
  args: string[],
  options: { cwd?: string; env?: Record<string, string>; input?: string } = {},
): Promise<Result> {
  return execa("node", [BIN, ...args], {
    cwd: options.cwd ?? ROOT,
    env: options.env ?? cleanEnv(),
    extendEnv: false,
    reject: false,
    input: options.input,
    timeout: 120_000,
  });
}

export const tempDir = (prefix = "im-e2e-") => mkdtemp(path.join(tmpdir(), prefix));

/** Every file under dir, as sorted POSIX paths relative to it. */
export async function listFiles(dir: string, prefix = ""): Promise<string[]> {
  const out: string[] = [];
  for (const entry of await readdir(path.join(dir, prefix), { withFileTypes: true })) {
    const rel = path.posix.join(prefix, entry.name);
    if (entry.isDirectory()) out.push(...(await listFiles(dir, rel)));
    else out.push(rel);
  }
  return out.sort();
}

/** The --json contract: the whole of stdout is ONE JSON object with an `ok` flag, and nothing else. */
export function parseOne(stdout: string): Record<string, unknown> {
  // execa strips the final newline; anything before or after the document fails JSON.parse.
  expect(
    stdout.startsWith("{") && stdout.endsWith("}"),
    `stdout must be the document only: ${stdout.slice(0, 80)}…${stdout.slice(-80)}`,
  ).toBe(true);
  const doc = JSON.parse(stdout) as unknown;
  expect(doc).toBeTypeOf("object");
  expect(Array.isArray(doc)).toBe(false);
  expect(typeof (doc as Record<string, unknown>).ok).toBe("boolean");
  return doc as Record<string, unknown>;
}
