// What the design does with the checks the VM's proxy made before a path (inventory routes[]
// guarded / allowFrom / guardedPatterns). A service reached only through such paths stays
// IAM-only, whatever the check was; a check on a path of a service that stays public cannot be
// kept by the load balancer, so the design names the path as an open question and in the proxy's
// mapping entry: never silently public.
import { readFileSync } from "node:fs";
import path from "node:path";
import { describe, expect, it } from "vitest";
import { chainYaml } from "../../helpers/chain.js";
import { ROOT } from "../../helpers/phase-input.js";
import { guardedReason } from "../../../src/phases/design/rules/proxy-routes.js";

const BASE = readFileSync(path.join(ROOT, "test/fixtures/real/fastapi-celery/inventory.yaml"), "utf8");
const ROUTES =
  "      - path: /\n        service: fastapi-web\n      - path: /flower/\n        rewrite: /\n        guarded: true\n        service: flower\n";
const withRoutes = (routes: string) => {
  expect(BASE).toContain(ROUTES);
  return chainYaml(BASE.replace(ROUTES, () => routes)).design;
};

describe("a service reached only through guarded paths stays IAM-only", () => {
  it.each([
    {
      name: "an address list",
      flower: "allowFrom: [10.0.0.0/8]",
      says: "the VM's proxy let in only 10.0.0.0/8 before /flower/",
    },
    { name: "a refusal", flower: "allowFrom: []", says: "the VM's proxy refused every client before /flower/" },
    {
      name: "a login and an address",
      flower: "guarded: true, allowFrom: [127.0.0.1]",
      says: "asked for a login (basic auth) and let in only 127.0.0.1 before /flower/",
    },
    {
      name: "long address lists and paths are cut to what the deployment holds",
      flower: `guarded: true, allowFrom: [${["10.0.0.0/8", "172.16.0.0/12", "192.168.0.0/16", "intranet-gateway.corp.example.org"].join(", ")}]`,
      path: "/flower/a-very-long-dashboard-path-for-the-queue-monitor/",
      says: "asked for a login (basic auth) and let in only 10.0.0.0/8, 172.16.0.0/12, 192.168.0.0/16… before /flower/a-very-long",
    },
    {
      name: "an address list on / (an internal tool): still private",
      flower: "allowFrom: [10.0.0.0/8]",
      path: "/",
      says: "let in only 10.0.0.0/8 before /",
    },
  ])("$name", ({ flower, says, path: p = "/flower/" }) => {
    const design = withRoutes(
      `      - { path: /, service: fastapi-web }\n      - { path: ${p}, service: flower, ${flower}${p === "/" ? ", hosts: [flower.example.org]" : ""} }\n`,
    );
    const target = design.deployment.services.find((s) => s.replaces.includes("flower"))!;
    expect(target.iamOnly).toContain(says);
    expect(design.deployment.loadBalancer!.backends).not.toContain(target.name);
    expect(design.unknowns ?? []).toEqual([]);
  });
});

describe("a guarded path of a service that stays public is named, not dropped", () => {
  it.each([
    {
      name: "a login on / (the whole site)",
      web: "{ path: /, service: fastapi-web, guarded: true }",
      question: "Who may reach every path of fastapi-web? The VM's proxy asked for a login (basic auth)",
      option: "Identity-Aware Proxy",
    },
    {
      name: "an admin path of the app behind a login (a narrower route)",
      web: "{ path: /, service: fastapi-web }\n      - { path: /admin, service: fastapi-web, guarded: true }",
      question: "Who may reach /admin of fastapi-web? The VM's proxy asked for a login (basic auth)",
      option: "Identity-Aware Proxy on a backend service for that path alone",
    },
    {
      name: "a guarded pattern no path rule holds",
      web: "{ path: /, service: fastapi-web, guardedPatterns: ['^/api/.+/export\\.csv$'] }",
      question: "Who may reach paths matching ^/api/.+/export\\.csv$ under / of fastapi-web?",
      option: "the app's own login",
    },
  ])("$name", ({ web, question, option }) => {
    const design = withRoutes(
      `      - ${web}\n      - { path: /flower/, rewrite: /, guarded: true, service: flower }\n`,
    );
    const web_ = design.deployment.services.find((s) => s.replaces.includes("fastapi-web"))!;
    expect(web_.iamOnly).toBeUndefined();
    expect(design.unknowns).toHaveLength(1);
    expect(design.unknowns![0]).toContain(question);
    expect(design.unknowns![0]).toContain(option);
    const proxy = design.mapping.find((m) => m.target.kind === "load-balancer")!;
    expect(proxy.appChanges.join(" ")).toContain("public as designed");
  });

  it("paths open only to some addresses are closed by enforced Cloud Armor rules, not asked about", () => {
    const design = withRoutes(
      `      - { path: /, service: fastapi-web }
      - { path: /admin, service: fastapi-web, allowFrom: [10.0.0.0/8, 192.168.1.7, intranet.example.org] }
      - { path: /metrics, exact: true, service: fastapi-web, allowFrom: [] }
      - { path: /flower/, rewrite: /, guarded: true, service: flower }
`,
    );
    expect(design.deployment.loadBalancer!.closedPaths).toEqual([
      { path: "/admin", exact: false, allowFrom: ["10.0.0.0/8", "192.168.1.7/32"] },
      { path: "/metrics", exact: true, allowFrom: [] },
    ]);
    expect(design.unknowns).toBeUndefined();
    const proxy = design.mapping.find((m) => m.target.kind === "load-balancer")!;
    expect(proxy.appChanges.join(" ")).toContain("Cloud Armor policy keeps them closed with enforced rules");
  });

  it("without guards the design asks nothing", () => {
    const design = withRoutes("      - { path: /, service: fastapi-web }\n");
    expect(design.unknowns).toBeUndefined();
    expect(design.mapping.find((m) => m.target.kind === "load-balancer")!.appChanges.join(" ")).not.toContain(
      "public as designed",
    );
  });
});

describe("guardedReason fits the deployment's 300 characters", () => {
  it("three long paths behind long address lists", () => {
    const long = (n: number) => `/tools/queue-monitor-dashboard-${n}-for-the-operations-team`;
    const routes = [1, 2, 3, 4].map((n) => ({
      path: long(n),
      service: "flower",
      guarded: true,
      allowFrom: ["intranet-gateway-a.corp.example.org", "intranet-gateway-b.corp.example.org", "10.0.0.0/8", "x"],
    }));
    const d = { topo: { proxies: [{ routes }] } } as unknown as Parameters<typeof guardedReason>[0];
    const reason = guardedReason(d, { name: "flower" } as Parameters<typeof guardedReason>[1])!;
    expect(reason.length).toBeLessThanOrEqual(300);
    expect(reason).toMatch(/^the VM's proxy asked for a login \(basic auth\) and let in only intranet-gateway-a/);
    expect(reason).toMatch(/only roles\/run\.invoker reaches it$/);
  });
});
