// An app whose data is a SQLite file: the audit flags it critical, and the design never plans it
// away. A framework that takes a server database (Django, Rails, Laravel) moves to Cloud SQL for
// PostgreSQL with the settings that switch it and a one-time data move; any other app keeps the
// processes that open the file off Cloud Run as an open decision (no Cloud Run volume is safe for
// SQLite), and then cicd and observe have nothing to deploy. A model answer cannot drop either.
import path from "node:path";
import { describe, expect, it } from "vitest";
import { auditOffline } from "../../../src/phases/audit/offline.js";
import { designOffline } from "../../../src/phases/design/offline.js";
import { mergeSurroundings } from "../../../src/phases/design/model-answer.js";
import { nothingForCloudRun, planSqlite } from "../../../src/phases/design/rules/sqlite.js";
import { buildDesignPrompt } from "../../../src/phases/design/index.js";
import { GenerationError } from "../../../src/errors.js";
import { targetArchitectureDiagram } from "../../../src/phases/design/diagram.js";
import { validateMermaid } from "../../../src/validate/mermaid.js";
import { inputFromFile, ROOT } from "../../helpers/phase-input.js";
import { designInputFromYaml, withAudit } from "./design-input.js";

const HEALTHCHECKS = path.join(ROOT, "test/fixtures/real/healthchecks-sqlite/inventory.yaml");

/** A one-process Node app on SQLite (Uptime Kuma's shape), behind nginx. */
const NODE_APP = `apiVersion: infra-migrate/v1
kind: Inventory
metadata: { name: status }
host: { hostname: status-01 }
services:
  - { name: nginx, role: reverse-proxy, software: nginx, listen: ["0.0.0.0:443"], dependsOn: [kuma] }
  - { name: kuma, role: web, software: node, runtime: node, framework: express, command: node server/server.js, protocols: [http, websocket], listen: ["127.0.0.1:3001"] }
data:
  - { service: kuma, engine: sqlite, path: /opt/kuma/data/kuma.db, services: [kuma] }
deploy: { method: ssh-pm2 }
traffic: { growth: 2 }
team: { engineers: 1 }
target: { cloud: gcp, project: status-prod, region: us-central1, github: acme/status }
`;

describe("SQLite in the audit", () => {
  it("is a critical data-protection risk naming the file and every process that opens it", () => {
    const audit = auditOffline(inputFromFile(HEALTHCHECKS));
    const risk = audit.risks.find((r) => /SQLite file/.test(r.title))!;
    expect(risk).toMatchObject({ severity: "critical", category: "data-protection" });
    expect(risk.title).toContain("/var/lib/healthchecks/hc.sqlite");
    expect(risk.affects).toEqual(expect.arrayContaining(["healthchecks-web", "healthchecks-sendalerts", "pruneusers"]));
    expect(risk.mttrMinutes.min).toBeGreaterThan(0);
    expect(risk.businessImpact).toMatch(/start empty/);
    // Not a second, generic "no database backups" risk for the same file.
    expect(audit.risks.filter((r) => r.category === "data-protection")).toHaveLength(1);
  });
});

