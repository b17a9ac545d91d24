// Monitoring watches what the deploy deployed: a held target (its data written in place has no home
// yet) and what points at it (the queue that pushes to it, the schedules that start or scale it, a
// load balancer routing to it) get no alert, SLO or panel, and the README gives the hold's short
// reason from the mapping's heldFor.
import { readFileSync } from "node:fs";
import path from "node:path";
import { describe, expect, it } from "vitest";
import type { PhaseOptions } from "../../../src/contracts/phase.js";
import { buildObserveContext } from "../../../src/phases/observe/context.js";
import { offlineObserve } from "../../../src/phases/observe/offline.js";
import { renderObserve } from "../../../src/phases/observe/render.js";
import { chainYaml } from "../../helpers/chain.js";
import { ROOT } from "../../helpers/phase-input.js";

const SEED = readFileSync(path.join(ROOT, "examples/seed-vm/inventory.yaml"), "utf8");
const seedWith = (users: string, options: PhaseOptions = {}) =>
  chainYaml(
    `${SEED}storage:\n  - { path: /srv/acme/index, inPlace: [{ path: ".", kind: index }], services: [${users}] }\n`,
    options,
  );

describe("observe leaves a held target and what points at it out", () => {
  it.each([
    {
      users: "worker",
      options: { celery: "push" as const },
      held: "web-app-prod-worker",
      queues: ["web-app-prod-ai-tasks"],
      schedules: ["web-app-prod-warm-up", "web-app-prod-cool-down"],
      lb: true,
    },
    { users: "api", options: {}, held: "web-app-prod", queues: ["web-app-prod-ai-tasks"], schedules: [], lb: false },
  ])("held $held", ({ users, options, held, queues, schedules, lb }) => {
    const { input, design } = seedWith(users, options);
    // The design plans them all; observe sees only what deploys.
    expect(design.deployment.queues.some((q) => q.target === held) || held === "web-app-prod").toBe(true);
    const ctx = buildObserveContext(input);
    expect(ctx.held.map((t) => t.name)).toEqual([held]);
    expect(ctx.deployment.services.map((s) => s.name)).not.toContain(held);
    expect(ctx.deployment.queues.map((q) => q.name)).toEqual(queues);
    expect((ctx.deployment.schedules ?? []).map((j) => j.name)).toEqual(schedules);
    expect(Boolean(ctx.deployment.loadBalancer)).toBe(lb);
    const result = offlineObserve(input);
    expect(result.slos.map((s) => s.service)).not.toContain(held);
    const files = renderObserve(result, input);
    expect(files.map((f) => f.content).join("\n")).not.toMatch(new RegExp(`web-app-prod-tasks|"${held}"`));
    const readme = files.find((f) => f.path === "docs/migration/observe/README.md")!.content;
    expect(readme).toContain(
      `**${held}**: not deployed yet (/srv/acme/index keeps all of it written in place, which no Cloud Storage mount can carry)`,
    );
  });
});
