// A Rails web process that runs Active Job's :async work on its own threads (inventory
// services[].inProcessJobs): the design keeps its CPU allocated between requests and names the
// two ways out; the audit names the risk. Without the fact nothing changes.
import { describe, expect, it } from "vitest";
import { auditOffline } from "../../../src/phases/audit/offline.js";
import { auditResultSchema } from "../../../src/contracts/audit-result.js";
import { deployFlags } from "../../../src/phases/cicd/deploy-flags.js";
import { designPhase } from "../../../src/phases/design/index.js";
import { designResultSchema } from "../../../src/phases/design/schema.js";
import { inputFromYaml } from "../../helpers/phase-input.js";
import { designInputFromYaml } from "./design-input.js";

const WHY =
  "Active Job has no queue adapter (Rails' default :async) and no job backend gem: app/models/mailer.rb calls deliver_later, run on threads of the web process after the response";

const inventory = (inProcessJobs: boolean) => `apiVersion: infra-migrate/v1
kind: Inventory
metadata: { name: tracker }
host: { hostname: vm, os: "Ubuntu 24.04" }
services:
  - { name: nginx, role: reverse-proxy, software: nginx, listen: ["0.0.0.0:443"], dependsOn: [redmine] }
  - name: redmine
    role: web
    software: rails
    runtime: ruby
    framework: rails
    listen: ["127.0.0.1:3000"]
    dependsOn: [db]
${inProcessJobs ? `    inProcessJobs: "${WHY}"\n` : ""}  - { name: db, role: database, software: mysql, listen: ["127.0.0.1:3306"] }
data:
  - { service: db, engine: mysql, version: "8.0", sizeGiB: 5, backups: daily }
traffic: { peakRps: 20, growth: 3 }
deploy: { method: ssh-systemctl }
target: { project: tracker-prod, region: europe-west1, service: tracker }
`;

describe("a web process that runs Active Job's work on its own threads", () => {
  it.each([
    ["in-process jobs", true],
    ["no such fact", false],
  ])("%s", (_name, found) => {
    const result = designResultSchema.parse(designPhase.offline(designInputFromYaml(inventory(found))));
    const api = result.deployment.services.find((t) => t.kind === "api")!;
    expect(api.cpuAlwaysAllocated).toBe(found ? true : undefined);
    expect(deployFlags(api, result.deployment).includes("--no-cpu-throttling")).toBe(found);
    // Only the jobs ask for CPU: the service still scales like any stateless app.
    expect(api.singleInstance).toBeUndefined();
    const row = result.mapping.find((m) => m.service === "redmine")!;
    expect(row.settings.cpuAlwaysAllocated).toBe(found ? true : undefined);
    expect(row.reason.includes("CPU stays allocated between requests")).toBe(found);
    const change = row.appChanges.find((c) => c.includes("deliver_later"));
    expect(Boolean(change)).toBe(found);
    if (change) {
      expect(change).toContain("keeps CPU always allocated");
      expect(change).toMatch(/Solid Queue on the Cloud SQL database, or Sidekiq on Memorystore/);
    }
  });

  it("the audit names the risk with the inventory's evidence", () => {
    const risks = (found: boolean) => auditOffline(inputFromYaml(inventory(found))).risks;
    const risk = risks(true).find((r) => r.title.startsWith("Mails and background jobs run on threads"));
    expect(risk).toMatchObject({ category: "operations", affects: ["redmine"] });
    expect(risk?.evidence).toEqual([`services.redmine.inProcessJobs: ${WHY}`]);
    expect(auditResultSchema.safeParse(auditOffline(inputFromYaml(inventory(true)))).success).toBe(true);
    expect(risks(false).some((r) => r.title.startsWith("Mails and background jobs"))).toBe(false);
  });
});

// Odoo's multi-processing server starts max_cron_threads cron workers beside its HTTP workers: the
// scheduled actions run inside the web process (detect/settings-data-dir.ts settingsCronWorkers).
describe("a web process that runs the app's scheduled jobs on cron workers of its own", () => {
  const CRON =
    "odoo.conf's [options] max_cron_threads = 1: its scheduled jobs run on cron workers inside this process, not from a crontab or a timer";
  const cron = inventory(false).replace("    dependsOn: [db]\n", `    dependsOn: [db]\n    inProcessJobs: "${CRON}"\n`);

  it("keeps CPU allocated and one instance up, with no Rails advice", () => {
    const result = designResultSchema.parse(designPhase.offline(designInputFromYaml(cron)));
    const api = result.deployment.services.find((t) => t.kind === "api")!;
    expect(api.cpuAlwaysAllocated).toBe(true);
    expect(api.minInstances).toBe(1);
    const row = result.mapping.find((m) => m.service === "redmine")!;
    expect(row.reason).toContain("the process runs the app's scheduled jobs on cron workers of its own");
    const change = row.appChanges.find((c) => c.includes("cron workers of its own"))!;
    expect(change).toContain("odoo.conf's [options] max_cron_threads = 1");
    expect(change).toMatch(/--no-cpu-throttling\) and min-instances 1/);
    expect(row.appChanges.some((c) => /Solid Queue|deliver_later/.test(c))).toBe(false);
  });

  it("business hours do not lower it to zero instances at night: the cron workers keep running", () => {
    const hours = (yaml: string) =>
      yaml.replace("service: tracker }", 'service: tracker, businessHours: "08:00-18:00 Europe/Paris" }');
    const warm = (yaml: string) =>
      (designPhase.offline(designInputFromYaml(hours(yaml))).deployment.schedules ?? []).filter(
        (j) => j.action === "set-min-instances",
      );
    expect(warm(cron)).toEqual([]);
    // Active Job's threads need CPU after a response, not an instance at night: the window stays.
    expect(warm(inventory(true)).length).toBe(2);
  });

  it("the audit names the cron workers, not mails on threads", () => {
    const risks = auditOffline(inputFromYaml(cron)).risks;
    expect(risks.some((r) => r.title.startsWith("Mails and background jobs"))).toBe(false);
    const risk = risks.find((r) => r.title.startsWith("Scheduled jobs run on cron workers inside the web process"));
    expect(risk?.evidence).toEqual([`services.redmine.inProcessJobs: ${CRON}`]);
    expect(auditResultSchema.safeParse(auditOffline(inputFromYaml(cron))).success).toBe(true);
  });
});