describe("SQLite in a Django app (Healthchecks with DB=sqlite)", () => {
  const input = withAudit(inputFromFile(HEALTHCHECKS));
  const design = designOffline(input);
  const dep = design.deployment;

  it("moves the data to Cloud SQL for PostgreSQL, and every process that opened the file uses it", () => {
    expect(planSqlite(input.inventory)).toMatchObject({ move: "cloud-sql", stack: "django" });
    expect(dep.database).toMatchObject({ engine: "postgres", pointInTimeRecovery: true });
    const openers = planSqlite(input.inventory)!.openers;
    const targets = dep.services.filter((t) => t.replaces.some((r) => openers.includes(r)));
    expect(targets.length).toBe(openers.length - 1); // smtpd is an open decision (inbound SMTP)
    for (const t of targets) expect(t.cloudSqlInstance, t.name).toBe(dep.database!.instance);
    expect(dep.services.flatMap((t) => t.volumes ?? [])).toEqual([]);
  });

  it("switches the engine through the settings the app reads; the cron jobs get the same names", () => {
    for (const t of dep.services.filter((x) => x.cloudSqlInstance)) {
      expect(t.env, t.name).toMatchObject({ DB: "postgres", DB_PORT: "5432" });
      expect(t.env!.DB_HOST, t.name).toMatch(/^\/cloudsql\//);
      expect(t.secrets, t.name).toEqual(expect.arrayContaining(["DB_NAME", "DB_USER", "DB_PASSWORD"]));
      expect(t.secrets, t.name).not.toContain("DATABASE_URL");
    }
  });

  it("carries the one-time move (dumpdata/loaddata, sequences, type caveats) and an ADR with the rejected volumes", () => {
    const steps = design.runbook.database.map((s) => `${s.title}: ${s.detail}`).join("\n");
    expect(steps).toMatch(/Move the SQLite data to Cloud SQL/);
    expect(steps).toMatch(/manage\.py dumpdata/);
    expect(steps).toMatch(/sqlsequencereset/);
    expect(steps).toMatch(/\.backup/);
    const adr = design.decisions.find((d) => /SQLite/.test(d.title))!;
    expect(adr.alternatives.join(" ")).toMatch(/Cloud Storage FUSE/);
    expect(adr.alternatives.join(" ")).toMatch(/Filestore/);
    const web = design.mapping.find((m) => m.service === "healthchecks-web")!;
    expect(web.appChanges.join(" ")).toMatch(/Stop using the SQLite file/);
  });

  it("a model answer that drops the database or an opener's connection is refused", () => {
    const plan = planSqlite(input.inventory);
    const { database: _db, ...noDb } = dep;
    const answer = { ...design, deployment: noDb };
    expect(() => mergeSurroundings(answer as never, dep, plan)).toThrow(GenerationError);
    const unlinked = { ...dep, services: dep.services.map(({ cloudSqlInstance: _c, ...t }) => t) };
    expect(() => mergeSurroundings({ ...design, deployment: unlinked } as never, dep, plan)).toThrow(
      /must use the Cloud SQL instance/,
    );
    expect(() => mergeSurroundings(design as never, dep, plan)).not.toThrow();
  });
});

describe("SQLite in an app with no server-database setting (a Node app)", () => {
  const input = designInputFromYaml(NODE_APP);
  const design = designOffline(input);

  it("keeps the process off Cloud Run as an open decision: a VM with a persistent disk, a server database, or NFS", () => {
    expect(planSqlite(input.inventory)).toMatchObject({ move: "decision", openers: ["kuma"] });
    expect(design.deployment.services).toEqual([]);
    expect(design.deployment.database).toBeUndefined();
    const entry = design.mapping.find((m) => m.service === "kuma")!;
    expect(entry.target.kind).toBe("needs-decision");
    expect(entry.options!.map((o) => o.option).join(" | ")).toMatch(/Compute Engine VM.*server database.*Filestore/);
    expect(design.summary).toMatch(/Nothing of status moves to Cloud Run/);
    expect(design.runbook.database[0]!.commands).toEqual([
      `sqlite3 /opt/kuma/data/kuma.db ".backup /var/backups/app-$(date +%F).sqlite"`,
    ]);
  });

  it("draws the open decisions, and routes no load balancer to a service that does not exist", async () => {
    expect(design.mapping.find((m) => m.service === "nginx")!.target.kind).toBe("needs-decision");
    expect(design.deployment.loadBalancer).toBeUndefined();
    const diagram = targetArchitectureDiagram(design, "status");
    expect(diagram).toContain("Needs a decision<br/>kuma");
    expect(diagram).not.toContain("External Application LB");
    expect(await validateMermaid(diagram)).toEqual([]);
  });

  it("tells cicd and observe there is nothing to deploy, and the prompt states the fact", async () => {
    expect(nothingForCloudRun(input.inventory)).toMatch(/opens the SQLite file \/opt\/kuma\/data\/kuma\.db/);
    expect(await buildDesignPrompt(input)).toMatch(/SQLite: .*needs-decision/);
  });

  it("a model answer that runs the process on Cloud Run is refused", () => {
    const seed = designOffline(withAudit(inputFromFile(path.join(ROOT, "examples/seed-vm/inventory.yaml"))));
    const kuma = { ...seed.deployment.services[0]!, name: "status", replaces: ["kuma"] };
    const answer = { ...design, deployment: { ...design.deployment, services: [kuma] } };
    expect(() => mergeSurroundings(answer as never, design.deployment, planSqlite(input.inventory))).toThrow(
      /start empty and lose every write/,
    );
  });

  it("a Node process beside a Django web that opens the same file keeps the whole app an open decision", () => {
    const mixed = NODE_APP.replace(
      "\ndata:",
      '\n  - { name: web, role: web, software: gunicorn, runtime: python, framework: django, listen: ["127.0.0.1:8000"] }\ndata:',
    ).replace("services: [kuma]", "services: [kuma, web]");
    expect(planSqlite(designInputFromYaml(mixed).inventory)?.move).toBe("decision");
  });
});

describe("H2, a Java app's embedded database (Traccar's and Metabase's default)", () => {
  const JAVA_APP = NODE_APP.replace(
    '{ name: kuma, role: web, software: node, runtime: node, framework: express, command: node server/server.js, protocols: [http, websocket], listen: ["127.0.0.1:3001"] }',
    '{ name: kuma, role: web, software: java, runtime: java, command: java -jar tracker-server.jar conf/traccar.xml, listen: ["127.0.0.1:3001"] }',
  ).replace("engine: sqlite, path: /opt/kuma/data/kuma.db", "engine: h2, path: /opt/kuma/data/database.mv.db");
  const input = withAudit(designInputFromYaml(JAVA_APP));
  const design = designOffline(input);

  it("is a file database like SQLite: its process stays off Cloud Run as an open decision", () => {
    expect(JAVA_APP).toContain("runtime: java");
    expect(planSqlite(input.inventory)).toMatchObject({ move: "decision", openers: ["kuma"] });
    expect(design.mapping.find((m) => m.service === "kuma")!.target.kind).toBe("needs-decision");
    expect(nothingForCloudRun(input.inventory)).toMatch(/opens the H2 file \/opt\/kuma\/data\/database\.mv\.db/);
  });

  it("is named H2 everywhere, and its copy is taken with the app stopped, not with sqlite3", () => {
    const text = JSON.stringify(design);
    expect(text).not.toMatch(/SQLite|sqlite3/);
    expect(design.runbook.database[0]!.title).toBe("Keep the H2 data with its processes");
    expect(design.runbook.database[0]!.detail).toMatch(/the app stopped, then the file copied/);
    expect(design.runbook.database[0]!.commands).toEqual([
      "cp --sparse=always /opt/kuma/data/database.mv.db /var/backups/app-$(date +%F).mv.db",
    ]);
    const risk = auditOffline(designInputFromYaml(JAVA_APP)).risks.find((r) => r.category === "data-protection")!;
    expect(risk.title).toMatch(/^The product's data is an H2 database file on the VM's disk/);
  });
});

describe("SQLite in Rails and Laravel apps", () => {
  const app = (web: string, env: string) => `apiVersion: infra-migrate/v1
kind: Inventory
metadata: { name: shop }
services:
  - { name: web, ${web}, env: [${env}], listen: ["127.0.0.1:3000"] }
data:
  - { service: web, engine: sqlite, path: /srv/shop/storage/production.sqlite3, services: [web] }
deploy: { method: ssh-systemctl }
target: { cloud: gcp, project: shop-prod, region: us-central1, github: acme/shop }
`;

  it.each([
    [
      "rails",
      "role: web, software: puma, runtime: ruby, framework: rails, command: bundle exec puma -C config/puma.rb",
      "SECRET_KEY_BASE",
      { secrets: ["DATABASE_URL"], env: {} },
      /pg gem.*postgresql/,
      /db:schema:load.*pgloader/s,
    ],
    [
      "laravel",
      "role: web, software: php-fpm, runtime: php, framework: laravel, command: php artisan serve",
      "APP_KEY, DB_CONNECTION",
      { secrets: ["DB_DATABASE", "DB_PASSWORD", "DB_USERNAME"], env: { DB_CONNECTION: "pgsql", DB_PORT: "5432" } },
      /Stop using the SQLite file/,
      /artisan migrate --force.*pgloader/s,
    ],
  ])(
    "%s: Cloud SQL through the framework's own settings, and its migrations then pgloader",
    (stack, web, env, want, change, move) => {
      const input = designInputFromYaml(app(web, env));
      expect(planSqlite(input.inventory)).toMatchObject({ move: "cloud-sql", stack });
      const design = designOffline(input);
      const t = design.deployment.services.find((x) => x.replaces.includes("web"))!;
      expect(t.cloudSqlInstance).toBe(design.deployment.database!.instance);
      expect(t.secrets).toEqual(expect.arrayContaining(want.secrets));
      expect(t.env ?? {}).toMatchObject(want.env);
      expect(design.mapping.find((m) => m.service === "web")!.appChanges.join(" ")).toMatch(change);
      expect(design.runbook.database.map((s) => s.detail).join(" ")).toMatch(move);
    },
  );
});
