// A VM whose Apache still guards paths the 2.2 way (test/fixtures/apache22-proxy): Flower open to
// the office network or with a login (Satisfy Any), the app's /metrics for one monitoring host.
// init must keep both from becoming public: Flower stays IAM-only, /metrics stays closed to
// everyone else by an enforced Cloud Armor rule that the real gcloud parses.
import { readFile } from "node:fs/promises";
import path from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { detectRepo } from "../../src/detect/detect-repo.js";
import { buildInitPlan } from "../../src/init/init-plan.js";
import { withDetectedFacts } from "../../src/init/provenance.js";
import { resolveAnswers } from "../../src/init/resolve.js";
import { chainYaml } from "../helpers/chain.js";
import { TempTrees } from "../helpers/file-tree.js";
import { checkGcloud, gcloudCallsIn } from "../helpers/gcloud-check.js";
import { writeOffline } from "../helpers/offline-output.js";

const trees = new TempTrees("im-apache22-");
afterAll(() => trees.removeAll());
const VM = path.resolve(import.meta.dirname, "../fixtures/apache22-proxy/vm");

async function inventoryText(): Promise<string> {
  const facts = await detectRepo(await trees.make({}), {
    readRemote: async () => undefined,
    host: { root: VM, readListeners: async () => "" },
  });
  const { answers, origins } = resolveAnswers(
    { "target.project": "tasks-prod", "target.github": "acme/tasks" },
    facts,
    true,
  );
  return buildInitPlan(withDetectedFacts(answers, origins, facts), { toolVersion: "0.0.0" }).inventoryText;
}

describe("Apache 2.2 access rules on a real-shaped VM", () => {
  it("init reads them into the proxy's routes; the design keeps Flower private and /metrics closed", async () => {
    const { design, input } = chainYaml(await inventoryText());
    const proxy = input.inventory.services.find((s) => s.role === "reverse-proxy")!;
    const web = input.inventory.services.find((s) => s.listen.includes("127.0.0.1:8000"))!.name;
    const flower = input.inventory.services.find((s) => s.listen.includes("127.0.0.1:5555"))!.name;
    expect(proxy.routes).toEqual([
      { path: "/", service: web },
      { path: "/flower/", service: flower, rewrite: "/", guarded: true },
      { path: "/metrics", service: web, allowFrom: ["10.20.0.5"] },
    ]);
    const flowerTarget = design.deployment.services.find((s) => s.replaces.includes(flower))!;
    expect(flowerTarget.iamOnly).toContain("asked for a login (basic auth) before /flower/");
    expect(design.deployment.loadBalancer!.backends).not.toContain(flowerTarget.name);
    expect(design.deployment.loadBalancer!.closedPaths).toEqual([
      { path: "/metrics", exact: false, allowFrom: ["10.20.0.5/32"] },
    ]);
    expect(design.unknowns).toBeUndefined();
  });

  it("the setup script creates the enforced Cloud Armor rule, and the real gcloud parses it", async () => {
    const dir = await trees.make({ "inventory.yaml": await inventoryText(), "repo/.keep": "" });
    const out = path.join(dir, "out");
    await writeOffline(path.join(dir, "inventory.yaml"), out, path.join(dir, "repo"));
    const script = await readFile(path.join(out, "scripts/setup-load-balancer.sh"), "utf8");
    expect(script).toContain(
      `--expression="request.path.startsWith('/metrics') && !inIpRange(origin.ip, '10.20.0.5/32')" --action=deny-403`,
    );
    const calls = (await gcloudCallsIn(out)).filter((c) => c.argv.includes("security-policies"));
    const closed = calls.filter((c) => c.argv.includes("900"));
    expect(closed.length).toBeGreaterThan(0);
    expect(closed.every((c) => !c.argv.includes("--preview"))).toBe(true);
    const result = await checkGcloud(calls);
    if (result.skipped) return;
    expect(result.findings).toEqual([]);
  });
});
