// A Rails 8 app that runs Solid Queue inside Puma (SOLID_QUEUE_IN_PUMA: Rails 8's config/puma.rb
// loads the plugin when it is set), with no jobs process: the shape of rails-solid-queue without
// bin/jobs. The design made Puma a request-billed service that scales to zero, so its job workers,
// dispatcher and recurring tasks stalled between requests and stopped with the last instance.
import { describe, expect, it } from "vitest";
import { auditOffline } from "../../../src/phases/audit/offline.js";
import { designPhase } from "../../../src/phases/design/index.js";
import { designResultSchema } from "../../../src/phases/design/schema.js";
import { designInputFromYaml } from "./design-input.js";

const inventory = (jobs: string) => `apiVersion: infra-migrate/v1
kind: Inventory
metadata: { name: ledgerly }
services:
  - { name: puma, role: web, software: puma, runtime: ruby, framework: rails, command: "bundle exec puma -C config/puma.rb", listen: ["127.0.0.1:3000"], dependsOn: [postgresql], env: [DATABASE_URL, QUEUE_DATABASE_URL, SOLID_QUEUE_IN_PUMA, SECRET_KEY_BASE] }
${jobs}  - { name: postgresql, role: database, software: postgresql, version: "16", listen: ["127.0.0.1:5432"] }
data:
  - { service: postgresql, engine: postgresql, version: "16", sizeGiB: 12, backups: daily }
deploy: { method: ssh-systemctl }
target: { project: ledgerly-prod, region: europe-west1, service: ledgerly-web }
`;
const JOBS = `  - { name: jobs, role: worker, software: solid_queue, runtime: ruby, framework: solid_queue, command: bin/jobs, longRunning: true, dependsOn: [postgresql], env: [DATABASE_URL, QUEUE_DATABASE_URL] }\n`;

const design = (yaml: string) => designResultSchema.parse(designPhase.offline(designInputFromYaml(yaml)));

describe("Solid Queue inside Puma", () => {
  it("keeps Puma's CPU allocated and one instance up, and the audit names the risk", () => {
    const r = design(inventory(""));
    const web = r.deployment.services.find((t) => t.replaces.includes("puma"))!;
    expect(web.cpuAlwaysAllocated).toBe(true);
    expect(web.minInstances).toBe(1);
    expect(r.mapping.find((m) => m.service === "puma")!.appChanges.join("\n")).toContain(
      "No worker process of the inventory consumes the job queues on postgresql (postgresql), so puma runs those jobs itself",
    );
    const risk = auditOffline(designInputFromYaml(inventory(""))).risks.find((x) =>
      x.title.startsWith("Queued jobs run inside the web process"),
    )!;
    expect(risk.evidence).toContain("services.puma.env: SOLID_QUEUE_IN_PUMA (Puma runs Solid Queue on postgresql)");
  });

  it("a bin/jobs worker beside it takes the jobs: Puma goes back to CPU per request", () => {
    const r = design(inventory(JOBS));
    const web = r.deployment.services.find((t) => t.replaces.includes("puma"))!;
    expect(web.cpuAlwaysAllocated).toBeUndefined();
    expect(web.minInstances).toBe(0);
  });
});
