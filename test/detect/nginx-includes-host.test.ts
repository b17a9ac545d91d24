// A VM whose nginx keeps the app's paths in included files (test/fixtures/nginx-includes): the
// upstreams in conf.d/upstreams.conf, the Channels websocket route, the upload limit and Django's
// admin (open to the office network only, through a nested snippet) in snippets/shop-locations.conf.
// Read from a disk copy by `init --from-host` and over ssh by the read script, the inventory has
// them all, and the design keeps /admin/ closed to everyone else.
import { readFile } from "node:fs/promises";
import path from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { detectRepo } from "../../src/detect/detect-repo.js";
import { buildInitPlan } from "../../src/init/init-plan.js";
import { withDetectedFacts } from "../../src/init/provenance.js";
import { resolveAnswers } from "../../src/init/resolve.js";
import { loadInventory } from "../../src/inventory/load.js";
import { chainYaml } from "../helpers/chain.js";
import { runInProcess } from "../helpers/cli-in-process.js";
import { cleanEnv } from "../helpers/cli.js";
import { TempTrees } from "../helpers/file-tree.js";
import { collectFromTree } from "../helpers/host-reads.js";

const trees = new TempTrees("im-nginx-includes-");
afterAll(() => trees.removeAll());
const VM = path.resolve(import.meta.dirname, "../fixtures/nginx-includes/vm");
const ROUTES = [
  { path: "/", service: "shop-web" },
  { path: "/admin/", service: "shop-web", allowFrom: ["10.20.0.0/16"] },
  { path: "/upload/", service: "shop-web" },
  { path: "/ws/", service: "shop-ws" },
];

/** init's inventory for the VM at `hostRoot`, with an empty folder as the repository (the app's name from it). */
async function inventoryText(hostRoot: string, repo?: string): Promise<string> {
  const facts = await detectRepo(repo ?? (await trees.make({})), {
    readRemote: async () => undefined,
    host: { root: hostRoot, readListeners: async () => "" },
  });
  expect(facts.warnings).toBeUndefined();
  const { answers, origins } = resolveAnswers(
    { "target.project": "shop-prod", "target.github": "acme/shop" },
    facts,
    true,
  );
  return buildInitPlan(withDetectedFacts(answers, origins, facts), { toolVersion: "0.0.0" }).inventoryText;
}

describe("nginx includes on a real-shaped VM", () => {
  it("init --from-host reads the routes, guard, websocket and upload limit the snippets hold", async () => {
    const out = await trees.make({});
    const r = await runInProcess(
      [
        "init",
        "--yes",
        "--from",
        out,
        "--from-host",
        VM,
        "--name",
        "shop",
        "--project",
        "shop-prod",
        "--github",
        "acme/shop",
      ],
      { cwd: out, env: cleanEnv() },
    );
    expect(r.exitCode, r.stderr).toBe(0);
    const { inventory, warnings } = await loadInventory(path.join(out, "infra-migrate.inventory.yaml"));
    expect(warnings).toEqual([]);
    const proxy = inventory.services.find((s) => s.role === "reverse-proxy")!;
    expect(proxy).toMatchObject({ dependsOn: ["shop-web", "shop-ws"], maxRequestBodyMiB: 64, routes: ROUTES });
    expect(inventory.services.find((s) => s.name === "shop-ws")!.protocols).toContain("websocket");
  });

  it("the design keeps /admin/ closed to all but the office network", async () => {
    const { design } = chainYaml(await inventoryText(VM));
    expect(design.deployment.loadBalancer!.closedPaths).toEqual([
      { path: "/admin/", exact: false, allowFrom: ["10.20.0.0/16"] },
    ]);
  });

  it("the ssh read sends the included files (and no secret), and init reads the same inventory from them", async () => {
    // One read: what the VM side printed (the fake ssh's copy of it) and the files the laptop got.
    const sent = path.join(await trees.make({}), "sent");
    const collected = await collectFromTree(VM, { FAKE_SSH_CAPTURE: sent });
    try {
      const printed = await readFile(sent, "utf8");
      expect(printed.split("\n").filter((l) => l.startsWith("file=etc/nginx/"))).toEqual([
        "file=etc/nginx/sites-available/shop",
        "file=etc/nginx/conf.d/upstreams.conf",
        "file=etc/nginx/nginx.conf",
        "file=etc/nginx/snippets/shop-locations.conf",
        "file=etc/nginx/snippets/office-only.conf",
        "file=etc/nginx/proxy_params",
      ]);
      expect(printed).not.toMatch(/fake-django-value-58|Fake-Db-Pass-58/);
      expect(collected.warnings).toEqual([]);
      expect(await readFile(path.join(collected.root, "etc/nginx/snippets/office-only.conf"), "utf8")).toBe(
        "allow 10.20.0.0/16;\ndeny all;\n",
      );
      const repo = await trees.make({});
      expect(await inventoryText(collected.root, repo)).toBe(await inventoryText(VM, repo));
    } finally {
      await collected.cleanup();
    }
  });
});
