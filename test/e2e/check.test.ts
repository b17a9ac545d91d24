// `check` through the built bin: current right after `run`, drift/edits/replay misses after.
import { cp, readFile, rm, writeFile } from "node:fs/promises";
import path from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { startFakeGemini, type FakeGemini } from "../helpers/fake-gemini.mjs";
import { cleanEnv, runCli, tempDir } from "../helpers/cli.js";
import { runInProcess } from "../helpers/cli-in-process.js";
import { SEED_INVENTORY } from "../helpers/phase-input.js";
import { seedOutputCopy } from "../helpers/seed-output.js";
import { geminiSeedCopy, geminiSeedRun } from "../helpers/seed-gemini-output.js";
import { PHASE_IDS } from "../../src/phases/registry.js";

const REPORT = "docs/migration/audit/risk-report.md";

/** A target repo generated offline with `run` (a copy of the run's output shared by the e2e files). */
const generated = () => seedOutputCopy("im-e2e-check-");

describe("check, offline", () => {
  let out: string;
  beforeAll(async () => {
    out = await generated();
  });

  it("exits 0 right after run, writes nothing, and says so in one JSON document", async () => {
    const manifest = await readFile(path.join(out, ".infra-migrate/manifest.json"), "utf8");
    const result = await runCli(["check", "--inventory", SEED_INVENTORY, "--out", out, "--json"]);
    expect(result.exitCode, String(result.stderr)).toBe(0);
    const doc = JSON.parse(String(result.stdout));
    expect(doc).toMatchObject({ ok: true, status: "current" });
    expect(doc.phases.map((p: { phase: string; provider: string }) => `${p.phase}:${p.provider}`)).toEqual(
      PHASE_IDS.map((p) => `${p}:offline`),
    );
    expect(doc.files.length).toBeGreaterThan(20);
    for (const file of doc.files) expect(["current", "kept"]).toContain(file.state);
    expect(await readFile(path.join(out, ".infra-migrate/manifest.json"), "utf8")).toBe(manifest);
  });

  it("exits 4 after a hand edit, naming the file, with a diff", async () => {
    const dir = await tempDir("im-e2e-check-edit-");
    await cp(out, dir, { recursive: true });
    await writeFile(
      path.join(dir, REPORT),
      (await readFile(path.join(dir, REPORT), "utf8")).replace("most urgent risks", "most urgent RISKS"),
    );
    const human = await runCli(["check", "--inventory", SEED_INVENTORY, "--out", dir]);
    expect(human.exitCode).toBe(4);
    expect(human.stdout).toContain(`edited   ${REPORT}`);
    expect(human.stdout).toMatch(/^\s+-.*most urgent RISKS/m);
    expect(human.stdout).toMatch(/--- yours\s+docs\/migration\/audit\/risk-report\.md/);
    expect(human.stderr).toMatch(/user edits would be lost/);
    const json = await runCli(["check", "--inventory", SEED_INVENTORY, "--out", dir, "--json"]);
    expect(json.exitCode).toBe(4);
    const doc = JSON.parse(String(json.stdout));
    expect(doc.status).toBe("edited");
    expect(
      doc.files.filter((f: { state: string }) => f.state === "edited").map((f: { path: string }) => f.path),
    ).toEqual([REPORT]);
  });

  it("exits 1 on drift (a deleted file; a changed inventory) with a short diff", async () => {
    const dir = await tempDir("im-e2e-check-drift-");
    await cp(out, dir, { recursive: true });
    await rm(path.join(dir, "docs/migration/design/decisions.md"));
    const inventory = path.join(dir, "inventory.yaml");
    await writeFile(inventory, (await readFile(SEED_INVENTORY, "utf8")).replace(/peakRps: \d+/, "peakRps: 400"));
    const result = await runCli(["check", "--inventory", inventory, "--out", dir, "--json", "--only", "audit,design"]);
    expect(result.exitCode, String(result.stderr)).toBe(1);
    const doc = JSON.parse(String(result.stdout));
    expect(doc.status).toBe("drift");
    const byPath = Object.fromEntries(doc.files.map((f: { path: string }) => [f.path, f]));
    expect(byPath["docs/migration/design/decisions.md"].state).toBe("missing");
    const drifted = doc.files.filter((f: { state: string }) => f.state === "drift");
    expect(drifted.length).toBeGreaterThan(0);
    for (const f of drifted) expect(f.diff.split("\n").length).toBeLessThanOrEqual(2 + 41 + 1);
  });

  it.each([
    ["a broken inventory → 2", (dir: string) => ["check", "--inventory", path.join(dir, "nope.yaml"), "--out", dir], 2],
    [
      "an unknown phase → 2",
      (dir: string) => ["check", "--inventory", SEED_INVENTORY, "--out", dir, "--only", "audit,deploy"],
      2,
    ],
    [
      "an empty target → 2",
      (_dir: string) => ["check", "--inventory", SEED_INVENTORY, "--out", path.join(_dir, "empty")],
      2,
    ],
  ])("%s", async (_name, args, code) => {
    const result = await runInProcess([...args(out), "--json"]); // bad input: no need for a process of its own
    expect(result.exitCode).toBe(code);
    expect(JSON.parse(String(result.stdout))).toMatchObject({ ok: false });
  });
});

