import path from "node:path";
import { describe, expect, it } from "vitest";
import { detectRepo } from "../../src/detect/detect-repo.js";
import type { DetectedFacts } from "../../src/detect/types.js";
import { InputError } from "../../src/errors.js";
import { answersFromFlags } from "../../src/init/flags.js";
import { buildInitPlan } from "../../src/init/init-plan.js";
import { resolveAnswers } from "../../src/init/resolve.js";
import { withDetectedFacts } from "../../src/init/provenance.js";
import { formatService } from "../../src/init/service-spec.js";
import { parseInventory } from "../../src/inventory/load.js";
import { configSchema } from "../../src/config/config.js";
import { parse } from "yaml";

const FIXTURES = path.resolve(import.meta.dirname, "../fixtures/repos");
const empty: DetectedFacts = { dir: "/x", name: "My Shop!", services: [], frameworks: [], evidence: [] };

describe("answersFromFlags", () => {
  it.each([
    [{ name: "acme" }, { name: "acme" }],
    [
      { service: ["api:web:uvicorn:8000", "proxy:reverse-proxy:nginx:80"] },
      {
        services: [
          { name: "api", role: "web", software: "uvicorn", listen: ["127.0.0.1:8000"], dependsOn: [] },
          { name: "proxy", role: "reverse-proxy", software: "nginx", listen: ["0.0.0.0:80"], dependsOn: [] },
        ],
      },
    ],
    [
      { service: ["report:cron:python::30 6 * * 1-5", "beat:scheduler:celery::", "tick:cron:bash::@hourly"] },
      {
        services: [
          { name: "report", role: "cron", software: "python", listen: [], dependsOn: [], schedule: "30 6 * * 1-5" },
          { name: "beat", role: "scheduler", software: "celery", listen: [], dependsOn: [] },
          { name: "tick", role: "cron", software: "bash", listen: [], dependsOn: [], schedule: "@hourly" },
        ],
      },
    ],
    [{ database: "mysql:8.0" }, { "database.engine": "mysql", "database.version": "8.0" }],
    [{ database: "none" }, { "database.engine": "none" }],
    [
      { peakRps: "40", growth: "10", engineers: "2", kubernetes: false },
      { "traffic.peakRps": 40, "traffic.growth": 10, "team.engineers": 2, "team.kubernetes": false },
    ],
    [
      { project: "acme-mvp-prod", region: "europe-west1", github: "acme/web-app", serviceName: "web-app-prod" },
      {
        "target.project": "acme-mvp-prod",
        "target.region": "europe-west1",
        "target.github": "acme/web-app",
        "target.service": "web-app-prod",
      },
    ],
    [
      { llmUseCase: "summaries", llmLatency: "5-15", llmProvider: "vertex-ai" },
      { "llm.useCase": "summaries", "llm.latencySeconds": [5, 15], "llm.provider": "vertex-ai" },
    ],
    [
      { businessHours: "08:00-20:00 America/Sao_Paulo", provider: "offline" },
      { "target.businessHours": "08:00-20:00 America/Sao_Paulo", provider: "offline" },
    ],
  ])("%o", (flags, expected) => {
    expect(answersFromFlags(flags)).toEqual({ given: expected, issues: [] });
  });

  it.each([
    [{ name: "Acme_Shop" }, "--name"],
    [{ service: ["api:web"] }, "--service"],
    [{ service: ["api:boss:uvicorn"] }, "--service"],
    [{ service: ["api:web:uvicorn:70000"] }, "--service"],
    [{ service: ["api:web:uvicorn", "api:worker:celery"] }, "--service"],
    [{ service: ["report:cron:python::every day"] }, "--service"],
    [{ service: ["report:cron:python::0 3 * * *:extra"] }, "--service"],
    [{ project: "x" }, "--project"],
    [{ region: "mars" }, "--region"],
    [{ github: "not a repo" }, "--github"],
    [{ engineers: "two" }, "--engineers"],
    [{ engineers: "0" }, "--engineers"],
    [{ growth: "0.5" }, "--growth"],
    [{ llmLatency: "15-5" }, "--llm-latency"],
    [{ businessHours: "9 to 5" }, "--business-hours"],
    [{ serviceName: "Web_App" }, "--service-name"],
  ])("rejects %o naming %s", (flags, flag) => {
    const { issues } = answersFromFlags(flags);
    expect(issues.map((i) => i.path)).toEqual([flag]);
  });
});

