// An inventory where nothing runs on Cloud Run (only a database and a cache; only an SMTP listener;
// a process the rules cannot name) gets no deploy workflow deploying nothing and no dashboards of
// nothing: cicd and observe say why they do not apply, and the run still succeeds with the audit,
// the design (its open decisions, the database's move) and the migration plan.
import { mkdtemp, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import path from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { nothingDeploys } from "../../src/contracts/process-homes.js";
import { runPipeline, type PipelineEvent } from "../../src/pipeline/run-pipeline.js";
import { PHASE_IDS } from "../../src/phases/registry.js";
import { designOffline } from "../../src/phases/design/offline.js";
import { designInputFromYaml } from "./design/design-input.js";

const inventory = (services: string, extra = "") => `apiVersion: infra-migrate/v1
kind: Inventory
metadata: { name: shop }
host: { hostname: vm, os: "Ubuntu 22.04", cpus: 2, memoryGiB: 4, diskGiB: 50 }
services:
  - { name: postgres, role: database, software: postgres, version: "15", listen: ["127.0.0.1:5432"] }
${services}
data:
  - { service: postgres, engine: postgres, version: "15", sizeGiB: 5, backups: daily }
deploy: { method: ssh-systemctl, durationMinutes: 10, perWeek: 1, rollback: none, downtime: true }
traffic: { peakRps: 5, growth: 2 }
team: { engineers: 1, kubernetes: false }
target: { cloud: gcp, project: shop-prod-123, region: us-central1, service: shop, github: acme/shop }
${extra}`;

const REDIS = `  - { name: redis, role: cache, software: redis, listen: ["127.0.0.1:6379"] }`;
const MAIL = `  - { name: mailer, role: other, software: postfix, protocols: [smtp], listen: ["0.0.0.0:25"] }`;
const TCP = `  - { name: game, role: web, software: custom, runtime: go, protocols: [tcp], listen: ["0.0.0.0:7777"] }`;
const UNKNOWN = `  - { name: helper, role: other, software: mystery, command: /opt/bin/helper }`;
const LOOP = `  - { name: poller, role: other, software: python, runtime: python, command: "python poll.py --loop" }`;
const CRON = `  - { name: report, role: other, software: mystery, command: /opt/bin/report, schedule: "0 3 * * *" }`;
const WEB = `  - { name: api, role: web, software: gunicorn, runtime: python, listen: ["127.0.0.1:8000"] }`;

describe("nothingDeploys agrees with the design: no reason exactly when the design deploys something", () => {
  const LLM = `llm: { useCase: "summarise mail", latencySeconds: [5, 15], provider: vertex-ai }`;
  it.each<[string, string, RegExp | undefined, string?]>([
    ["only a database and a cache", REDIS, /lists no process of the app \(only database, cache\)/],
    ["only an SMTP listener", MAIL, /mailer receives mail over SMTP/],
    ["a raw TCP server and a process nobody can name", `${TCP}\n${UNKNOWN}`, /game serves .*; helper is a process/],
    ["an SMTP listener next to a web app", `${MAIL}\n${WEB}`, undefined],
    ["an app process that loops", LOOP, undefined],
    ["an unnamed process with a schedule (a job)", CRON, undefined],
    ["only an SMTP listener, and an llm section (the AI worker deploys)", MAIL, undefined, LLM],
  ])("%s", (_name, services, reason, extra) => {
    const input = designInputFromYaml(inventory(services, extra));
    const said = nothingDeploys(input.inventory);
    if (reason) expect(said).toMatch(reason);
    else expect(said).toBeUndefined();
    const design = designOffline(input);
    expect(design.deployment.services.length === 0).toBe(said !== undefined);
    // The design's own words follow: no "moves to Cloud Run", no deploy or DNS switch in the runbook.
    const cutover = design.runbook.cutover.map((step) => step.title);
    if (said) {
      expect(design.summary).toMatch(
        /^shop: .*(nothing runs|no process runs) on Cloud Run.* Its database still moves to Cloud SQL/,
      );
      expect(cutover.filter((t) => /Deploy|DNS/.test(t))).toEqual([]);
    } else expect(cutover).toContain("Deploy and smoke-test the new stack");
  });
});

describe("a run with nothing for Cloud Run", () => {
  const dirs: string[] = [];
  afterAll(() => Promise.all(dirs.map((d) => rm(d, { recursive: true, force: true }))));

  it.each([
    ["only a database and a cache", REDIS],
    ["only an SMTP listener", MAIL],
  ])("%s: cicd and observe are skipped with the reason; audit, design and the plan are written", async (_n, s) => {
    const dir = await mkdtemp(path.join(tmpdir(), "nothing-deploys-"));
    dirs.push(dir);
    const inventoryFile = path.join(dir, "inventory.yaml");
    await writeFile(inventoryFile, inventory(s));
    const events: PipelineEvent[] = [];
    const result = await runPipeline({
      inventoryFile,
      outDir: dir,
      phases: [...PHASE_IDS],
      provider: "offline",
      options: {},
      env: {},
      onEvent: (e) => events.push(e),
    });
    expect(result.runs.map((r) => r.phase)).toEqual(["audit", "design"]);
    const notices = events.flatMap((e) => (e.type === "notice" ? [e.message] : []));
    expect(notices.filter((m) => /^(cicd|observe) skipped: /.test(m))).toHaveLength(2);
    const files = result.plans.flatMap((p) => p.artifacts.map((a) => a.path));
    expect(files).toContain("docs/migration/README.md");
    expect(files).toContain("docs/migration/design/architecture.md");
    expect(files.filter((f) => /deploy\.yml$|^monitoring\/|^scripts\//.test(f))).toEqual([]);
    // No table of Cloud Run services with nothing in it.
    const architecture = result.plans
      .flatMap((p) => p.artifacts)
      .find((a) => a.path === "docs/migration/design/architecture.md")!;
    expect(architecture.content).not.toContain("## Cloud Run services");
  });
});
