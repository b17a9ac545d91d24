// The deploy job looks up only what the deploy deploys (cicd/deploy-lookups.ts): a held target
// (contracts/held-targets.ts) is skipped, so the Cloud SQL private IP or a Memorystore address only
// held targets read is not looked up, and the deployer gets no viewer role for it; setup-wif.sh
// names the role in its "rerun after the decision" note instead. Rails with mysql2 (a client that
// takes only a host): web, the Sidekiq worker and the cron job read the private IP; Sidekiq and
// the cron job reach Redis on Memorystore.
import { describe, expect, it } from "vitest";
import { parse } from "yaml";
import { offlineCicd } from "../../../src/phases/cicd/offline.js";
import { CICD_PATHS, renderCicd } from "../../../src/phases/cicd/render.js";
import { actionlint } from "../../../src/validate/actionlint.js";
import { shellcheck } from "../../../src/validate/shellcheck.js";
import { chainYaml } from "../../helpers/chain.js";
import { RAILS_SHOP } from "../../helpers/rails-shop.js";

/** Rails with a folder written in place that `users` use: they are held until its decision. */
const withHeld = (users: string[]) =>
  RAILS_SHOP +
  (users.length
    ? `storage:\n  - { path: /srv/shop/index, inPlace: [{ path: ".", kind: index }], services: [${users.join(", ")}] }\n`
    : "");

type Step = { name?: string; run?: string };

describe("the deploy's lookups and the deployer's viewer roles, for what deploys", () => {
  it.each([
    { held: [], privateIp: true, cache: true, later: [] },
    // The Rails app's web service still reads the private IP; only Sidekiq and the cron job reach Redis.
    { held: ["sidekiq", "digest"], privateIp: true, cache: false, later: ["roles/redis.viewer"] },
    {
      held: ["web", "sidekiq", "digest"],
      privateIp: false,
      cache: false,
      later: ["roles/cloudsql.viewer", "roles/redis.viewer"],
    },
  ])("held $held: private IP looked up $privateIp, cache $cache", async ({ held, privateIp, cache, later }) => {
    const { input, design } = chainYaml(withHeld(held));
    const heldTargets = design.deployment.services.filter((t) => t.held);
    expect(heldTargets.flatMap((t) => t.replaces).sort()).toEqual(expect.arrayContaining(held));
    expect(heldTargets.length > 0).toBe(held.length > 0);
    const files = new Map(renderCicd(offlineCicd(input), input).map((a) => [a.path, a.content]));
    const workflow = files.get(CICD_PATHS.workflow)!;
    expect(await actionlint(workflow, CICD_PATHS.workflow)).toEqual([]);
    const steps = (parse(workflow) as { jobs: { deploy: { steps: Step[] } } }).jobs.deploy.steps;
    const names = steps.map((s) => s.name ?? "");
    expect(names.some((n) => /private IP \(Cloud SQL/.test(n))).toBe(privateIp);
    expect(names.some((n) => /address \(Memorystore/.test(n))).toBe(cache);
    // Every deploy that reads an address runs after its lookup.
    const deploys = steps.filter((s) => /^(Deploy|Migrate)/.test(s.name ?? ""));
    expect(deploys.some((s) => s.run?.includes("${CLOUD_SQL_PRIVATE_IP}"))).toBe(privateIp);
    expect(deploys.some((s) => s.run?.includes("${CACHE_0_URL}"))).toBe(cache);

    const wif = files.get(CICD_PATHS.setupWif)!;
    const granted = [...wif.matchAll(/--role=(roles\/[a-z.]+viewer) --condition=None/g)].map((m) => m[1]);
    expect(granted.includes("roles/cloudsql.viewer")).toBe(privateIp);
    expect(granted.includes("roles/redis.viewer")).toBe(cache);
    if (later.length)
      expect(wif).toContain(
        `# Not yet ${later.join(" and ")}: only a held service's deploy reads that address. Once the\n# decision is taken and infra-migrate rerun, rerun this script before the deploy that brings it.\n`,
      );
    else expect(wif).not.toContain("only a held service's deploy reads");
    expect(await shellcheck(wif)).toEqual([]);
  });
});