describe("resolveAnswers (no TTY)", () => {
  it("without --yes, detected values do not count: their flags are missing", async () => {
    const facts = await detectRepo(path.join(FIXTURES, "fastapi-celery-mysql"), {
      readRemote: async () => "git@github.com:acme/web-app.git",
    });
    const { missing } = resolveAnswers({ "target.project": "acme-mvp-prod" }, facts, false);
    expect(missing.map((m) => m.flag)).toEqual([
      "--name",
      "--service",
      "--database",
      "--deploy-method",
      "--service-name",
      "--github",
    ]);
    expect(missing.find((m) => m.flag === "--github")?.detected).toBe("acme/web-app");
  });

  it("with --yes, only what nothing can tell is missing", () => {
    const { missing, answers, origins } = resolveAnswers({}, empty, true);
    expect(missing.map((m) => m.flag)).toEqual(["--service", "--project", "--github"]);
    expect(answers).toMatchObject({
      name: "my-shop",
      "database.engine": "none",
      "target.region": "us-central1",
      "target.service": "my-shop",
      provider: "auto",
    });
    expect(origins).toMatchObject({ name: "detected", "target.region": "default" });
  });

  it("flags win over detection, and conditional questions follow their answers", async () => {
    const facts = await detectRepo(path.join(FIXTURES, "django-postgres-compose"), {
      readRemote: async () => undefined,
    });
    const { answers } = resolveAnswers({ "database.engine": "none", "llm.useCase": "tagging" }, facts, true);
    expect(answers["database.engine"]).toBe("none");
    expect(answers["database.backups"]).toBeUndefined();
    expect(answers["llm.provider"]).toBe("vertex-ai");
  });
});

describe("buildInitPlan", () => {
  const base = { "target.project": "acme-mvp-prod", "target.github": "acme/web-app" } as const;

  it.each(["fastapi-celery-mysql", "django-postgres-compose", "flask-procfile", "node-express"])(
    "%s: --yes answers give an inventory the real loader accepts",
    async (repo) => {
      const facts = await detectRepo(path.join(FIXTURES, repo), { readRemote: async () => undefined });
      const { answers, missing } = resolveAnswers({ ...base }, facts, true);
      expect(missing).toEqual([]);
      const init = buildInitPlan(answers, { toolVersion: "0.0.0-test" });
      const loaded = parseInventory(init.inventoryText, "inv.yaml");
      expect(loaded.inventory.services.map((s) => s.name).sort()).toEqual(facts.services.map((s) => s.name).sort());
      expect(loaded.inventory.target).toMatchObject({ project: "acme-mvp-prod", github: "acme/web-app" });
      expect(loaded.inventory.data[0]?.engine).toBe(facts.database?.engine);
      expect(init.inventoryText.startsWith("# yaml-language-server: $schema=")).toBe(true);
      expect(configSchema.parse(parse(init.configText))).toMatchObject({ kind: "Config", provider: "auto" });
      expect(init.plan.artifacts.every((a) => a.noHeader)).toBe(true);
      // Deterministic: the same answers give the same bytes.
      expect(buildInitPlan(answers, { toolVersion: "0.0.0-test" }).inventoryText).toBe(init.inventoryText);
    },
  );

  it("adds a database service when the services list has none for the engine", () => {
    const { given } = answersFromFlags({
      service: ["api:web:uvicorn:8000"],
      database: "postgres:16",
      dbSize: "20",
      backups: "daily",
    });
    const { answers } = resolveAnswers({ ...base, ...given }, empty, true);
    const inv = parseInventory(buildInitPlan(answers, { toolVersion: "t" }).inventoryText, "inv.yaml").inventory;
    expect(inv.services.map((s) => [s.name, s.role, s.listen])).toEqual([
      ["api", "web", ["127.0.0.1:8000"]],
      ["postgres", "database", ["127.0.0.1:5432"]],
    ]);
    expect(inv.services[0]!.dependsOn).toEqual(["postgres"]);
    expect(inv.data).toEqual([
      { service: "postgres", engine: "postgres", version: "16", sizeGiB: 20, backups: "daily" },
    ]);
  });

  it("answers that break a cross-check fail with the loader's located error (exit 2)", () => {
    const { given } = answersFromFlags({ service: ["a:web:uvicorn:8000", "b:web:gunicorn:8000"] });
    const { answers } = resolveAnswers({ ...base, ...given }, empty, true);
    let error: unknown;
    try {
      buildInitPlan(answers, { toolVersion: "t" });
    } catch (e) {
      error = e;
    }
    expect(error).toBeInstanceOf(InputError);
    expect((error as InputError).exitCode).toBe(2);
    expect((error as InputError).message).toMatch(/8000/);
  });

  it("redacts a secret that came in through a detected command", () => {
    const facts: DetectedFacts = {
      ...empty,
      services: [
        {
          name: "api",
          role: "web",
          software: "gunicorn",
          command: "gunicorn app --env DATABASE_URL=mysql://app:hunter2secret@db/app",
          listen: [],
          dependsOn: [],
          source: "x",
        },
      ],
    };
    const { answers } = resolveAnswers({ ...base }, facts, true);
    const text = buildInitPlan(answers, { toolVersion: "t" }).inventoryText;
    expect(text).not.toContain("hunter2secret");
    expect(text).toContain("<redacted:");
  });
});

