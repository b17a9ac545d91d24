// The design on real apps (test/fixtures/real/<app>, each with the inventory init writes and a
// truth.yaml from the app's own docs) and on the examples: every process lands on a target that
// runs it or on an explicit open decision with options; websockets get affinity, the 60-minute
// timeout and a warm instance; user files get Cloud Storage and a copy step; each use of Redis
// keeps a home; no Celery wording where there is no Celery.
import { existsSync, readdirSync } from "node:fs";
import path from "node:path";
import { describe, expect, it } from "vitest";
import type { Inventory, Service } from "../../../src/inventory/schema.js";
import { designPhase } from "../../../src/phases/design/index.js";
import { designResultSchema, RUNNING_KINDS, type DesignResult } from "../../../src/phases/design/schema.js";
import { isAiGatewayTarget, isAppApi } from "../../../src/contracts/deployment.js";
import { inputFromFile, ROOT } from "../../helpers/phase-input.js";
import { withAudit } from "./design-input.js";
// @ts-expect-error plain JS shared with the benchmark
import { loadCorpus } from "../../../bench/fidelity-score.mjs";
import { planSqlite } from "../../../src/phases/design/rules/sqlite.js";
import { imageFor, planImages } from "../../../src/image/plan.js";

interface TruthService {
  name: string;
  unit?: string;
  runs?: string;
  software?: string;
  role: string;
  protocols?: string[];
  usedFor?: string[];
}
interface App {
  app: string;
  dir: string;
  truth: { from: string; services: TruthService[]; storage?: { path: string }[] };
}

const CORPUS = path.join(ROOT, "test/fixtures/real");
const corpus: App[] = existsSync(CORPUS) ? await loadCorpus(CORPUS) : [];
const examples = readdirSync(path.join(ROOT, "examples")).filter((e) =>
  existsSync(path.join(ROOT, "examples", e, "inventory.yaml")),
);
const PROCESS = new Set(["web", "worker", "scheduler", "cron", "other"]);
/**
 * Health routes the apps have, by inventory process (from their own repositories: Mastodon's and
 * Pixelfed's Compose healthchecks, Spring Boot Actuator). Every other API has none that the
 * fixture shows, so it gets a TCP startup probe and a canary that asks only for an answer.
 */
const HEALTH: Record<string, Record<string, string>> = {
  mastodon: { "mastodon-web": "/health", "mastodon-streaming": "/api/v1/streaming/health" },
  pixelfed: { "php8-2-fpm": "/api/service/health-check" },
  "spring-petclinic": { petclinic: "/actuator/health" },
  // cmd/handlers.go: g.GET("/health", …) is public; /api/health sits behind the admin login.
  listmonk: { "listmonk-main": "/health" },
  // packages/twenty-docker/docker-compose.yml's healthcheck: curl --fail http://localhost:3000/healthz.
  twenty: { "twenty-server": "/healthz" },
  // `yarn start` → package.json's `node app.js`, which mounts lib/web/statusRouter.js: GET /_health.
  hedgedoc: { hedgedoc: "/_health" },
  // docker/compose/traccar-mysql.yaml's healthcheck: wget -q --spider http://localhost:8082/api/health.
  traccar: { traccar: "/api/health" },
};
// Case-insensitive: names keep the case the app reads them in (Ghost: database__connection__host).
const DB_SETTING = /(^|_)(DATABASE|DB|PG|POSTGRES|MYSQL|SQL)(_|$)|DBHOST|DBPASS|DATASOURCE/i;

async function designFor(inventoryFile: string, repoDir: string) {
  const input = { ...withAudit(inputFromFile(inventoryFile)), repoDir };
  const result = designResultSchema.parse(designPhase.offline(input));
  const artifacts = await designPhase.render(result, input);
  return { input, result, artifacts, findings: await designPhase.validate!(artifacts, input, { source: "model" }) };
}

const unitKey = (unit?: string) => unit?.replace(/@[^.]*\.service$/, "@.service");
function inventoryService(inv: Inventory, want: TruthService): Service | undefined {
  return inv.services.find((s) =>
    want.unit
      ? unitKey(s.systemdUnit) === unitKey(want.unit)
      : want.runs
        ? (s.command ?? "").replace(/\s+/g, " ").includes(want.runs)
        : s.software === want.software,
  );
}

