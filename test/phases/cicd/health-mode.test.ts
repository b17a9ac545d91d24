// The deploy step follows the design's probe: an API with a health route gets HTTP startup and
// liveness probes and a canary that wants a 2xx from it; one without (probe tcp) gets a TCP
// startup probe and a canary that only asks the app to answer below 500.
import { describe, expect, it } from "vitest";
import { deployFlags, deployScript } from "../../../src/phases/cicd/deploy-flags.js";
import type { CicdResult } from "../../../src/phases/cicd/schema.js";
import { seedDeployment } from "./fixtures.js";

const result = {
  canarySteps: [10, 50, 100],
  bakeSeconds: 60,
  healthCheck: { retries: 5, timeoutSeconds: 5, intervalSeconds: 5 },
} as unknown as CicdResult;

describe("health checks follow the design's probe", () => {
  const deployment = seedDeployment();
  const api = deployment.services.find((s) => s.kind === "api")!;

  it("http: probes on the route, and the canary checks it in route mode", () => {
    const t = { ...api, probe: "http" as const, healthPath: "/health" };
    const flags = deployFlags(t, deployment);
    expect(flags.find((f) => f.startsWith("--startup-probe="))).toContain("httpGet.path=/health");
    expect(flags.some((f) => f.startsWith("--liveness-probe="))).toBe(true);
    const script = deployScript(t, deployment, result);
    expect(script).toContain("--health-path /health --steps");
    expect(script).not.toContain("--health-mode");
  });

  it("tcp: a TCP startup probe, no liveness GET, and the canary in reachable mode", () => {
    const t = { ...api, probe: "tcp" as const, healthPath: "/", vpcEgress: undefined };
    const flags = deployFlags(t, deployment);
    expect(flags.filter((f) => /probe=/.test(f))).toEqual([
      `--startup-probe=tcpSocket.port=${t.port},periodSeconds=5,timeoutSeconds=3,failureThreshold=24`,
    ]);
    expect(deployScript(t, deployment, result)).toContain("--health-path / --health-mode reachable --steps");
  });

  it("on the VPC (Direct VPC egress), the startup probe waits the longest Cloud Run allows: 48 × 5 s = 240 s", () => {
    // A new instance's VPC connections may take a minute or more (Cloud Run's Direct VPC limitations).
    for (const probe of ["http", "tcp"] as const) {
      const onVpc = deployFlags({ ...api, probe, vpcEgress: "private-ranges-only" }, deployment);
      const off = deployFlags({ ...api, probe, vpcEgress: undefined }, deployment);
      expect(onVpc.find((f) => f.startsWith("--startup-probe="))).toMatch(/periodSeconds=5,.*failureThreshold=48$/);
      expect(off.find((f) => f.startsWith("--startup-probe="))).toMatch(/periodSeconds=5,.*failureThreshold=24$/);
    }
  });
});
