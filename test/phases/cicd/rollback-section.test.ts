// The README's "Roll back by hand" moves a service's traffic to an earlier revision: it names the
// public API (else the first always-on service), and is left out when the design deploys no
// service at all (only jobs, or nothing: every process an open decision). Such a design crashed
// the render (found by mutating corpus inventories, bench/mutate-corpus.mjs).
import { readFileSync } from "node:fs";
import { describe, expect, it } from "vitest";
import { cicdPhase, CICD_PATHS } from "../../../src/phases/cicd/index.js";
import { chainYaml, EXAMPLE } from "../../helpers/chain.js";

const seed = readFileSync(EXAMPLE("seed-vm"), "utf8");
const head =
  "apiVersion: infra-migrate/v1\nkind: Inventory\nmetadata: { name: shop }\ntarget: { project: shop-prod }\n";

describe("cicd README: the rollback section", () => {
  it.each([
    ["the seed (an API behind nginx)", seed, "web-app-prod"],
    [
      "a worker only",
      `${head}services:\n  - { name: jobs, role: worker, software: sidekiq, runtime: ruby, command: "bundle exec sidekiq", dependsOn: [redis] }\n  - { name: redis, role: broker, software: redis, listen: ["127.0.0.1:6379"] }\n`,
      "shop-prod-worker",
    ],
    [
      "a cron job only",
      `${head}services:\n  - { name: report, role: cron, software: python, command: "python report.py", schedule: "0 3 * * *" }\n`,
      undefined,
    ],
    [
      "nginx and a database, no app process",
      `${head}services:\n  - { name: nginx, role: reverse-proxy, software: nginx, listen: ["0.0.0.0:80"] }\n  - { name: db, role: database, software: postgres, listen: ["127.0.0.1:5432"] }\n`,
      undefined,
    ],
    [
      "a mail listener only (an open decision)",
      `${head}services:\n  - { name: mail, role: web, software: postfix, protocols: [smtp], listen: ["0.0.0.0:25"] }\n`,
      undefined,
    ],
  ])("%s", async (_, yaml, service) => {
    const { input, design } = chainYaml(yaml);
    const artifacts = await cicdPhase.render(cicdPhase.offline(input), input);
    const readme = artifacts.find((a) => a.path === CICD_PATHS.readme)!.content;
    expect(readme.includes("## Roll back by hand")).toBe(service !== undefined);
    if (service) expect(readme).toContain(`gcloud run services update-traffic ${service} `);
    expect(design.deployment.services.find((s) => s.kind !== "job")?.name).toBe(service);
  });
});