/** Where a process runs: its mapping entry and the Cloud Run target or schedule that replaces it. */
function placement(result: DesignResult, service: string) {
  const entry = result.mapping.find((m) => m.service === service)!;
  const target = result.deployment.services.find((t) => t.replaces.includes(service));
  const schedule = result.deployment.schedules?.find((j) => j.replaces.includes(service));
  return { entry, target, schedule };
}

function expectRunsOrOpen(result: DesignResult, service: string): void {
  const { entry, target, schedule } = placement(result, service);
  expect(entry, service).toBeDefined();
  if (entry.target.kind === "needs-decision") {
    expect(entry.options!.length, service).toBeGreaterThanOrEqual(2);
    for (const o of entry.options!) expect(o.cost, `${service}: ${o.option}`).toMatch(/\$|provider|price|pricing/);
    return;
  }
  expect(RUNNING_KINDS, `${service} → ${entry.target.kind}`).toContain(entry.target.kind);
  expect(target ?? schedule, `${service} has a Cloud Run target or schedule`).toBeDefined();
}

describe.each(examples)("examples/%s: no process is dropped", (example) => {
  it("every process runs somewhere or is an open decision, and validate agrees", async () => {
    const { input, result, findings } = await designFor(
      path.join(ROOT, "examples", example, "inventory.yaml"),
      "/nonexistent",
    );
    for (const s of input.inventory.services.filter((x) => PROCESS.has(x.role))) expectRunsOrOpen(result, s.name);
    expect(findings).toEqual([]);
  });
});

