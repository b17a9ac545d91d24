// When the deploy holds the app's API (contracts/held-targets.ts: its data written in place has no
// home yet), setup-ai-worker.sh grants its identity nothing: no enqueue on the AI queue, no invoker
// role on the AI gateway. The script, its docs and the plan say so, and that it reruns before the
// deploy that brings the app. The AI worker itself still deploys and is set up.
import { mkdtemp, writeFile } from "node:fs/promises";
import { readFileSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { execa } from "execa";
import { describe, expect, it } from "vitest";
import { llmopsPhase } from "../../../src/phases/llmops/index.js";
import { shellcheck } from "../../../src/validate/shellcheck.js";
import { chainYaml } from "../../helpers/chain.js";
import { ROOT } from "../../helpers/phase-input.js";

const SEED = readFileSync(path.join(ROOT, "examples/seed-vm/inventory.yaml"), "utf8");
const HELD_API = `storage:\n  - { path: /srv/acme/index, inPlace: [{ path: ".", kind: index }], services: [api] }\n`;
/** The seed's API as a Django app: it cannot mount the FastAPI router, so the AI gateway serves it. */
const django = (yaml: string) =>
  yaml.replace("    software: uvicorn\n", "    software: uvicorn\n    framework: django\n");

async function setup(yaml: string) {
  const { input, design } = chainYaml(yaml);
  const artifacts = await llmopsPhase.render(llmopsPhase.offline(input), input);
  const file = (p: string) => artifacts.find((a) => a.path === p)!.content;
  const steps = llmopsPhase.planSteps!(llmopsPhase.offline(input), input);
  return { design, script: file("scripts/setup-ai-worker.sh"), artifacts, steps };
}

/** The gcloud commands of a dry run. */
async function dryRun(script: string): Promise<string[]> {
  const dir = await mkdtemp(path.join(tmpdir(), "im-ai-held-"));
  const file = path.join(dir, "setup-ai-worker.sh");
  await writeFile(file, script, { mode: 0o755 });
  const r = await execa("bash", [file, "--dry-run"], { reject: false });
  expect(r.exitCode).toBe(0);
  return String(r.stdout).trim().split("\n");
}

describe("the AI worker's setup while the app is held", () => {
  it.each([
    { name: "the API enqueues itself (FastAPI)", yaml: SEED, gateway: false },
    { name: "the app calls the AI gateway (Django)", yaml: django(SEED), gateway: true },
  ])("$name: the held app's identity gets nothing, the worker is set up", async ({ yaml, gateway }) => {
    const free = await setup(yaml);
    const held = await setup(yaml + HELD_API);
    const api = held.design.deployment.services.find((s) => s.name === "web-app-prod")!;
    expect(api.held).toBeDefined();
    expect(held.design.deployment.services.some((s) => s.name.endsWith("-ai-gateway"))).toBe(gateway);
    const member = `serviceAccount:${api.serviceAccount}@acme-mvp-prod.iam.gserviceaccount.com`;
    const freeLines = await dryRun(free.script);
    const heldLines = await dryRun(held.script);
    // Without the hold the app's identity is bound; with it, never (it is only created, as setup-wif.sh does).
    expect(freeLines.some((l) => l.includes(member))).toBe(true);
    expect(heldLines.filter((l) => l.includes(member))).toEqual([]);
    expect(heldLines.some((l) => /roles\/aiplatform\.user/.test(l))).toBe(true);
    expect(heldLines.some((l) => /add-iam-policy-binding web-app-prod-ai-worker .*roles\/run\.invoker/.test(l))).toBe(
      true,
    );
    expect(await shellcheck(held.script)).toEqual([]);
    expect(held.script).toContain(
      `# Not yet web-app-prod (held until the open decision api-disk is taken): the deploy holds the app, so its identity gets none of\n# this yet. Once the decision is taken and infra-migrate rerun, rerun this script before the deploy\n# that brings it.\n`,
    );
    const body = held.steps.find((s) => s.title.startsWith("The AI worker's queue"))!.body;
    expect(body).toContain(
      gateway
        ? "lets nobody invoke the gateway yet (the deploy holds the app: web-app-prod (held until the open decision api-disk is taken); rerun the script before the deploy that brings it"
        : "the API enqueues nothing yet: the deploy holds it, web-app-prod (held until the open decision api-disk is taken); rerun the script before the deploy that brings it",
    );
    const docs = held.artifacts.find((a) => a.path.endsWith("llmops/architecture.md"))!.content;
    expect(docs).toContain(": web-app-prod (held until the open decision api-disk is taken) |");
  });
});
