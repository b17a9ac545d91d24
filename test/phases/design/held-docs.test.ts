// A held target (contracts/held-targets.ts: the deploy skips it until its open decision is taken)
// is not priced or drawn as if it were deployed: the estimate's totals price what deploys, what
// the decision would add is priced apart (line by line, and the two add up to the whole design),
// the diagram draws it on the VM with no Cloud Run node and no load balancer edge to it, and
// architecture.md lists its queues and schedules as waiting with it, not as deployed.
import { readFileSync } from "node:fs";
import path from "node:path";
import { describe, expect, it } from "vitest";
import type { Deployment } from "../../../src/contracts/deployment.js";
import { loadPriceBook } from "../../../src/contracts/gcp-prices.js";
import type { PhaseOptions } from "../../../src/contracts/phase.js";
import { estimateCost, usd } from "../../../src/phases/design/cost/estimate.js";
import { validateDesign } from "../../../src/phases/design/index.js";
import { renderDesign } from "../../../src/phases/design/render.js";
import { chainFile, chainYaml } from "../../helpers/chain.js";
import { ROOT } from "../../helpers/phase-input.js";

const SEED = readFileSync(path.join(ROOT, "examples/seed-vm/inventory.yaml"), "utf8");
const GITEA = path.join(ROOT, "test/fixtures/real/gitea/inventory.yaml");

/** The seed VM with a folder written in place that `users` use: they are held. */
const seedWith = (users: string, options: PhaseOptions = {}) =>
  chainYaml(
    SEED + `storage:\n  - { path: /srv/acme/index, inPlace: [{ path: ".", kind: index }], services: [${users}] }\n`,
    options,
  );

/** The same design with every hold lifted: what the decision would deploy. */
const decided = (dep: Deployment): Deployment => ({
  ...dep,
  services: dep.services.map((s) => ({ ...s, held: undefined, heldFor: undefined })),
});

async function rendered(c: ReturnType<typeof seedWith>) {
  const artifacts = await renderDesign(c.design, c.input);
  const file = (name: string) => artifacts.find((a) => a.path.endsWith(`/${name}`))!.content;
  return { artifacts, file };
}

