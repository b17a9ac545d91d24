// How the API's instance is sized from what serves it on the VM: an event loop (Node) holds many
// requests in 512 MiB, a Python worker few; everything else (Puma, PHP, Java, Go) the middle.
// `bundle exec puma` once read as Bun (a Node runtime) and Rails got Node's sizing.
import { describe, expect, it } from "vitest";
import { webFlavour } from "../../../src/phases/design/rules/classify.js";
import { designPhase } from "../../../src/phases/design/index.js";
import { designResultSchema } from "../../../src/phases/design/schema.js";
import type { Service } from "../../../src/inventory/schema.js";
import { designInputFromYaml } from "./design-input.js";

const service = (software: string, command: string, runtime?: string) =>
  ({
    name: "web",
    role: "web",
    software,
    command,
    env: [],
    dependsOn: [],
    ...(runtime ? { runtime } : {}),
  }) as unknown as Service;

describe("webFlavour", () => {
  it.each([
    ["puma", "bundle exec puma -C config/puma.rb", undefined, "other"],
    ["puma", "/home/app/.rbenv/shims/bundle exec puma", "ruby", "other"],
    ["bun", "bun run server.ts", undefined, "node"],
    ["node", "node dist/server.js", undefined, "node"],
    ["app", "/srv/app/start", "node", "node"],
    ["nest", "nest start", undefined, "node"],
    ["uvicorn", "uvicorn app:app --workers 4", "python", "python-async"],
    ["gunicorn", "gunicorn app.wsgi", "python", "python-wsgi"],
    ["linkr", "/usr/local/bin/linkr serve", "go", "other"],
    ["honest-server", "/srv/honest/bin/run", "java", "other"],
  ] as const)("%s (%s, runtime %s) -> %s", (software, command, runtime, flavour) => {
    expect(webFlavour(service(software, command, runtime))).toBe(flavour);
  });
});

describe("a Rails app's API (Puma with websockets through ActionCable)", () => {
  const yaml = `apiVersion: infra-migrate/v1
kind: Inventory
metadata: { name: shop }
host: { hostname: vm, os: "Debian 12", cpus: 4 }
services:
  - { name: nginx, role: reverse-proxy, software: nginx, listen: ["0.0.0.0:443"], dependsOn: [puma] }
  - { name: puma, role: web, software: puma, runtime: ruby, framework: rails, protocols: [http, websocket], command: "bundle exec puma -C config/puma.rb", listen: ["127.0.0.1:3000"], dependsOn: [db] }
  - { name: db, role: database, software: postgres, listen: ["127.0.0.1:5432"] }
data:
  - { service: db, engine: postgres, version: "16", sizeGiB: 5, backups: daily }
deploy: { method: ssh-systemctl }
target: { project: shop-prod, region: europe-west1, service: shop }
`;
  it("is sized as a threaded server, not as Node's event loop", () => {
    const api = designResultSchema
      .parse(designPhase.offline(designInputFromYaml(yaml)))
      .deployment.services.find((t) => t.kind === "api")!;
    expect(api.memory).toBe("1Gi");
    expect(api.concurrency).toBe(250);
  });
});