describe("check after a Gemini run: replay by default, no key needed", () => {
  let fake: FakeGemini;
  let out: string;
  afterAll(async () => fake?.close());

  beforeAll(async () => {
    // The Gemini run's output (shared: seed-gemini-output.ts; each phase answered with what the
    // offline rules decided, picked by persona). A fake server with no answers stays reachable
    // through GOOGLE_GEMINI_BASE_URL, so a call `check` should not make would be seen.
    const run = await geminiSeedRun();
    expect(run.exitCode, run.stderr).toBe(0);
    expect(run.requestPhases.length).toBe(5);
    out = await geminiSeedCopy("im-e2e-check-gemini-");
    fake = await startFakeGemini({ defaultReply: { status: 400, message: "check must not call the model" } });
  });

  it("replays the cached answers (no key, no call) and finds the repo current", async () => {
    const result = await runCli(["check", "--inventory", SEED_INVENTORY, "--out", out, "--json"], {
      env: cleanEnv({ GOOGLE_GEMINI_BASE_URL: fake.url }),
    });
    expect(result.exitCode, String(result.stderr)).toBe(0);
    const doc = JSON.parse(String(result.stdout));
    expect(doc.status).toBe("current");
    expect(new Set(doc.phases.map((p: { provider: string }) => p.provider))).toEqual(new Set(["replay"]));
    expect(fake.requests.length).toBe(0);
    expect(await readFile(path.join(out, REPORT), "utf8")).toMatch(/persona cloud-architect@[\d.]+, gemini\//);
  });

  it("exits 3 naming the phase when the cache is gone", async () => {
    const dir = await tempDir("im-e2e-check-nocache-");
    await cp(out, dir, { recursive: true });
    await rm(path.join(dir, ".infra-migrate/cache"), { recursive: true });
    const result = await runCli(["check", "--inventory", SEED_INVENTORY, "--out", dir, "--json"]);
    expect(result.exitCode).toBe(3);
    const doc = JSON.parse(String(result.stdout));
    expect(doc.ok).toBe(false);
    expect(doc.error.message).toMatch(/replay: no cached model answer for phase audit/);
  });

  it("--provider offline overrides the replay default (and then sees the header change as drift)", async () => {
    const result = await runCli([
      "check",
      "--inventory",
      SEED_INVENTORY,
      "--out",
      out,
      "--json",
      "--provider",
      "offline",
      "--only",
      "audit",
    ]);
    expect(result.exitCode).toBe(1);
    const doc = JSON.parse(String(result.stdout));
    expect(doc.phases).toEqual([{ phase: "audit", provider: "offline", model: "offline-rules" }]);
    expect(doc.files.find((f: { path: string }) => f.path === REPORT).diff).toMatch(/^\+.*offline\/offline-rules/m);
  });
});
