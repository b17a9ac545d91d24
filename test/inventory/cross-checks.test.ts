import { describe, expect, it } from "vitest";
import { addressesOverlap, crossCheck } from "../../src/inventory/cross-checks.js";
import { inventorySchema, type Inventory } from "../../src/inventory/schema.js";

describe("addressesOverlap", () => {
  it.each([
    ["0.0.0.0:80", "127.0.0.1:80", true],
    ["*:80", "10.0.0.5:80", true],
    ["[::]:80", "127.0.0.1:80", true],
    ["127.0.0.1:80", "127.0.0.1:80", true],
    ["localhost:80", "127.0.0.1:80", true],
    ["127.0.0.1:80", "10.0.0.5:80", false],
    ["0.0.0.0:80", "0.0.0.0:443", false],
    ["[::1]:8000", "127.0.0.1:8000", false],
  ])("%s vs %s → %s", (a, b, expected) => {
    expect(addressesOverlap(a, b)).toBe(expected);
    expect(addressesOverlap(b, a)).toBe(expected);
  });
});

const inventory = (services: object[], data: object[] = []): Inventory =>
  inventorySchema.parse({ apiVersion: "infra-migrate/v1", kind: "Inventory", metadata: { name: "t" }, services, data });
const svc = (name: string, role: string, extra: object = {}) => ({ name, role, software: "x", ...extra });

describe("crossCheck", () => {
  it.each([
    {
      name: "clean",
      services: [svc("a", "web", { dependsOn: ["b"] }), svc("b", "database")],
      errors: [],
      warnings: [],
    },
    {
      name: "scheduler without schedule is fine (celery beat keeps it in code)",
      services: [svc("beat", "scheduler")],
      errors: [],
      warnings: [],
    },
    {
      name: "cron without schedule",
      services: [svc("c", "cron", { command: "bin/report" })],
      errors: ["services[0]: role `cron` needs a `schedule`"],
      warnings: [],
    },
    {
      name: "cron without command",
      services: [svc("c", "cron", { schedule: "@daily" })],
      errors: [],
      warnings: ["services[0]: cron job `c` has no `command`"],
    },
    {
      name: "schedule on a web service",
      services: [svc("w", "web", { schedule: "@daily" })],
      errors: [],
      warnings: ["services[0].schedule: `schedule` is ignored"],
    },
    {
      name: "unknown dependency with a suggestion",
      services: [svc("api", "web", { dependsOn: ["mysq"] }), svc("mysql", "database")],
      errors: ["services[0].dependsOn[0]: unknown service `mysq` (did you mean `mysql`?)"],
      warnings: [],
    },
    {
      name: "a proxy route to an unknown service",
      services: [
        svc("nginx", "reverse-proxy", {
          routes: [
            { path: "/", service: "web" },
            { path: "/ws", service: "strem" },
          ],
        }),
        svc("web", "web"),
        svc("stream", "web"),
      ],
      errors: ["services[0].routes[1].service: unknown service `strem` (did you mean `stream`?)"],
      warnings: [],
    },
    {
      name: "routes on a web service",
      services: [svc("web", "web", { routes: [{ path: "/", service: "web" }] })],
      errors: [],
      warnings: ["services[0].routes: `routes` is ignored for role `web`"],
    },
    {
      name: "three-service cycle reported once",
      services: [
        svc("a", "web", { dependsOn: ["b"] }),
        svc("b", "web", { dependsOn: ["c"] }),
        svc("c", "web", { dependsOn: ["a"] }),
      ],
      errors: ["services[2].dependsOn[0]: dependency cycle: a → b → c → a"],
      warnings: [],
    },
    {
      name: "same port on different loopback addresses is fine",
      services: [svc("a", "web", { listen: ["127.0.0.1:80"] }), svc("b", "web", { listen: ["10.0.0.5:80"] })],
      errors: [],
      warnings: [],
    },
    {
      name: "clash inside one service",
      services: [svc("a", "web", { listen: ["0.0.0.0:80", "127.0.0.1:80"] })],
      errors: ["services[0].listen[1]: `127.0.0.1:80` clashes with `0.0.0.0:80` of service `a`"],
      warnings: [],
    },
  ])("$name", ({ services, errors, warnings }) => {
    const result = crossCheck(inventory(services));
    const show = (list: { path: readonly PropertyKey[]; message: string }[]) =>
      list.map(
        (i) =>
          `${i.path
            .map((p) => (typeof p === "number" ? `[${p}]` : `.${String(p)}`))
            .join("")
            .slice(1)}: ${i.message}`,
      );
    expect(show(result.errors)).toHaveLength(errors.length);
    show(result.errors).forEach((line, i) => expect(line).toContain(errors[i]));
    expect(show(result.warnings)).toHaveLength(warnings.length);
    show(result.warnings).forEach((line, i) => expect(line).toContain(warnings[i]));
  });

  it("data stores: unknown service is an error, a non-data role a warning", () => {
    const result = crossCheck(
      inventory(
        [svc("redis", "broker"), svc("db", "database")],
        [
          { service: "redis", engine: "redis" },
          { service: "pg", engine: "postgres" },
        ],
      ),
    );
    expect(result.errors.map((e) => e.message)).toEqual(["unknown service `pg`"]);
    expect(result.warnings.map((e) => [e.path, e.message])).toEqual([
      [["data", 0, "service"], expect.stringContaining("role `broker`")],
    ]);
  });
});

describe("crossCheck: store links the settings imply", () => {
  it("warns, at the process's dependsOn, when its settings name a store it does not depend on", () => {
    const result = crossCheck(
      inventory([
        svc("mysql", "database", { software: "mysql" }),
        svc("cron", "cron", {
          schedule: "* * * * *",
          command: "php artisan schedule:run",
          env: ["DB_HOST", "DB_PASSWORD"],
        }),
      ]),
    );
    expect(result.errors).toEqual([]);
    expect(result.warnings).toEqual([
      {
        path: ["services", 1, "dependsOn"],
        message:
          "cron sets DB_HOST, DB_PASSWORD but its dependsOn does not name mysql: taken to use mysql (add `mysql` to its dependsOn to say so, or remove the settings it does not use)",
      },
    ]);
  });
});