describe("a held target in the design's documents", () => {
  it.each([
    { name: "the API (the load balancer and its warm-up schedules wait with it)", users: "api", options: {}, waits: 3 },
    {
      name: "the Celery worker behind Cloud Tasks (its queue waits)",
      users: "worker",
      options: { celery: "push" },
      waits: 1,
    },
    { name: "the Celery worker pool on Memorystore", users: "worker", options: {}, waits: 0 },
  ] as const)("$name: the totals price what deploys, the rest is priced apart", ({ users, options, waits }) => {
    const { design, input } = seedWith(users, options);
    const dep = design.deployment;
    const held = dep.services.filter((s) => s.held).map((s) => s.name);
    expect(held).toHaveLength(1);
    const lb = dep.loadBalancer?.backends.some((b) => held.includes(b)) ? 1 : 0;
    const queued = dep.queues.filter((q) => held.includes(q.target)).length;
    const jobs = (dep.schedules ?? []).filter((j) => held.includes(j.target)).length;
    expect(lb + queued + jobs).toBe(waits);
    const book = loadPriceBook();
    const cost = estimateCost(input.inventory, dep, book);
    const whole = estimateCost(input.inventory, decided(dep), book);
    expect(whole.held).toBeUndefined();
    expect(cost.held!.names).toEqual(held);
    expect(cost.held!.decisions).toEqual([`${users}-disk`]);
    cost.scenarios.forEach((s, i) => {
      // No line of the held target, nor of what waits with it, is in the totals.
      expect(s.lines.filter((l) => held.includes(l.component))).toEqual([]);
      if (lb) expect(s.lines.filter((l) => l.component === "load balancer")).toEqual([]);
      // What deploys plus what the decision adds is the whole design, and so are the held lines.
      const extra = cost.held!.scenarios[i]!;
      expect(extra.totalUsd).toBeGreaterThan(0);
      expect(s.totalUsd + extra.totalUsd).toBeCloseTo(whole.scenarios[i]!.totalUsd, 1);
      expect(extra.lines.reduce((t, l) => t + l.monthlyUsd, 0)).toBeCloseTo(extra.totalUsd, 1);
      expect(extra.lines.some((l) => held.includes(l.component))).toBe(true);
      if (queued) {
        // The AI worker's queue still deploys: Cloud Tasks is one line, the held queue's share apart.
        const tasks = extra.lines.find((l) => l.component === "cloud tasks")!;
        expect(tasks.formula).toMatch(/, less the \$\d+\.\d\d priced above$/);
        expect(s.lines.some((l) => l.component === "cloud tasks")).toBe(true);
      }
    });
  });

  it("the held API: drawn on the VM, the load balancer waiting, its schedules not listed as deployed", async () => {
    const c = seedWith("api");
    const { artifacts, file } = await rendered(c);
    expect(await validateDesign(artifacts, c.input)).toEqual([]);
    const mmd = file("target-architecture.mmd");
    expect(mmd).not.toContain('"Cloud Run service<br/>web-app-prod"');
    expect(mmd).toContain('["VM process<br/>web-app-prod<br/>(held)"]');
    expect(mmd).toContain('["Stays on the VM until the open decision api-disk is taken"]');
    expect(mmd).toMatch(/users -\.->\|"HTTPS#44; DNS stays on the VM"\| held_web_app_prod__/);
    expect(mmd).toMatch(/held_web_app_prod__\w+ -\.->\|"waits for"\| open_api_disk__/);
    expect(mmd).toContain("not yet#58; waits for web-app-prod");
    // No edge reaches the held target from the load balancer, a schedule or a queue.
    expect(mmd).not.toMatch(/(lb|sch_\w+|q_\w+) -[.=-]*>\|[^|]*\| held_/);
    expect(mmd).not.toMatch(/sch_web_app_prod_(warm_up|cool_down)/);
    const arch = file("architecture.md");
    expect(arch).not.toMatch(/^\| `web-app-prod-(warm-up|cool-down)` \|/m);
    expect(arch).toContain(
      "- `web-app-prod` (api): /srv/acme/index keeps all of it written in place, which no Cloud Storage mount can carry. It stays on the VM until the open decision api-disk is taken; the load balancer web-app-prod-lb, schedule web-app-prod-warm-up and schedule web-app-prod-cool-down wait with it.",
    );
    expect(arch).toMatch(/^\| `web-app-prod` \(held: stays on the VM\) \| api \|/m);
    const cost = estimateCost(c.input.inventory, c.design.deployment, loadPriceBook());
    const [today, growth] = cost.held!.scenarios;
    const adds = `if the decision moves it to Cloud Run, +${usd(today!.totalUsd)}/month today (+${usd(growth!.totalUsd)}/month at the growth target)`;
    expect(arch).toContain(`${usd(cost.scenarios[0]!.totalUsd)}/month today`);
    expect(arch).toContain(adds);
    expect(c.design.summary).toContain(
      `Estimated cost of what deploys: ${usd(cost.scenarios[0]!.totalUsd)}/month today`,
    );
    expect(c.design.summary).toContain(adds);
    const md = file("cost-estimate.md");
    expect(md).toContain("## Held on the VM: what the decision would add");
    expect(md).toContain(`### today: +${usd(today!.totalUsd)}/month`);
    expect(md).toContain(`| **if the decision moves it** | | | **+${usd(today!.totalUsd)}** |`);
    expect(md).toContain("| `web-app-prod` (held) | 1 min instance in business hours (idle rate) |");
    expect(md).toContain("## The VM it replaces once the decision is taken");
  });

  it("a held worker's queue waits with it: not in the queue table or the diagram", async () => {
    const c = seedWith("worker", { celery: "push" });
    const { artifacts, file } = await rendered(c);
    expect(await validateDesign(artifacts, c.input)).toEqual([]);
    const queue = c.design.deployment.queues.find((q) => q.target === "web-app-prod-worker")!;
    const arch = file("architecture.md");
    expect(arch).not.toMatch(new RegExp(`^\\| \`${queue.name}\` \\|`, "m"));
    expect(arch).toContain(`It stays on the VM until the open decision worker-disk is taken; queue ${queue.name}`);
    const mmd = file("target-architecture.mmd");
    expect(mmd).not.toContain(`Cloud Tasks<br/>${queue.name}"`);
    expect(mmd).not.toContain('"Cloud Run worker<br/>web-app-prod-worker"');
    // A worker serves no users: no request edge reaches it on the VM.
    expect(mmd).not.toMatch(/users -[.=-]*>\|[^|]*\| held_/);
  });

  it("Gitea (corpus): its only service held, the load balancer waits, the diagram parses", async () => {
    const c = chainFile(GITEA);
    const { artifacts, file } = await rendered(c);
    expect(await validateDesign(artifacts, c.input)).toEqual([]);
    const cost = estimateCost(c.input.inventory, c.design.deployment, loadPriceBook());
    const components = cost.scenarios[0]!.lines.map((l) => l.component);
    expect(components).not.toContain("gitea");
    expect(components).not.toContain("load balancer");
    // The database and the bucket are created now: priced in the totals.
    expect(components).toEqual(expect.arrayContaining(["cloud sql gitea-db", "cloud storage gitea-prod-data"]));
    expect(cost.held!.scenarios[0]!.lines.map((l) => l.component)).toEqual(
      expect.arrayContaining(["gitea", "load balancer"]),
    );
    const mmd = file("target-architecture.mmd");
    expect(mmd).not.toContain("Cloud Run service<br/>gitea");
    expect(mmd).toContain('["Stays on the VM until the open decision gitea-disk is taken"]');
    expect(mmd).not.toMatch(/lb -[.=-]*>/);
  });
});
