import { describe, expect, it } from "vitest";
import { auditPhase } from "../../../src/phases/audit/index.js";
import { auditOffline } from "../../../src/phases/audit/offline.js";
import { formatMttr } from "../../../src/phases/audit/render.js";
import { validateMermaid } from "../../../src/validate/mermaid.js";
import { inputFromFile, inputFromYaml, SEED_INVENTORY } from "../../helpers/phase-input.js";

const hostile = (software: string, hostname: string) => `
apiVersion: infra-migrate/v1
kind: Inventory
metadata: { name: hostile }
host: { hostname: ${JSON.stringify(hostname)}, os: "Ubuntu \\"22.04\\" [LTS] %%{init}%%" }
services:
  - { name: end, role: reverse-proxy, software: ${JSON.stringify(software)}, listen: ["0.0.0.0:443"], dependsOn: [graph] }
  - { name: graph, role: web, software: "uvicorn; click graph call alert(1)", listen: ["127.0.0.1:8000"], dependsOn: [class] }
  - { name: class, role: database, software: "mysql", version: "8.0 --> injected" }
llm: { useCase: "x" }
`;

describe("audit render", () => {
  it("writes the three files, the report embedding the diagram", async () => {
    const input = inputFromFile(SEED_INVENTORY);
    const artifacts = await auditPhase.render(auditOffline(input), input);
    expect(artifacts.map((a) => a.path)).toEqual([
      "docs/migration/audit/risk-report.md",
      "docs/migration/audit/risks.json",
      "docs/migration/audit/current-architecture.mmd",
    ]);
    const [report, json, diagram] = artifacts.map((a) => a.content);
    expect(report).toContain("```mermaid\n" + diagram!.trimEnd() + "\n```");
    expect(report).toMatch(/\*\*Growth target:\*\* 10x today's traffic \(40 → 400 requests\/s at peak\)/);
    const parsed = JSON.parse(json!);
    expect(parsed).toMatchObject({
      kind: "RiskReport",
      inventory: "acme-mvp",
      top: 5,
      critical: ["R1", "R2", "R3", "R4", "R5"],
    });
    expect(await auditPhase.validate!(artifacts, input, { source: "model" })).toEqual([]);
  });

  it("draws users → proxy → api → data, the SSH deploy path, and marks SPOFs", async () => {
    const input = inputFromFile(SEED_INVENTORY);
    const diagram = (await auditPhase.render(auditOffline(input), input))[2]!.content;
    expect(diagram).toMatch(/users -->\|"HTTPS"\| svc_nginx\n/);
    expect(diagram).toMatch(/svc_api --> svc_mysql/);
    expect(diagram).toMatch(/engineer -\.->\|"ssh-systemctl#44; 45 min#44; no rollback"\| systemd/);
    expect(diagram).toMatch(/class .*svc_mysql.* spof/);
    expect(await validateMermaid(diagram)).toEqual([]);
  });

  it.each([
    ['quotes "and" [brackets]', "vm-01"],
    ["end", "subgraph"],
    ["nginx ünïcödé 🚀", "host\nwith newline"],
    ["`backticks` <b>html</b> #35; &amp;", "%%{init: {'theme':'dark'}}%%"],
  ])("a diagram with hostile names still parses (%s)", async (software, hostname) => {
    const input = inputFromYaml(hostile(software, hostname));
    const artifacts = await auditPhase.render(auditOffline(input), input);
    const diagram = artifacts[2]!.content;
    expect(await validateMermaid(diagram)).toEqual([]);
    expect(diagram).not.toContain("%%{init");
  });

  it("escapes table cells so a pipe in a title cannot break the table", async () => {
    const input = inputFromFile(SEED_INVENTORY);
    const result = auditOffline(input);
    result.risks[0]!.title = "A | B\nC";
    const report = (await auditPhase.render(result, input))[0]!.content;
    expect(report).toContain("| R1 | A \\| B C |");
  });

  it.each([
    [{ min: 45, max: 90 }, "45–90 min"],
    [{ min: 180, max: 840 }, "3–14 h"],
    [{ min: 60, max: 60 }, "60 min"],
    [{ min: 1440, max: 10080 }, "24–168 h"],
  ])("formats MTTR %j as %s", (range, text) => {
    expect(formatMttr(range)).toBe(text);
  });
});
