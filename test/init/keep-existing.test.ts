// A rerun writes the answers INTO the inventory that is there: keys the questions do not cover
// stay, keys they own and the answers dropped go, comments and untouched lines stay as written.
import { parseDocument, parse } from "yaml";
import { describe, expect, it } from "vitest";
import { keepExisting } from "../../src/init/keep-existing.js";
import { patchDocument } from "../../src/init/patch-yaml.js";

const OLD = `# mine: do not lose this
apiVersion: infra-migrate/v1
kind: Inventory
metadata: { name: shop, description: "our shop" }
host: { os: Ubuntu 22.04, diskGiB: 80, monthlyCostUsd: 120 }
services:
  - name: api # the app
    role: web
    software: gunicorn
    env: [DATABASE_URL]
    x-team: payments
  - name: old-worker
    role: worker
    software: celery
  - name: mysql
    role: database
    software: mysql
  - name: redis
    role: cache
    software: redis
data:
  - { service: mysql, engine: mysql, backups: daily }
  - { service: redis, engine: redis, usedFor: [cache] }
deploy: { method: ssh-systemctl, testCommand: make test }
target: { project: shop-prod, businessHours: "08:00-20:00 UTC" }
llm: { useCase: summaries, model: gemini-x }
provenance:
  services[old-worker]: { from: detected, file: Procfile, line: 2 }
  services[api]: { from: detected, file: Procfile, line: 1 }
`;

const NEXT = {
  apiVersion: "infra-migrate/v1",
  kind: "Inventory",
  metadata: { name: "shop" },
  services: [
    { name: "api", role: "web", software: "gunicorn", env: ["DATABASE_URL"] },
    { name: "mysql", role: "database", software: "mysql" },
    { name: "redis", role: "cache", software: "redis" },
  ],
  data: [{ service: "mysql", engine: "mysql", backups: "continuous" }],
  deploy: { method: "ssh-systemctl" },
  target: { project: "shop-prod-2" },
  provenance: { "data[mysql].backups": { from: "answered" } },
};

describe("keepExisting + patchDocument", () => {
  const text = patchDocument(parseDocument(OLD), keepExisting(parse(OLD), NEXT), OLD);
  const value = parse(text);

  it("keeps what the questions do not own, drops what the answers removed", () => {
    expect(value.metadata).toEqual({ name: "shop", description: "our shop" });
    expect(value.host).toEqual({ os: "Ubuntu 22.04", diskGiB: 80 }); // cost cleared, the rest kept
    expect(value.services.map((s: { name: string }) => s.name)).toEqual(["api", "mysql", "redis"]);
    expect(value.services[0]["x-team"]).toBe("payments");
    expect(value.data).toEqual([
      { service: "mysql", engine: "mysql", backups: "continuous" },
      { service: "redis", engine: "redis", usedFor: ["cache"] },
    ]);
    expect(value.deploy).toEqual({ method: "ssh-systemctl", testCommand: "make test" });
    expect(value.target).toEqual({ project: "shop-prod-2" }); // business hours cleared
    expect(value.llm).toBeUndefined(); // no use case any more: the whole section goes
    expect(value.provenance).toEqual({
      "services[api]": { from: "detected", file: "Procfile", line: 1 },
      "data[mysql].backups": { from: "answered" },
    });
  });

  it("keeps comments and the lines that did not change", () => {
    expect(text.startsWith("# mine: do not lose this\n")).toBe(true);
    expect(text).toContain("  - name: api # the app\n");
    expect(text).toContain('metadata: { name: shop, description: "our shop" }');
  });
});

describe("patchDocument on a list whose items share a key", () => {
  // nginx's routes all go to one service: matched by `service`, one node took every route's value.
  const ROUTES = `services:
  - name: nginx
    routes:
      - path: /
        service: web
      - path: /media/cachedfiles
        allowFrom: []
        service: web
      - path: /media/invoices
        allowFrom: []
        service: web
`;
  it.each([
    ["the same routes", parse(ROUTES)],
    [
      "one route fewer",
      {
        services: [
          {
            name: "nginx",
            routes: [
              { path: "/", service: "web" },
              { path: "/media/invoices", allowFrom: [], service: "web" },
            ],
          },
        ],
      },
    ],
  ])("writes each item once: %s", (_, next) => {
    const text = patchDocument(parseDocument(ROUTES), next as Record<string, unknown>, ROUTES);
    expect(parse(text)).toEqual(next);
  });
});
