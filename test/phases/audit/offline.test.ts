import { describe, expect, it } from "vitest";
import { auditOffline, rankRisks, scoreRisk } from "../../../src/phases/audit/offline.js";
import { auditResultSchema } from "../../../src/contracts/audit-result.js";
import type { DraftRisk } from "../../../src/phases/audit/rules.js";
import { inputFromFile, inputFromYaml, SEED_INVENTORY } from "../../helpers/phase-input.js";

const minimal = (extra: string) => `
apiVersion: infra-migrate/v1
kind: Inventory
metadata: { name: tiny }
services:
  - { name: api, role: web, software: gunicorn, listen: ["127.0.0.1:8000"] }
${extra}`;

describe("audit offline rules on the seed VM", () => {
  const result = auditOffline(inputFromFile(SEED_INVENTORY));

  it("satisfies the result schema", () => {
    expect(auditResultSchema.safeParse(result).success).toBe(true);
  });

  it("ranks R1..Rn by score, descending", () => {
    expect(result.risks.map((r) => r.id)).toEqual(result.risks.map((_, i) => `R${i + 1}`));
    const scores = result.risks.map((r) => r.score);
    expect([...scores].sort((a, b) => b - a)).toEqual(scores);
  });

  it.each([
    ["single-point-of-failure", /One host runs all 5 services/],
    ["rollback", /No rollback/],
    ["deployment", /Manual ssh-systemctl deploys with downtime \(45 min each\)/],
    ["scalability", /10x the peak load/],
    ["coupling", /Model calls/],
  ])("puts the %s risk among the top 5", (category, title) => {
    const top = result.risks.slice(0, 5);
    expect(top.some((r) => r.category === category && title.test(r.title))).toBe(true);
  });

  it("rates manual-only backups of the database as critical", () => {
    const data = result.risks.find((r) => r.category === "data-protection")!;
    expect(data).toMatchObject({ severity: "critical", affects: ["mysql"] });
    expect(data.evidence).toEqual(["data[0]: mysql 8.0 20 GiB, backups: manual"]);
  });

  it("quotes inventory evidence", () => {
    const rollback = result.risks.find((r) => r.category === "rollback")!;
    expect(rollback.evidence).toContain("deploy.rollback: none");
    const scaling = result.risks.find((r) => r.category === "scalability")!;
    expect(scaling.evidence).toContain("traffic.peakRps: 40 → 400 at 10x");
  });

  it("flags LLM calls inside the API (the story's 5-15 s calls)", () => {
    const llm = result.risks.find((r) => /Model calls \(5–15 s\)/.test(r.title));
    expect(llm?.affects).toEqual(["api"]);
  });

  it("derives MTTR from data size and deploy duration", () => {
    const host = result.risks.find((r) => r.category === "single-point-of-failure" && r.affects.length === 5)!;
    expect(host.mttrMinutes).toEqual({ min: 120 + 60, max: 720 + 120 }); // 20 GiB × 3 min/GiB restore
    const rollback = result.risks.find((r) => r.category === "rollback")!;
    expect(rollback.mttrMinutes).toEqual({ min: 45, max: 45 * 4 + 60 });
  });

  it("is deterministic", () => {
    expect(auditOffline(inputFromFile(SEED_INVENTORY))).toEqual(result);
  });
});

