// The --json contract: every command prints exactly ONE JSON document on stdout and nothing else
// (human lines go to stderr), on success and on failure, so CI steps can pipe it to jq.
// `render --json` is checked in render.test.ts, on the render it runs there anyway (Chromium).
import { beforeAll, describe, expect, it } from "vitest";
import { parseOne, runCli, tempDir } from "../helpers/cli.js";
import { runInProcess } from "../helpers/cli-in-process.js";
import { SEED_INVENTORY } from "../helpers/phase-input.js";
import { copyVerdicts, seedOutput } from "../helpers/seed-output.js";

describe("--json prints one document on stdout", () => {
  let out: string;
  beforeAll(async () => {
    out = await tempDir("im-e2e-json-");
    // This file is about stdout, not first-run validation: the phases write the shared seed
    // output's bytes, whose validation verdicts are reused as on a user's rerun.
    await copyVerdicts(await seedOutput(), out);
  });
  const target = () => ["--inventory", SEED_INVENTORY, "--out", out];

  // In order: each phase reuses the previous one's stored result; check and render need files.
  // The commands that generate run the bin; the others run in this process (cli-in-process.ts),
  // where the same bundle writes to the same kind of streams.
  const cases: [string, () => string[], number, boolean, typeof runCli | typeof runInProcess][] = [
    ["audit", () => ["audit", ...target()], 0, true, runCli],
    ["design", () => ["design", ...target()], 0, true, runCli],
    ["cicd", () => ["cicd", ...target()], 0, true, runCli],
    ["llmops", () => ["llmops", ...target()], 0, true, runCli],
    ["run", () => ["run", ...target(), "--provider", "offline"], 0, true, runCli],
    ["run --dry-run", () => ["run", ...target(), "--dry-run"], 0, true, runCli],
    ["check", () => ["check", ...target()], 0, true, runCli],
    ["personas", () => ["personas"], 0, true, runInProcess],
    ["personas show cloud-architect", () => ["personas", "show", "cloud-architect"], 0, true, runInProcess],
    [
      "error: missing inventory",
      () => ["audit", "--inventory", "/nonexistent/inventory.yaml", "--out", out],
      2,
      false,
      runInProcess,
    ],
    ["error: unknown persona", () => ["personas", "show", "nobody"], 2, false, runInProcess],
  ];

  it.each(cases)("%s", async (_name, args, exitCode, ok, run) => {
    const result = await run([...args(), "--json"]);
    expect(result.exitCode, String(result.stderr)).toBe(exitCode);
    const doc = parseOne(String(result.stdout));
    expect(doc.ok).toBe(ok);
    if (!ok) expect((doc.error as { message: string }).message).toBeTruthy();
  });

  it("a global --json before the command works the same", async () => {
    const result = await runInProcess(["--json", "personas"]);
    expect(result.exitCode).toBe(0);
    parseOne(String(result.stdout));
  });
});
