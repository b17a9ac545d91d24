// The --json contract: every command prints exactly ONE JSON document on stdout and nothing else
// (human lines go to stderr), on success and on failure, so CI steps can pipe it to jq.
import { existsSync } from "node:fs";
import { beforeAll, describe, expect, it } from "vitest";
import { runCli, tempDir } from "../helpers/cli.js";
import { SEED_INVENTORY } from "../helpers/phase-input.js";

const hasChromium = existsSync("/usr/bin/chromium");
if (!hasChromium) console.warn("skipped the render --json case: /usr/bin/chromium not found");

/** One document: the whole of stdout parses, and it is a JSON object with an `ok` flag. */
function parseOne(stdout: string): Record<string, unknown> {
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

describe("--json prints one document on stdout", () => {
  let out: string;
  beforeAll(async () => {
    out = await tempDir("im-e2e-json-");
  });
  const target = () => ["--inventory", SEED_INVENTORY, "--out", out];

  // In order: each phase reuses the previous one's stored result; check and render need files.
  const cases: [string, () => string[], number, boolean][] = [
    ["audit", () => ["audit", ...target()], 0, true],
    ["design", () => ["design", ...target()], 0, true],
    ["cicd", () => ["cicd", ...target()], 0, true],
    ["llmops", () => ["llmops", ...target()], 0, true],
    ["run", () => ["run", ...target(), "--provider", "offline"], 0, true],
    ["run --dry-run", () => ["run", ...target(), "--dry-run"], 0, true],
    ["check", () => ["check", ...target()], 0, true],
    ["personas", () => ["personas"], 0, true],
    ["personas show cloud-architect", () => ["personas", "show", "cloud-architect"], 0, true],
    ["error: missing inventory", () => ["audit", "--inventory", "/nonexistent/inventory.yaml", "--out", out], 2, false],
    ["error: unknown persona", () => ["personas", "show", "nobody"], 2, false],
  ];

  it.each(cases)("%s", async (_name, args, exitCode, ok) => {
    const result = await runCli([...args(), "--json"]);
    expect(result.exitCode, String(result.stderr)).toBe(exitCode);
    const doc = parseOne(String(result.stdout));
    expect(doc.ok).toBe(ok);
    if (!ok) expect((doc.error as { message: string }).message).toBeTruthy();
  });

  it.skipIf(!hasChromium)("render", async () => {
    const result = await runCli(["render", "--out", out, "--json"]);
    expect(result.exitCode, String(result.stderr)).toBe(0);
    expect((parseOne(String(result.stdout)).diagrams as unknown[]).length).toBeGreaterThan(0);
  });

  it("a global --json before the command works the same", async () => {
    const result = await runCli(["--json", "personas"]);
    expect(result.exitCode).toBe(0);
    parseOne(String(result.stdout));
  });
});
