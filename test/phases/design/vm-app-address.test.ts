// An app process that calls another app process of the VM (a Next.js server rendering from its API
// at 127.0.0.1:4000) holds that address in a setting; on Cloud Run the API is a service of its own,
// so the mapping says to give that setting the service's URL, and never that it keeps the VM's
// value. With no name that says which setting, the change still names the address to replace; a
// process that calls no other app gets no such change.
import { describe, expect, it } from "vitest";
import { designPhase } from "../../../src/phases/design/index.js";
import { designResultSchema, type DesignResult } from "../../../src/phases/design/schema.js";
import { designInputFromYaml } from "./design-input.js";

const inventory = (webEnv: string, webDeps: string) => `apiVersion: infra-migrate/v1
kind: Inventory
metadata: { name: fleetly }
services:
  - { name: nginx, role: reverse-proxy, software: nginx, listen: ["0.0.0.0:443"], dependsOn: [web, api], routes: [{ path: /, service: web }, { path: /api/, service: api }] }
  - { name: web, role: web, software: next, runtime: node, command: "next start -p 3000", listen: ["127.0.0.1:3000"], dependsOn: ${webDeps}, env: ${webEnv} }
  - { name: api, role: web, software: fastify, runtime: node, command: node dist/server.js, listen: ["127.0.0.1:4000"], dependsOn: [db], env: [DATABASE_URL, JWT_SECRET] }
  - { name: db, role: database, software: postgresql, listen: ["127.0.0.1:5432"] }
data:
  - { service: db, engine: postgresql }
deploy: { method: ssh-pm2 }
target: { project: fleetly-prod, region: us-east4, service: fleetly }
`;

const design = (webEnv: string, webDeps = "[api]"): DesignResult =>
  designResultSchema.parse(designPhase.offline(designInputFromYaml(inventory(webEnv, webDeps))));
const changes = (r: DesignResult) => r.mapping.find((m) => m.service === "web")!.appChanges;

describe("an app process that calls another app process of the VM", () => {
  it("names the setting that holds the API's address and the service URL it takes", () => {
    const r = design("[API_INTERNAL_URL, NEXTAUTH_SECRET]");
    const api = r.deployment.services.find((t) => t.replaces.includes("api"))!.name;
    const all = changes(r);
    const change = all.find((c) =>
      c.startsWith("API_INTERNAL_URL names api: if it holds its address on the VM at 127.0.0.1:4000"),
    );
    expect(change).toContain(
      `set it before the first deploy to ${api}'s URL, https://${api}-PROJECT_NUMBER.us-east4.run.app`,
    );
    expect(change).toContain(`--region=us-east4 --project=fleetly-prod`);
    const carried = all.find((c) => c.includes("from the VM: the secrets setup copies each"));
    expect(carried).toContain("NEXTAUTH_SECRET");
    expect(carried).not.toContain("API_INTERNAL_URL");
    // setup-secrets.sh asks for it (deployment.repointed), saying which URL, and never copies the VM's.
    expect(r.deployment.repointed).toEqual([
      { name: "API_INTERNAL_URL", newValue: expect.stringContaining(`${api}'s URL, https://${api}-PROJECT_NUMBER`) },
    ]);
  });

  it("with no name that says which, still names the address to replace", () => {
    expect(changes(design("[NEXTAUTH_SECRET]"))).toContainEqual(
      expect.stringMatching(/^web calls api on the VM at 127\.0\.0\.1:4000; on Cloud Run api is the service /),
    );
  });

  it("calls no other app: nothing said", () => {
    expect(changes(design("[API_INTERNAL_URL]", "[]")).some((c) => c.includes("address on the VM"))).toBe(false);
  });
});

// The sentence under the services table names a service that keeps the app's own port (next start
// -p 3000) instead of claiming 8080 for every one.
describe("the services table's port sentence", () => {
  it("names each service that keeps its own port", async () => {
    const input = designInputFromYaml(inventory("[NEXTAUTH_SECRET]", "[api]"));
    const result = designResultSchema.parse(designPhase.offline(input));
    const web = result.deployment.services.find((t) => t.replaces.includes("web"))!;
    expect(web.port).toBe(3000);
    const md = (await designPhase.render(result, input)).find((a) => a.path.endsWith("architecture.md"))!.content;
    const api = result.deployment.services.find((t) => t.replaces.includes("api"))!;
    expect(md).toContain(
      `Every service listens on port 8080 (Cloud Run's \`PORT\`) except \`${web.name}\` on 3000, \`${api.name}\` on ${api.port} (`,
    );
  });
});
