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
import { PHASE_IDS, type PhaseId } from "../../src/phases/registry.js";
import { designOffline } from "../../src/phases/design/offline.js";
import { completeDesign } from "../../src/phases/design/model-answer.js";
import { designPlanSteps } from "../../src/phases/design/plan-steps.js";
import { renderDesign } from "../../src/phases/design/render.js";
import { validateDesign } from "../../src/phases/design/index.js";
import { designAnswerSchema, type DesignResult } from "../../src/phases/design/schema.js";
import { estimateCost } from "../../src/phases/design/cost/estimate.js";
import { loadPriceBook } from "../../src/contracts/gcp-prices.js";
import { auditOffline } from "../../src/phases/audit/offline.js";
import { GenerationError } from "../../src/errors.js";
import { startFakeGemini } from "../helpers/fake-gemini.mjs";
import { answerByPersona } from "../helpers/phase-answers.js";
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
        /^shop: .*(nothing runs|no process runs) on Cloud Run.* What moves now: the database to Cloud SQL POSTGRES_15/,
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

// Every document of the design, read as a reviewer would: what moves, the open decisions, nothing
// deployed, no Cloud Run cost, no pool sized for zero instances, no store mapped that nothing uses.
const app = (name: string, services: string, data: string) => `apiVersion: infra-migrate/v1
kind: Inventory
metadata: { name: ${name} }
host: { hostname: vm, os: "Ubuntu 22.04", cpus: 2, memoryGiB: 4, diskGiB: 50 }
services:
${services}
data: ${data}
deploy: { method: ssh-systemctl, durationMinutes: 10, perWeek: 1, rollback: none, downtime: true }
traffic: { peakRps: 5, growth: 2 }
team: { engineers: 1, kubernetes: false }
target: { cloud: gcp, project: shop-prod-123, region: us-central1, service: shop, github: acme/shop }
`;
const NGINX = `  - { name: nginx, role: reverse-proxy, software: nginx, listen: ["0.0.0.0:443"] }`;
const PG = `  - { name: postgres, role: database, software: postgres, version: "15", listen: ["127.0.0.1:5432"] }`;
const MYSQL = `  - { name: mysql, role: database, software: mysql, version: "8.0", listen: ["127.0.0.1:3306"] }`;
const KUMA = `  - { name: kuma, role: web, software: node, runtime: node, command: "node server/server.js", listen: ["127.0.0.1:3001"] }`;