describe.each(corpus.map((a) => [a.app, a] as const))("real app %s", (_name, app) => {
  const repoDir = path.join(app.dir, app.truth.from);
  const designed = designFor(path.join(app.dir, "inventory.yaml"), repoDir);

  it("maps every process of its truth to a target that runs it or to an open decision with options", async () => {
    const { input, result, findings } = await designed;
    expect(findings).toEqual([]);
    for (const want of app.truth.services.filter((s) => PROCESS.has(s.role))) {
      const s = inventoryService(input.inventory, want);
      expect(s, `${want.name} is in the inventory`).toBeDefined();
      expectRunsOrOpen(result, s!.name);
    }
  });

  it("serves websockets with session affinity, the 60-minute timeout and a warm instance", async () => {
    const { input, result } = await designed;
    for (const want of app.truth.services.filter((s) => s.protocols?.includes("websocket"))) {
      const name = inventoryService(input.inventory, want)!.name;
      // A process that opens a SQLite file the app cannot move stays off Cloud Run (an open decision).
      if (planSqlite(input.inventory)?.move === "decision" && planSqlite(input.inventory)!.openers.includes(name)) {
        expect(placement(result, name).entry.target.kind).toBe("needs-decision");
        continue;
      }
      const t = placement(result, name).target!;
      expect([t.kind, t.sessionAffinity, t.timeoutSeconds, t.minInstances >= 1]).toEqual(["api", true, 3600, true]);
    }
  });

  it("sends requests to a port each API listens on: 8080 (PORT), or the VM's port when nothing moves it", async () => {
    const { input, result } = await designed;
    for (const t of result.deployment.services.filter((x) => x.kind === "api" && isAppApi(x))) {
      const s = input.inventory.services.find((x) => x.name === t.replaces[0])!;
      const vm = [...new Set(s.listen.map((l) => Number(l.slice(l.lastIndexOf(":") + 1))))];
      // Or the port the team's own image listens on, whose CMD the first API runs (team-image.ts).
      const team = imageFor(planImages(input.inventory, input.repoDir!), s)?.team?.port;
      if (t.port !== 8080 && t.port !== team) expect([t.replaces[0], vm]).toEqual([t.replaces[0], [t.port]]);
      // Nothing on the VM says the process reads PORT or a bind setting, and no server flag rebinds it.
      if (t.port !== 8080) expect(s.env.some((n) => /^PORT$/i.test(n))).toBe(false);
    }
    // n8n's main instance on its built-in 5678, its webhook processor on N8N_PORT=5679.
    if (app.app === "n8n")
      expect(
        result.deployment.services
          .filter(isAppApi)
          .map((t) => t.port)
          .sort(),
      ).toEqual([5678, 5679]);
    // A release tarball's program of no known language, its port from config.json's ListenAddress:
    // no image is planned that could make it read PORT, so Cloud Run sends to 8065.
    if (app.app === "mattermost")
      expect(result.deployment.services.filter(isAppApi).map((t) => t.port)).toEqual([8065]);
    // Tandoor's own Dockerfile starts boot.sh, whose nginx listens on ${TANDOOR_PORT:-80}.
    if (app.app === "tandoor") expect(result.deployment.services.filter(isAppApi).map((t) => t.port)).toEqual([80]);
    // Metabase's MB_JETTY_PORT is a bind setting the deploy sets to 8080.
    if (app.app === "metabase") expect(result.deployment.services.filter(isAppApi).map((t) => t.port)).toEqual([8080]);
    // A prebuilt release (Metabase's jar, Mattermost's tarball) gets no code to add for a health
    // route: its own documented endpoint is what to probe.
    if (app.app === "metabase" || app.app === "mattermost") {
      const changes = result.mapping.flatMap((m) => m.appChanges).join("\n");
      expect(changes).toContain("runs a prebuilt release: no route can be added to its code here");
      expect(changes).not.toMatch(/Add one for real probes/);
    }
  });

  it("promises Scheduler jobs for the warm instance only when the deployment has them", async () => {
    const { result, artifacts } = await designed;
    const decisions = artifacts.find((a) => a.path.endsWith("decisions.md"))!.content;
    const api = result.deployment.services.find(isAppApi);
    const scheduled = (result.deployment.schedules ?? []).some((j) => j.action === "set-min-instances");
    expect(decisions.includes("raise the service-level minimum in the morning")).toBe(scheduled);
    // A websocket API keeps its instance at every hour, and the decision says so (Chatwoot's Puma).
    if (api?.sessionAffinity) expect(decisions).toContain("Keep one API instance warm around the clock");
  });

  it("moves user files to Cloud Storage, mounted where the app expects them, with a copy step (a folder written in place: a decision)", async () => {
    const { input, result, artifacts } = await designed;
    const runbook = artifacts.find((a) => a.path.endsWith("runbook.md"))!.content;
    for (const folder of app.truth.storage ?? []) {
      // All of it written in place (an app's data directory, inPlace "."): no bucket, an open decision.
      const kept = input.inventory.storage?.find((s) => s.path === folder.path)?.inPlace?.some((p) => p.path === ".");
      if (kept) {
        expect(result.deployment.buckets?.find((b) => b.sourcePath === folder.path)).toBeUndefined();
        expect(
          result.mapping.some((m) => m.target.kind === "needs-decision" && m.reason.startsWith(`${folder.path} keeps`)),
        ).toBe(true);
        continue;
      }
      // A compose volume is copied from where it is on the VM's disk (hostPath), mounted where the container writes.
      const source = input.inventory.storage?.find((s) => s.path === folder.path)?.hostPath ?? folder.path;
      const bucket = result.deployment.buckets?.find((b) => b.sourcePath === source);
      expect(bucket, folder.path).toBeDefined();
      expect(
        result.deployment.services.some((t) =>
          t.volumes?.some((v) => v.bucket === bucket!.name && (source === folder.path || v.mountPath === folder.path)),
        ),
      ).toBe(true);
      // A folder that also holds code is copied per subfolder of user files (the ones mounted).
      for (const sub of bucket!.folders ?? [""])
        expect(runbook).toContain(
          `gcloud storage rsync ${sub ? `${source}/${sub} gs://${bucket!.name}/${sub}` : `${source} gs://${bucket!.name}`} --recursive`,
        );
    }
    if (!app.truth.storage?.length) expect(result.deployment.buckets ?? []).toEqual([]);
  });

  it("probes a health route the app has, else only the port: never an invented /healthz", async () => {
    const { result } = await designed;
    for (const t of result.deployment.services.filter(isAppApi)) {
      const route = HEALTH[app.app]?.[t.replaces[0]!];
      expect([t.replaces[0], t.probe, t.healthPath]).toEqual([t.replaces[0], route ? "http" : "tcp", route ?? "/"]);
    }
    // The AI gateway is our own code (llmops' gateway.py), which serves /healthz.
    for (const t of result.deployment.services.filter(isAiGatewayTarget))
      expect([t.probe, t.healthPath]).toEqual(["http", "/healthz"]);
  });

  it("names no process twice in an app change (the plan prints `**name**: change`)", async () => {
    const { result } = await designed;
    for (const m of result.mapping)
      for (const change of m.appChanges) expect(change.startsWith(`${m.service}:`), change).toBe(false);
  });

  it("plans an AI worker only when the inventory has an llm section", async () => {
    const { input, result } = await designed;
    const ai = result.deployment.services.filter((t) => /-ai-worker$/.test(t.name));
    expect(ai.length).toBe(input.inventory.llm ? 1 : 0);
  });

  it("starts every target that reaches Cloud SQL with its database settings", async () => {
    const { result } = await designed;
    for (const t of result.deployment.services.filter((x) => x.cloudSqlInstance)) {
      const names = [...t.secrets, ...Object.keys(t.env ?? {})];
      // Or a settings file it mounts names the database, and the plan says how it changes (Gitea's app.ini).
      const inFile = (result.deployment.secretFiles ?? []).some((f) => f.targets.includes(t.name) && f.edits?.length);
      expect(
        // Pool sizes and timeouts name the database but do not say where it is.
        inFile || names.some((n) => DB_SETTING.test(n) && !/(^|_)(POOL|TIMEOUT)$/.test(n)),
        `${t.name}: ${names.join(",")}`,
      ).toBe(true);
      expect(names).not.toContain("PORT");
    }
  });

  // Chatwoot leaves SMTP_ADDRESS blank (Rails then sends through the VM's sendmail); the others
  // send to a provider on 587 or 465 (Mastodon, BookStack, Healthchecks, Kimai, Ghost), which still works.
  it("opens a mail decision only where mail goes through the VM or to port 25", async () => {
    const { result, artifacts } = await designed;
    const mail = result.mapping.filter((m) => m.target.kind === "needs-decision" && m.target.name.endsWith("-mail"));
    expect(mail.length).toBe(app.app === "chatwoot" ? 1 : 0);
    if (app.app === "chatwoot") {
      expect(mail[0]!.reason).toContain("SMTP_ADDRESS, SMTP_PORT");
      expect(artifacts.map((a) => a.content).join("\n")).toContain("587 or 465");
    }
  });

  it("gives every use of Redis a home, and names Celery only where Celery runs", async () => {
    const { input, result } = await designed;
    const USE: Record<string, RegExp> = {
      broker: /task broker/,
      cache: /cache/,
      pubsub: /pub\/sub/,
      results: /result store/,
      sessions: /session store/,
      locks: /locks/,
    };
    for (const want of app.truth.services.filter((s) => s.usedFor?.length)) {
      const redis = inventoryService(input.inventory, want)!;
      const entry = result.mapping.find((m) => m.service === redis.name)!;
      // An AMQP broker that is also an events bus (Taiga's RabbitMQ) has no managed home: an open
      // decision with its options (amqp-bus.test.ts), never a silent switch to Redis.
      if (/rabbit|amqp/i.test(redis.software) && (redis.usedFor ?? []).includes("pubsub")) {
        expect(entry.target.kind, want.name).toBe("needs-decision");
        expect(entry.options?.length, want.name).toBeGreaterThan(1);
        continue;
      }
      // Celery is kept by default, so even a broker-only Redis stays: every use has its home there.
      expect(entry.target.kind, want.name).toBe("memorystore");
      for (const use of redis.usedFor ?? []) expect(String(entry.settings.uses), use).toMatch(USE[use]!);
      expect(entry.reason).not.toMatch(/only carries task messages/);
    }
    const celery = input.inventory.services.some((s) => /celery/i.test(`${s.software} ${s.command ?? ""}`));
    if (!celery) expect(JSON.stringify(result)).not.toMatch(/celery|\.delay\(\)|beat_schedule/i);
  });
});
