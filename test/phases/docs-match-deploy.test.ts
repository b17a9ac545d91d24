// The docs say what is deployed: each promise a generated document makes is checked against the
// file that deploys it, for every example.
import { readdirSync } from "node:fs";
import path from "node:path";
import { describe, expect, it } from "vitest";
import { renderOffline } from "../helpers/offline-output.js";
import { ROOT } from "../helpers/phase-input.js";

const examples = readdirSync(path.join(ROOT, "examples"))
  .filter((e) => readdirSync(path.join(ROOT, "examples", e)).includes("inventory.yaml"))
  .sort();

describe.each(examples)("examples/%s: docs match what is deployed", (example) => {
  const output = renderOffline(path.join(ROOT, "examples", example, "inventory.yaml"));
  const file = async (p: string) => (await output).artifacts.find((a) => a.path === p)?.content ?? "";

  it("secrets: the decisions say `latest`, and the deploy mounts :latest", async () => {
    const workflow = await file(".github/workflows/deploy.yml");
    const decisions = await file("docs/migration/design/decisions.md");
    if (!workflow.includes("--set-secrets=")) return;
    expect(workflow).toMatch(/=[A-Z_]+:latest/);
    expect(decisions).toContain("version `latest`");
    expect(decisions).not.toMatch(/pinned to versions/);
  });

  it("probes: every probe the mapping names is configured on that service", async () => {
    const mapping = JSON.parse(await file("docs/migration/design/mapping.json"));
    const workflow = (await file(".github/workflows/deploy.yml")).replace(/ \\\n\s+/g, " ");
    for (const entry of mapping.mapping as Array<{ target: { name: string }; settings: Record<string, unknown> }>) {
      const step = workflow.slice(workflow.indexOf(`--service ${entry.target.name} `));
      const deploy = step.slice(0, step.indexOf("\n"));
      const startup = String(entry.settings.startupProbe ?? "");
      // "tcp:PORT": no health route, the port is probed; otherwise the route.
      if (startup.startsWith("tcp:")) expect(deploy).toContain(`--startup-probe=tcpSocket.port=${startup.slice(4)},`);
      else if (startup) expect(deploy).toContain(`--startup-probe=httpGet.path=${startup}`);
      if (entry.settings.livenessProbe)
        expect(deploy).toContain(`--liveness-probe=httpGet.path=${entry.settings.livenessProbe}`);
    }
  });

  it("point-in-time recovery: claimed by the architecture, switched on by setup-database.sh", async () => {
    const architecture = await file("docs/migration/design/architecture.md");
    const setup = await file("scripts/setup-database.sh");
    if (!/point-in-time recovery on/.test(architecture)) return;
    expect(setup).toMatch(/--enable-bin-log|--enable-point-in-time-recovery/);
    if (/MYSQL_/.test(setup)) expect(setup).toContain("--enable-bin-log");
  });

  it("the load balancer the design plans is in the cost estimate and has a setup script", async () => {
    const mapping = JSON.parse(await file("docs/migration/design/mapping.json"));
    const cost = await file("docs/migration/design/cost-estimate.md");
    if (!mapping.deployment.loadBalancer) return expect(await file("scripts/setup-load-balancer.sh")).toBe("");
    expect(cost).toContain("| `load balancer` | forwarding rules");
    expect(await file("scripts/setup-load-balancer.sh")).toContain(`LB=${mapping.deployment.loadBalancer.name}`);
  });
  it("risk counts: the report, the plan and risks.json give the same numbers", async () => {
    const risks = JSON.parse(await file("docs/migration/audit/risks.json")) as {
      risks: { id: string; severity: string }[];
      critical: string[];
    };
    const report = await file("docs/migration/audit/risk-report.md");
    const header = /\*\*Risks found:\*\* (\d+) \((\d+) of critical severity; the (\d+) most urgent ranked below\)/.exec(
      report,
    );
    expect(header, "the report's header").not.toBeNull();
    const [, total, critical, urgent] = header!.map(Number);
    expect(total).toBe(risks.risks.length);
    expect(critical).toBe(risks.risks.filter((r) => r.severity === "critical").length);
    expect(urgent).toBe(risks.critical.length);
    // The ranked table has one row per urgent risk, the ones risks.json names, in its order.
    const from = report.indexOf(`## The ${urgent} most urgent risks`);
    const table = report.slice(from, report.indexOf("\n## ", from + 1));
    const rows = [...table.matchAll(/^\| (R\d+) \|/gm)].map((m) => m[1]);
    expect(rows).toEqual(risks.critical);
    const plan = await file("docs/migration/README.md");
    expect(plan).toContain(`${total} risks stand between`);
  });
});
