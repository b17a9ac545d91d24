// A Rails 8 app whose Action Cable runs on Solid Cable (hand inventory rails-solid-queue: puma with
// websockets, CABLE_DATABASE_URL, PostgreSQL, no Redis). Solid Cable keeps each broadcast in the
// cable database that every server polls, so every instance's clients get every event; the design
// saw "no shared pub/sub", capped the service at one instance, deployed it without a canary and
// told the team to add Redis for a fan-out the app already has.
import { describe, expect, it } from "vitest";
import { designPhase } from "../../../src/phases/design/index.js";
import { designResultSchema, type DesignResult } from "../../../src/phases/design/schema.js";
import { designInputFromYaml } from "./design-input.js";

const inventory = (runtime: string, env: string) => `apiVersion: infra-migrate/v1
kind: Inventory
metadata: { name: ledgerly }
services:
  - { name: puma, role: web, software: puma, runtime: ${runtime}, framework: rails, command: "bundle exec puma -C config/puma.rb", listen: ["127.0.0.1:3000"], protocols: [http, websocket], dependsOn: [postgresql], env: [${env}] }
  - { name: postgresql, role: database, software: postgresql, version: "16", listen: ["127.0.0.1:5432"] }
data:
  - { service: postgresql, engine: postgresql, version: "16", sizeGiB: 12, backups: daily }
deploy: { method: ssh-systemctl }
traffic: { peakRps: 30, growth: 20 }
target: { project: ledgerly-prod, region: europe-west1, service: ledgerly-web }
`;
const design = (yaml: string): DesignResult => designResultSchema.parse(designPhase.offline(designInputFromYaml(yaml)));
const web = (r: DesignResult) => r.deployment.services.find((t) => t.replaces.includes("puma"))!;

describe("a websocket fan-out through the app's database", () => {
  it("Solid Cable (CABLE_DATABASE_URL) on Cloud SQL is a shared bus: no one-instance cap, a canary", () => {
    const r = design(inventory("ruby", "DATABASE_URL, CABLE_DATABASE_URL, SECRET_KEY_BASE"));
    expect(web(r).maxInstances).toBeGreaterThan(1);
    expect(web(r).singleInstance).toBeUndefined();
    const m = r.mapping.find((x) => x.service === "puma")!;
    expect(m.reason).toContain(
      "Solid Cable keeps every broadcast in the cable database (CABLE_DATABASE_URL) on Cloud SQL, which every instance polls",
    );
    const changes = m.appChanges.join("\n");
    expect(changes).toContain("Keep Action Cable on Solid Cable");
    expect(changes).not.toContain("Before raising max instances above 1");
    expect(r.decisions.find((x) => x.title.startsWith("Serve websockets"))!.decision).toContain(
      "Events reach every instance through Solid Cable",
    );
  });

  it("without it, or outside a Rails app, the service stays at one instance", () => {
    for (const r of [
      design(inventory("ruby", "DATABASE_URL, SECRET_KEY_BASE")),
      design(inventory("node", "DATABASE_URL, CABLE_DATABASE_URL")),
    ]) {
      expect(web(r).maxInstances).toBe(1);
      expect(web(r).singleInstance).toBe(true);
    }
  });
});
