// Evidence honesty: what the inventory does not say is never cited as evidence. Defaults and the
// rules' stand-ins are listed as assumptions, and a risk triggered by one says so.
import { describe, expect, it } from "vitest";
import { auditOffline } from "../../../src/phases/audit/offline.js";
import { renderAudit } from "../../../src/phases/audit/render.js";
import { auditResultSchema, type AuditResult } from "../../../src/contracts/audit-result.js";
import { inputFromYaml } from "../../helpers/phase-input.js";

const inventory = (extra: string) => `
apiVersion: infra-migrate/v1
kind: Inventory
metadata: { name: quiet }
services:
  - { name: api, role: web, software: gunicorn, listen: ["127.0.0.1:8000"], dependsOn: [db] }
  - { name: db, role: database, software: postgres, listen: ["127.0.0.1:5432"] }
${extra}`;

describe("an inventory that says nothing about deploys, backups or growth", () => {
  const input = inputFromYaml(inventory("data: [{ service: db, engine: postgres }]\n"));
  const result = auditOffline(input);
  const risk = (category: string) => result.risks.find((r) => r.category === category)!;
  const everyEvidence = result.risks.flatMap((r) => r.evidence).join("\n");

  it("marks the defaults as assumed in the loaded inventory", () => {
    expect(input.inventory.provenance).toMatchObject({
      "deploy.rollback": { from: "assumed" },
      "data[db].backups": { from: "assumed" },
      "traffic.growth": { from: "assumed" },
    });
  });

  it("cites none of them as evidence", () => {
    expect(auditResultSchema.safeParse(result).success).toBe(true);
    expect(everyEvidence).not.toMatch(
      /deploy\.rollback|deploy\.durationMinutes|deploy\.perWeek|backups|traffic\.growth|deploy\.downtime/,
    );
  });

  it("lists them as assumptions of the risks that rest on them, which say so", () => {
    expect(risk("data-protection").title).toBe(
      "Database backups unknown: without them, a disk failure loses the data for good (assumed: not in your inventory)",
    );
    expect(risk("data-protection").assumptions).toEqual([
      "data[0].backups: none (unknown) (not in your inventory)",
      "data[0].sizeGiB: 10 (not in your inventory)",
    ]);
    expect(risk("data-protection").likelihood).toBe("possible");
    expect(risk("rollback").title).toMatch(/\(assumed: not in your inventory\)$/);
    expect(risk("rollback").assumptions).toEqual([
      "deploy.rollback: none",
      "deploy.method: ssh-systemctl",
      "deploy.durationMinutes: 30 (not in your inventory)",
    ]);
    expect(risk("deployment").title).toBe(
      "Manual ssh-systemctl deploys (30 min each) (assumed: not in your inventory)",
    );
    expect(risk("scalability").assumptions).toEqual(["traffic.growth: 10"]);
  });

  it("renders the assumptions under their own heading, never under the evidence", async () => {
    const report = (await renderAudit(result, { ...input, options: { top: 10 } }))[0]!.content;
    const section = report.slice(report.indexOf("Database backups unknown"));
    expect(section).toMatch(
      /\*\*Evidence from the inventory:\*\*\n {2}- `data\[0\]: postgres \? GiB`\n- \*\*Assumed \(not in your inventory\):\*\*\n {2}- `data\[0\]\.backups: none \(unknown\) \(not in your inventory\)`/,
    );
    expect(report).toMatch(/\*\*Evidence from the inventory:\*\* none: this finding rests on the assumptions below/);
  });
});

describe("the same inventory with the values given", () => {
  it("cites them as evidence, and 'no backups' is stated, not assumed", () => {
    const input = inputFromYaml(
      inventory(
        "data: [{ service: db, engine: postgres, sizeGiB: 5, backups: none }]\ndeploy: { method: ssh-script, rollback: none, durationMinutes: 20, perWeek: 2, downtime: true }\ntraffic: { growth: 3 }\n",
      ),
    );
    const result = auditOffline(input);
    const data = result.risks.find((r) => r.category === "data-protection")!;
    expect(data.title).toBe("No database backups: a disk failure loses the data for good");
    expect(data.assumptions).toBeUndefined();
    const rollback = result.risks.find((r) => r.category === "rollback")!;
    expect(rollback.evidence).toEqual([
      "deploy.rollback: none",
      "deploy.method: ssh-script",
      "deploy.durationMinutes: 20",
    ]);
  });
});

describe("a model's answer that cites a default as evidence", () => {
  it("has the line moved to the risk's assumptions in the report and risks.json", async () => {
    const input = inputFromYaml(inventory(""));
    const answer: AuditResult = {
      summary: "One machine runs everything and deploys have no way back; that is the first thing to fix.",
      growthTarget: 10,
      strengths: [],
      risks: [
        {
          id: "R1",
          title: "No rollback for bad releases",
          category: "rollback",
          severity: "critical",
          likelihood: "likely",
          mttrMinutes: { min: 30, max: 180 },
          businessImpact: "A bad release stays live until someone writes and deploys a fix by hand.",
          evidence: ["deploy.rollback: none", "services[api].listen: 127.0.0.1:8000"],
          assumptions: [],
          mitigation: "Revision-based rollback on Cloud Run, automatic on failed health checks.",
          affects: ["api"],
          score: 80,
        },
      ],
    };
    const files = await renderAudit(answer, input);
    const risks = JSON.parse(files.find((f) => f.path.endsWith("risks.json"))!.content).risks;
    expect(risks[0].evidence).toEqual(["services[api].listen: 127.0.0.1:8000"]);
    expect(risks[0].assumptions).toEqual(["deploy.rollback: none"]);
  });
});