describe("the design's documents when nothing runs on Cloud Run", () => {
  // Phrases that would be false here: a deploy, a revision, a load balancer, a Memorystore, a pool for no instances.
  const FALSE = [
    /pool of at most 0/,
    /connection budget/i,
    /Cloud Run revision/,
    /Run the application on Cloud Run/,
    /Ship every change as a new revision/,
    /Terminate traffic at an external Application Load Balancer/,
    /uptime check/,
    /External Application LB/,
    /service accounts/,
    /Compute \(Cloud Run\)/,
    /"Users"/,
    /run\.app/,
    /Switch DNS|Deploy and smoke-test|Lower the DNS TTL/,
    /must fit Cloud Run/,
    /Memorystore for (Redis|Memcached) \(/,
    /Cloud Run container images are built/,
    /## Cloud Run services/,
  ];
  it.each([
    {
      name: "only postgres and nginx",
      yaml: app(
        "pg",
        `${NGINX}\n${PG}`,
        `[{ service: postgres, engine: postgres, version: "15", sizeGiB: 5, backups: daily }]`,
      ),
      db: "POSTGRES_15",
    },
    {
      name: "an SMTP listener and MySQL",
      yaml: app(
        "mail",
        `${MAIL}\n${MYSQL}`,
        `[{ service: mysql, engine: mysql, version: "8.0", sizeGiB: 5, backups: daily }]`,
      ),
      db: "MYSQL_8_0",
    },
    { name: "an unknown process and Redis", yaml: app("unk", `${UNKNOWN}\n${REDIS}`, "[]"), db: undefined },
    {
      name: "a SQLite opener that cannot move, behind nginx",
      yaml: app(
        "kuma",
        `${NGINX.replace(" }", ", dependsOn: [kuma] }")}\n${KUMA}`,
        `[{ service: kuma, engine: sqlite, path: /opt/kuma/data/kuma.db, backups: none, services: [kuma] }]`,
      ),
      db: undefined,
    },
  ])("$name", async ({ yaml, db }) => {
    const input = designInputFromYaml(yaml);
    expect(nothingDeploys(input.inventory)).toBeDefined();
    const design = designOffline(input);
    const dep = design.deployment;
    expect([dep.services, dep.queues, dep.loadBalancer, dep.caches, dep.network, dep.schedules]).toEqual([
      [],
      [],
      undefined,
      undefined,
      undefined,
      undefined,
    ]);
    // Only the database moves to a managed home; the proxy, the stores and the processes wait for their decisions.
    for (const m of design.mapping)
      expect([m.service, m.target.kind]).toEqual([
        m.service,
        m.service === "postgres" || m.service === "mysql" ? "cloud-sql" : "needs-decision",
      ]);
    if (db) expect(dep.database?.databaseVersion).toBe(db);
    const redis = design.mapping.find((m) => m.service === "redis");
    if (redis)
      expect(redis.reason).toMatch(/is not moved: nothing runs on Cloud Run, so nothing on Google Cloud would use/);
    expect(design.requirements.find((r) => r.id === "zero-downtime-deploys")!.how).toMatch(
      /^Not met yet: nothing is deployed/,
    );
    // Cost: what moves, never a Cloud Run, Memorystore or load balancer line.
    const cost = estimateCost(input.inventory, dep, loadPriceBook());
    const items = cost.scenarios.flatMap((s) => s.lines.map((l) => `${l.component} ${l.item}`));
    expect(items.filter((i) => /cloud run|memorystore|load balancer|forwarding|secret/i.test(i))).toEqual([]);
    expect(items.every((i) => (db ? /^cloud sql /.test(i) : false))).toBe(true);

    const artifacts = await renderDesign(design, input);
    expect(await validateDesign(artifacts, input)).toEqual([]);
    const steps = designPlanSteps(design, input);
    const texts = [
      ...artifacts.filter((a) => a.kind !== "json").map((a) => [a.path, a.content] as const),
      ...steps.map((s) => [`plan: ${s.title}`, `${s.title}\n${s.body ?? ""}`] as const),
    ];
    for (const [where, text] of texts) expect(FALSE.filter((re) => re.test(text)).map(String), where).toEqual([]);
    const file = (name: string) => artifacts.find((a) => a.path.endsWith(name))!.content;
    expect(file("cost-estimate.md")).toContain("Nothing runs on Cloud Run in this design");
    expect(file("target-architecture.mmd")).toContain("Needs a decision (stays on the VM until taken)");
    if (db) expect(file("target-architecture.mmd")).toContain(`Cloud SQL ${db}`);
    expect(steps.find((s) => s.stage === "decommission")!.body).toMatch(/^Not yet: nothing runs on Cloud Run/);
    // cicd is skipped, so no setup-database.sh: the plan itself creates the instance, its database and user.
    if (db)
      expect(
        steps.flatMap((s) => s.commands ?? []).filter((c) => /^gcloud sql (instances|databases|users) create /.test(c)),
      ).toHaveLength(3);
  });
});

describe("a model's design for an inventory with nothing for Cloud Run", () => {
  // The skip of cicd and observe reads the inventory; the design must agree with it whatever the model says.
  const mailOnly = designInputFromYaml(inventory(MAIL));
  const withWeb = designInputFromYaml(inventory(`${MAIL}\n${WEB}`));
  const answerOf = (input: typeof mailOnly) => designAnswerSchema.parse(structuredClone(designOffline(input)));

  it("an answer that deploys a service is replaced by the rules' design, which says so", () => {
    const answer = answerOf(withWeb);
    expect(answer.deployment.services.length).toBeGreaterThan(0);
    const result = completeDesign(answer, mailOnly);
    const offline = designOffline(mailOnly);
    expect(result.deployment).toEqual(offline.deployment);
    expect(result.mapping).toEqual(offline.mapping);
    expect(result.assumptions[0]).toMatch(
      /^The model's answer deployed shop on Cloud Run, but no process runs on Cloud Run \(mailer receives mail over SMTP\): this design is the rules' own/,
    );
  });

  it("an answer that deploys nothing for an inventory with a web process is refused", () => {
    const answer = answerOf(mailOnly);
    expect(() => completeDesign(answer, withWeb)).toThrow(GenerationError);
  });

  it("through the Gemini path: a deploying answer still yields a run without cicd and observe, its design deploying nothing", async () => {
    const fake = await startFakeGemini();
    const saved = process.env.GOOGLE_GEMINI_BASE_URL;
    const dir = await mkdtemp(path.join(tmpdir(), "nothing-deploys-gemini-"));
    try {
      process.env.GOOGLE_GEMINI_BASE_URL = fake.url;
      const inventoryFile = path.join(dir, "inventory.yaml");
      await writeFile(inventoryFile, inventory(MAIL));
      fake.setDefault(
        await answerByPersona({ audit: auditOffline(mailOnly), design: answerOf(withWeb) } as Record<PhaseId, unknown>),
      );
      const result = await runPipeline({
        inventoryFile,
        outDir: dir,
        phases: [...PHASE_IDS],
        provider: "gemini",
        options: {},
        env: { GEMINI_API_KEY: "test-key-not-real" },
        cache: false,
      });
      expect(result.runs.map((r) => [r.phase, r.provider])).toEqual([
        ["audit", "gemini"],
        ["design", "gemini"],
      ]);
      const design = result.runs[1]!.result as DesignResult;
      expect(design.deployment.services).toEqual([]);
      expect(design.assumptions[0]).toMatch(/^The model's answer deployed shop on Cloud Run/);
      const architecture = result.plans.flatMap((p) => p.artifacts).find((a) => a.path.endsWith("architecture.md"))!;
      expect(architecture.content).not.toContain("## Cloud Run services");
    } finally {
      if (saved === undefined) delete process.env.GOOGLE_GEMINI_BASE_URL;
      else process.env.GOOGLE_GEMINI_BASE_URL = saved;
      await fake.close();
      await rm(dir, { recursive: true, force: true });
    }
  });
});
