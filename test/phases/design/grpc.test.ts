// A gRPC service on Cloud Run: HTTP/2 end to end (Cloud Run downgrades other requests to HTTP/1,
// which gRPC cannot use), a port-only startup probe (HTTP probes need HTTP/1), and an HTTP/2
// backend service behind the load balancer. https://cloud.google.com/run/docs/triggering/grpc
import { readFileSync } from "node:fs";
import path from "node:path";
import { describe, expect, it } from "vitest";
import { offlineCicd } from "../../../src/phases/cicd/offline.js";
import { CICD_PATHS, renderCicd } from "../../../src/phases/cicd/render.js";
import { findShellcheck, shellcheck } from "../../../src/validate/shellcheck.js";
import { chainYaml } from "../../helpers/chain.js";
import { ROOT } from "../../helpers/phase-input.js";
import { designPhase } from "../../../src/phases/design/index.js";
import { designResultSchema } from "../../../src/phases/design/schema.js";
import { deployFlags } from "../../../src/phases/cicd/deploy-flags.js";
import { loadBalancerView } from "../../../src/phases/cicd/url-map-view.js";
import { designInputFromYaml } from "./design-input.js";

const design = (protocols: string) =>
  designResultSchema.parse(
    designPhase.offline(
      designInputFromYaml(`apiVersion: infra-migrate/v1
kind: Inventory
metadata: { name: linkr }
host: { hostname: vm, os: "Rocky Linux 9", cpus: 2 }
services:
  - { name: caddy, role: reverse-proxy, software: caddy, listen: ["0.0.0.0:443"], dependsOn: [linkr] }
  - { name: linkr, role: web, software: linkr, runtime: go, protocols: ${protocols}, command: "/usr/local/bin/linkr serve", listen: ["127.0.0.1:8080"], dependsOn: [db] }
  - { name: db, role: database, software: postgres, listen: ["127.0.0.1:5432"] }
data:
  - { service: db, engine: postgres, version: "16", sizeGiB: 5, backups: none }
deploy: { method: ssh-script }
target: { project: linkr-prod, region: us-central1, service: linkr }
`),
    ),
  );

describe("a service that speaks gRPC", () => {
  const result = design("[http, grpc]");
  const api = result.deployment.services.find((t) => t.kind === "api")!;

  it("runs with end-to-end HTTP/2 and a port-only startup probe", () => {
    expect(api.http2).toBe(true);
    expect(api.probe).toBe("tcp");
    const flags = deployFlags(api, result.deployment);
    expect(flags).toContain("--use-http2");
    expect(flags.find((f) => f.startsWith("--startup-probe="))).toMatch(/^--startup-probe=tcpSocket\.port=8080,/);
    expect(flags.some((f) => f.startsWith("--liveness-probe="))).toBe(false);
  });

  it("gets an HTTP/2 backend service behind the load balancer", () => {
    expect(loadBalancerView(result.deployment, 10)!.http2Backends).toEqual([api.name]);
  });

  it("tells the team what h2c asks of the app", () => {
    const entry = result.mapping.find((m) => m.service === "linkr")!;
    expect(entry.settings.http2).toBe(true);
    expect(entry.appChanges.join("\n")).toMatch(/h2c/);
    expect(entry.appChanges.join("\n")).toMatch(/grpc\.health\.v1/);
  });
});

describe("a plain HTTP service", () => {
  const result = design("[http]");
  const api = result.deployment.services.find((t) => t.kind === "api")!;

  it("keeps HTTP/1 and the load balancer's HTTP backend", () => {
    expect(api.http2).toBeUndefined();
    expect(deployFlags(api, result.deployment)).not.toContain("--use-http2");
    expect(loadBalancerView(result.deployment, 10)!.http2Backends).toEqual([]);
  });
});

describe("the load balancer script for a gRPC backend", () => {
  it("creates its backend service with --protocol=HTTP2 and passes shellcheck", async () => {
    const { input } = chainYaml(
      readFileSync(path.join(ROOT, "examples/api-only/inventory.yaml"), "utf8").replace(
        /(role: web[^\n]*\n(?:\s{4}[^\n]*\n)*?)/,
        "$1    protocols: [http, grpc]\n",
      ),
    );
    const script = renderCicd(offlineCicd(input), input).find((a) => a.path === CICD_PATHS.setupLoadBalancer)!.content;
    expect(script).toMatch(/^HTTP2_BACKENDS=\( \S+ \)$/m);
    expect(script).toContain('--load-balancing-scheme=EXTERNAL_MANAGED --protocol="$protocol"');
    if (await findShellcheck()) expect(await shellcheck(script)).toEqual([]);
  });
});