describe("buildInitPlan with the v1 extension", () => {
  it("writes runtime, framework, protocols, longRunning, usedFor, storage and provenance, and the file loads back", () => {
    const init = buildInitPlan(
      {
        name: "chat",
        services: [
          {
            name: "web",
            role: "web",
            software: "daphne",
            listen: ["127.0.0.1:8000"],
            dependsOn: [],
            runtime: "python",
            framework: "django",
            packageManager: "poetry",
            protocols: ["http", "websocket"],
            longRunning: true,
          },
          {
            name: "redis",
            role: "cache",
            software: "redis",
            listen: ["127.0.0.1:6379"],
            dependsOn: [],
            usedFor: ["cache", "pubsub"],
          },
        ],
        "deploy.method": "rsync and a restart script",
        "target.project": "chat-prod-1",
        storage: [{ path: "/srv/chat/media", purpose: "user uploads" }],
        provenance: { "services[web].listen": { from: "detected", file: "/etc/systemd/system/web.service", line: 8 } },
      },
      { toolVersion: "0.0.0" },
    );
    const loaded = parseInventory(init.inventoryText, "x.yaml");
    expect(loaded.inventory.services[0]).toMatchObject({
      runtime: "python",
      protocols: ["http", "websocket"],
      longRunning: true,
    });
    expect(loaded.inventory.services[1]!.usedFor).toEqual(["cache", "pubsub"]);
    expect(loaded.inventory.storage).toEqual([{ path: "/srv/chat/media", purpose: "user uploads" }]);
    expect(loaded.inventory.provenance).toMatchObject({
      "services[web].listen": { from: "detected", file: "/etc/systemd/system/web.service", line: 8 },
      // Nobody gave these: the loader marks the defaults it filled in.
      "deploy.rollback": { from: "assumed" },
      "traffic.growth": { from: "assumed" },
    });
    expect(loaded.inventory.deploy.method).toBe("rsync and a restart script");
    expect(init.warnings.map((w) => w.path)).toEqual(["deploy.method"]);
  });
});

describe("provenance of what init --yes writes", () => {
  it("says where each value came from: detected with file and line, answered by a flag, or assumed", async () => {
    const facts = await detectRepo(path.join(FIXTURES, "fastapi-celery-mysql"), { readRemote: async () => undefined });
    const { answers, origins } = resolveAnswers(
      { "target.project": "acme-prod-1", "target.github": "acme/app", "deploy.perWeek": 3 },
      facts,
      true,
    );
    const plan = buildInitPlan(withDetectedFacts(answers, origins, facts), { toolVersion: "0.0.0" });
    const { provenance } = parseInventory(plan.inventoryText, "x.yaml").inventory;
    expect(provenance?.["services[api]"]).toEqual({ from: "detected", file: "deploy/systemd/api.service", line: 9 });
    expect(provenance?.["deploy.perWeek"]).toEqual({ from: "answered" });
    expect(provenance?.["deploy.rollback"]).toEqual({ from: "assumed" });
    expect(provenance?.["traffic.growth"]).toEqual({ from: "assumed" });
    expect(provenance?.["data[mysql].backups"]).toEqual({ from: "assumed" });
    expect(provenance?.["data[mysql].engine"]).toMatchObject({ from: "detected" });
  });
});

describe("formatService", () => {
  it("shows what detection added, so a person can check it", () => {
    expect(
      formatService({
        name: "streaming",
        role: "web",
        software: "node",
        listen: ["127.0.0.1:4000"],
        dependsOn: [],
        runtime: "node",
        framework: "express",
        protocols: ["http", "websocket"],
        longRunning: true,
      }),
    ).toBe("streaming (web, node on 127.0.0.1:4000) · node, express, websocket");
    expect(
      formatService({
        name: "redis",
        role: "broker",
        software: "redis",
        listen: [],
        dependsOn: [],
        usedFor: ["broker", "cache"],
      }),
    ).toBe("redis (broker, redis) · used for broker, cache");
  });
});
