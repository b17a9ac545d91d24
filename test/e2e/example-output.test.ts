// examples/seed-vm/out is the example's offline output, checked in for readers (and the README's
// rendered diagrams). It must be exactly what the tool generates today, and valid.
import { readFileSync } from "node:fs";
import path from "node:path";
import { describe, expect, it } from "vitest";
import { PINNED_ACTIONS } from "../../src/phases/cicd/pinned-actions.js";
import { actionlint } from "../../src/validate/actionlint.js";
import { checkWorkflowSecurity } from "../../src/validate/workflow-security.js";
import { validateMermaid } from "../../src/validate/mermaid.js";
import { runCli } from "../helpers/cli.js";
import { ROOT, SEED_INVENTORY } from "../helpers/phase-input.js";
import { copyOf, copyVerdicts, seedOutput } from "../helpers/seed-output.js";

const OUT = path.join(ROOT, "examples/seed-vm/out");
const read = (rel: string) => readFileSync(path.join(OUT, rel), "utf8");

describe("examples/seed-vm/out", () => {
  it("is current: `check` finds no drift (regenerate: infra-migrate run --inventory examples/seed-vm/inventory.yaml --out examples/seed-vm/out --provider offline --render)", async () => {
    // On a copy holding the validation verdicts of this run's own offline output: files with the
    // same bytes reuse them (they passed the validators there), any other file is validated.
    const out = await copyOf(OUT, "im-e2e-example-");
    await copyVerdicts(await seedOutput(), out);
    const result = await runCli([
      "check",
      "--inventory",
      SEED_INVENTORY,
      "--out",
      out,
      "--provider",
      "offline",
      "--json",
    ]);
    const doc = JSON.parse(String(result.stdout));
    expect(
      doc.files.filter((f: { state: string }) => f.state !== "current"),
      String(result.stderr),
    ).toEqual([]);
    expect(result.exitCode).toBe(0);
    expect(doc.files.length).toBeGreaterThanOrEqual(30);
  });

  it("has a deploy.yml that passes actionlint and our security rules", async () => {
    const workflow = read(".github/workflows/deploy.yml");
    expect(await actionlint(workflow, ".github/workflows/deploy.yml")).toEqual([]);
    const allowed = Object.values(PINNED_ACTIONS).map((a) => `${a.repo}@${a.sha}`);
    expect(checkWorkflowSecurity(workflow, { allowedUses: allowed })).toEqual([]);
    expect(workflow).toMatch(/id-token: write/);
    expect(workflow).not.toMatch(/credentials_json/);
  });

  it.each([
    "docs/migration/audit/current-architecture",
    "docs/migration/design/target-architecture",
    "docs/migration/llmops/sequence",
  ])("%s.mmd parses and its rendered SVG (shown in the README) carries its labels", async (base) => {
    expect(await validateMermaid(read(`${base}.mmd`))).toEqual([]);
    const svg = read(`${base}.svg`);
    expect(svg.startsWith("<svg")).toBe(true);
    const label = base.includes("audit") ? "app-vm-01" : base.includes("design") ? "web-app-prod" : "Cloud Tasks";
    expect(svg).toContain(label);
  });
});