describe("audit offline rules react to the inventory", () => {
  it.each([
    [
      "automatic rollback removes the rollback risk",
      "deploy: { method: containers, rollback: automatic, downtime: false }",
      (cats: string[]) => !cats.includes("rollback") && !cats.includes("deployment"),
    ],
    [
      "a database on 0.0.0.0 is a security risk",
      `  - { name: db, role: database, software: postgres, version: "15", listen: ["0.0.0.0:5432"] }`,
      (_cats: string[], titles: string[]) => titles.some((t) => /all interfaces/.test(t)),
    ],
    [
      "no backups is critical data protection",
      `  - { name: db, role: database, software: mysql, version: "8.0" }\ndata: [{ service: db, engine: mysql, backups: none }]`,
      (_c: string[], titles: string[]) => titles.some((t) => /No database backups/.test(t)),
    ],
    [
      "MySQL 5.7 is end of life",
      `  - { name: db, role: database, software: mysql, version: "5.7" }`,
      (_c: string[], titles: string[]) => titles.some((t) => /end of life/.test(t)),
    ],
    [
      "a cron job without monitoring",
      `  - { name: nightly, role: cron, software: bash, schedule: "0 3 * * *" }`,
      (cats: string[]) => cats.includes("operations") && cats.includes("observability"),
    ],
    [
      "prometheus removes the observability risk",
      `  - { name: prom, role: other, software: prometheus }`,
      (cats: string[]) => !cats.includes("observability"),
    ],
  ])("%s", (_name, extra, check) => {
    const yamlText = extra.startsWith("deploy") ? minimal(extra) : minimal("").replace(/\n$/, "\n") + extra + "\n";
    const result = auditOffline(inputFromYaml(yamlText));
    expect(auditResultSchema.safeParse(result).success).toBe(true);
    expect(
      check(
        result.risks.map((r) => r.category),
        result.risks.map((r) => r.title),
      ),
    ).toBe(true);
  });

  it("growth 1 with little traffic has no vertical-scaling risk", () => {
    const result = auditOffline(inputFromYaml(minimal("traffic: { peakRps: 5, growth: 1 }")));
    expect(result.risks.some((r) => r.category === "scalability")).toBe(false);
  });
});

describe("scoring", () => {
  it.each([
    [{ severity: "critical", likelihood: "almost-certain", growthSensitive: true }, 10, 100],
    [{ severity: "critical", likelihood: "almost-certain", growthSensitive: false }, 10, 90],
    [{ severity: "low", likelihood: "unlikely", growthSensitive: false }, 10, 6],
    [{ severity: "high", likelihood: "likely", growthSensitive: true }, 1, 51],
  ] as const)("%j at %dx → %d", (risk, growth, expected) => {
    expect(scoreRisk(risk, growth)).toBe(expected);
  });

  it("keeps rule order for equal scores", () => {
    const base: Omit<DraftRisk, "title"> = {
      category: "operations",
      severity: "high",
      likelihood: "likely",
      mttrMinutes: { min: 1, max: 2 },
      businessImpact: "x".repeat(20),
      evidence: ["abc"],
      mitigation: "y".repeat(20),
      affects: [],
      growthSensitive: false,
    };
    const ranked = rankRisks(
      [
        { ...base, title: "first risk" },
        { ...base, title: "second risk" },
      ],
      10,
    );
    expect(ranked.map((r) => [r.id, r.title])).toEqual([
      ["R1", "first risk"],
      ["R2", "second risk"],
    ]);
  });
});

describe("large inventories", () => {
  it("a 500-service VM still yields a schema-valid audit with readable evidence", async () => {
    // @ts-expect-error plain JS module without types
    const { generateInventory } = await import("../../../bench/gen-inventory.mjs");
    const result = auditOffline(inputFromYaml(generateInventory(500) as string));
    expect(auditResultSchema.safeParse(result).error?.issues ?? []).toEqual([]);
    const host = result.risks.find((r) => /One host runs all 500 services/.test(r.title))!;
    expect(host.evidence.join("\n")).toMatch(/and 492 more on the same host/);
    expect(host.affects).toHaveLength(50);
  });
});

// Restore time grows with the data; the largest database the inventory allows must still give a
// risk the result's schema accepts (found by mutating corpus inventories: 60,000 GiB failed).
describe("recovery times for very large data", () => {
  const db = "  - { name: db, role: database, software: postgres }\n";
  it.each([
    ["postgres, daily backups", db, "{ service: db, engine: postgres, sizeGiB: 1000000, backups: daily }"],
    ["postgres, manual backups", db, "{ service: db, engine: postgres, sizeGiB: 1000000, backups: manual }"],
    [
      "a SQLite file",
      "",
      "{ service: api, engine: sqlite, sizeGiB: 1000000, backups: daily, path: /srv/app/app.db, services: [api] }",
    ],
  ])("%s at 1,000,000 GiB", (_name, service, store) => {
    const result = auditOffline(
      inputFromYaml(`${minimal(`data:\n  - ${store}`)}`.replace("services:\n", `services:\n${service}`)),
    );
    const parsed = auditResultSchema.safeParse(result);
    expect(parsed.success ? [] : parsed.error.issues.map((i) => `${i.path.join(".")}: ${i.message}`)).toEqual([]);
    expect(Math.max(...result.risks.map((r) => r.mttrMinutes.max))).toBe(100_000);
  });
});
