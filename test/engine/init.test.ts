// The init use case in process: flags and detection in, files and a report out, no terminal.
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { initProject, type InitEvent } from "../../src/engine/init.js";
import { InputError } from "../../src/errors.js";
import { loadPriceBook } from "../../src/contracts/gcp-prices.js";
import { loadInventory } from "../../src/inventory/load.js";
import { vmLines } from "../../src/phases/design/cost/estimate-data.js";

const REPO = path.resolve(import.meta.dirname, "../fixtures/repos/fastapi-celery-mysql");
const dirs: string[] = [];
afterAll(() => dirs.forEach((d) => rmSync(d, { recursive: true, force: true })));
const tempDir = () => {
  const dir = mkdtempSync(path.join(tmpdir(), "engine-init-"));
  dirs.push(dir);
  return dir;
};
const FLAGS = { from: REPO, yes: true, project: "acme-prod", github: "acme/app", engineers: "2", peakRps: "40" };

describe("initProject", () => {
  it("detects the repo, takes flags and detected values with --yes, and writes the inventory and config", async () => {
    const out = tempDir();
    const events: InitEvent[] = [];
    const report = await initProject({ flags: { ...FLAGS, out }, cwd: out, onEvent: (e) => events.push(e) });
    expect(report.files.map((f) => [f.path, f.action])).toEqual([
      ["infra-migrate.inventory.yaml", "create"],
      ["infra-migrate.config.yaml", "create"],
      [".infra-migrate/inventory.schema.json", "create"],
    ]);
    // The $schema line resolves inside the user's repository, not through node_modules.
    const text = readFileSync(path.join(out, "infra-migrate.inventory.yaml"), "utf8");
    expect(text.split("\n")[0]).toBe("# yaml-language-server: $schema=./.infra-migrate/inventory.schema.json");
    expect(existsSync(path.join(out, ".infra-migrate/inventory.schema.json"))).toBe(true);
    expect(readFileSync(path.join(out, "infra-migrate.inventory.yaml"), "utf8")).toMatch(/project: acme-prod/);
    expect(report.answers["target.project"]).toEqual({ value: "acme-prod", from: "flag" });
    expect(report.answers.services?.from).toBe("detected");
    expect(events.map((e) => e.type)).toEqual(["detected"]);
    expect(report.detected.services.length).toBeGreaterThan(0);
  });

  it("the VM's monthly cost (--vm-cost) reaches the inventory, and the design's cost estimate compares with it", async () => {
    const out = tempDir();
    const report = await initProject({ flags: { ...FLAGS, out, vmCost: "$120/month", vmCpus: "4" }, cwd: out });
    expect(report.answers["host.monthlyCostUsd"]).toEqual({ value: 120, from: "flag" });
    const { inventory } = await loadInventory(path.join(out, "infra-migrate.inventory.yaml"));
    expect(inventory.host).toMatchObject({ monthlyCostUsd: 120, cpus: 4 });
    expect(inventory.provenance?.["host.monthlyCostUsd"]).toEqual({ from: "answered" });
    const warnings: string[] = [];
    const vm = vmLines(inventory, "us-central1", loadPriceBook(), warnings);
    expect(vm).toMatchObject({ totalUsd: 120, fromInventory: true });
    expect(warnings.join(" ")).not.toMatch(/VM comparison is missing/);
  });

  it("lets the caller's wizard answer, and writes nothing on a dry run", async () => {
    const out = tempDir();
    const report = await initProject({
      flags: { from: REPO, out, dryRun: true },
      cwd: out,
      ask: async ({ given, facts }) => ({
        answers: { ...given, name: "asked", services: facts.services, "target.project": "asked-prod" },
        origins: { name: "answered", services: "detected", "target.project": "answered" },
      }),
    });
    expect(report.answers.name).toEqual({ value: "asked", from: "answered" });
    expect(report.files.every((f) => f.action === "create")).toBe(true);
    expect(existsSync(path.join(out, "infra-migrate.inventory.yaml"))).toBe(false);
  });

  it("a rerun starts from the saved answers and changes only what changed, keeping a person's edits", async () => {
    const out = tempDir();
    await initProject({ flags: { ...FLAGS, out, vmCost: "$120/month" }, cwd: out });
    const file = path.join(out, "infra-migrate.inventory.yaml");
    const first = readFileSync(file, "utf8");
    // A person's edits: a comment, a key the questions do not cover, an unknown key of their own.
    const edited = first
      .replace("deploy:\n", "# we deploy on Fridays\ndeploy:\n  testCommand: make test\n")
      .concat("x-owner: platform-team\n");
    writeFileSync(file, edited);
    // No --yes: the saved answers count as answers; only the project is given again.
    const events: InitEvent[] = [];
    const report = await initProject({
      flags: { from: REPO, out, project: "acme-prod-2" },
      cwd: out,
      onEvent: (e) => events.push(e),
    });
    expect(events.find((e) => e.type === "saved")).toMatchObject({
      files: ["infra-migrate.inventory.yaml", "infra-migrate.config.yaml"],
    });
    expect(report.answers["target.project"]).toEqual({ value: "acme-prod-2", from: "flag" });
    expect(report.answers["host.monthlyCostUsd"]).toEqual({ value: 120, from: "saved" });
    expect(Object.fromEntries(report.files.map((f) => [f.path, f.action]))).toMatchObject({
      "infra-migrate.inventory.yaml": "update",
      "infra-migrate.config.yaml": "unchanged",
    });
    const after = readFileSync(file, "utf8");
    expect(after).toBe(edited.replace("project: acme-prod\n", "project: acme-prod-2\n"));
  });

  it.each([
    [{ from: REPO }, "init.missing"],
    [{ from: path.join(REPO, "nope") }, "usage.invalid"],
    [{ ...FLAGS, fromHost: "ssh://" }, "usage.invalid"],
    [{ ...FLAGS, hostSudo: true }, "usage.invalid"],
  ])("refuses %j with %s and writes nothing", async (flags, code) => {
    const out = tempDir();
    const error = await initProject({ flags: { ...flags, out }, cwd: out }).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(InputError);
    expect((error as InputError).code).toBe(code);
    expect(existsSync(path.join(out, "infra-migrate.inventory.yaml"))).toBe(false);
  });
});
