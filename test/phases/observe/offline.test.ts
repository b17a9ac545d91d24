// The observe phase's offline rules on the real audit → design chain: every target gets the SLOs
// its kind calls for, numbers follow the inventory, every SLO is tied to audit risks, and the
// error-budget policy speaks to the team that has to follow it.
import { readFileSync } from "node:fs";
import { describe, expect, it } from "vitest";
import { buildObserveContext } from "../../../src/phases/observe/context.js";
import { maxGapMinutes } from "../../../src/phases/observe/cron-gap.js";
import { sloId } from "../../../src/phases/observe/names.js";
import { offlineObserve } from "../../../src/phases/observe/offline.js";
import { resultProblems } from "../../../src/phases/observe/result-check.js";
import { observeResultSchema } from "../../../src/phases/observe/schema.js";
import { fitProse } from "../../../src/model/fit-prose.js";
import { chainFile, chainYaml, EXAMPLE } from "../../helpers/chain.js";

const EXAMPLES = ["seed-vm", "django-postgres", "flask-rabbitmq", "api-only"];
const seedYaml = readFileSync(EXAMPLE("seed-vm"), "utf8");

describe("offlineObserve on the examples", () => {
  it.each(EXAMPLES)("%s: schema-valid, fits the design, one SLO set per target kind", (name) => {
    const { input, design } = chainFile(EXAMPLE(name));
    const result = observeResultSchema.parse(offlineObserve(input));
    expect(resultProblems(buildObserveContext(input), result)).toEqual([]);
    for (const target of design.deployment.services) {
      const kinds = result.slos.filter((s) => s.service === target.name).map((s) => s.kind);
      const queues = design.deployment.queues.filter((q) => q.target === target.name);
      if (target.kind === "api") expect(kinds, target.name).toEqual(["availability", "latency"]);
      if (target.kind === "worker") {
        expect(
          kinds.filter((k) => k === "task-delay"),
          target.name,
        ).toHaveLength(queues.length);
        expect(kinds, target.name).toContain("task-success");
      }
      if (target.kind === "job") expect(kinds).toEqual([]);
    }
    const risks = new Set(
      input.upstream.audit ? (input.upstream.audit as { risks: { id: string }[] }).risks.map((r) => r.id) : [],
    );
    for (const slo of result.slos) {
      expect(slo.watchesRisks.length, slo.id).toBeGreaterThan(0);
      slo.watchesRisks.forEach((id) => expect(risks.has(id), `${slo.id} → ${id}`).toBe(true));
    }
    expect(!!result.database).toBe(!!design.deployment.database);
    expect(result.queues.map((q) => q.queue)).toEqual(design.deployment.queues.map((q) => q.name));
  });

  it("the AI worker's success is counted from its log lines, its delay on its queue", () => {
    const { input } = chainFile(EXAMPLE("seed-vm"));
    const ai = offlineObserve(input).slos.filter((s) => s.service === "web-app-prod-ai-worker");
    expect(ai.map((s) => [s.kind, s.queue])).toEqual([
      ["task-success", undefined],
      ["task-delay", "web-app-prod-ai-tasks"],
    ]);
    // latencySeconds [5, 15]: a waiting user gets the result's start within 30 s
    expect(ai[1]!.thresholdMs).toBe(30_000);
  });
});

describe("numbers that move with the inventory", () => {
  const api = (yaml: string) => {
    const { input } = chainYaml(yaml);
    const slos = offlineObserve(input).slos;
    return {
      availability: slos.find((s) => s.kind === "availability")!.target,
      latency: slos.find((s) => s.kind === "latency")!,
      delay: slos.find((s) => s.kind === "task-delay" && s.queue?.endsWith("-ai-tasks"))?.thresholdMs,
    };
  };

  it.each([
    ["the seed (2 engineers, 40 req/s peak)", seedYaml, 0.999, 0.99, 2000],
    ["one engineer", seedYaml.replace("engineers: 2", "engineers: 1"), 0.995, 0.99, 2000],
    [
      "a busy app (300 req/s peak)",
      seedYaml.replace("peakRps: 40", "peakRps: 300").replace("averageRps: 8", "averageRps: 60"),
      0.999,
      0.99,
      1000,
    ],
    [
      "a quiet app with no business hours (scales to zero)",
      seedYaml
        .replace("peakRps: 40", "peakRps: 2")
        .replace("averageRps: 8", "averageRps: 0.5")
        .replace(/ {2}businessHours: .*\n/, ""),
      0.999,
      0.95,
      1000,
    ],
  ])("%s", (_, yaml, availability, latencyTarget, thresholdMs) => {
    const r = api(yaml);
    expect(r.availability).toBe(availability);
    expect([r.latency.target, r.latency.thresholdMs]).toEqual([latencyTarget, thresholdMs]);
  });

  it("slow model calls move the AI queue's delay objective", () => {
    expect(api(seedYaml).delay).toBe(30_000);
    expect(api(seedYaml.replace("latencySeconds: [5, 15]", "latencySeconds: [20, 60]")).delay).toBe(120_000);
  });
});

describe("error-budget policy", () => {
  const policy = (yaml: string) => offlineObserve(chainYaml(yaml).input).errorBudgetPolicy;

  it("the seed: a rotation of two, business hours, the cost of waiting overnight", () => {
    const p = policy(seedYaml);
    expect(p.fastBurn).toMatch(/rotate weekly between the 2 of you/);
    expect(p.fastBurn).toMatch(/--to-revisions PREVIOUS_REVISION=100/);
    expect(p.outsideBusinessHours).toMatch(
      /Outside 08:00-20:00 America\/Sao_Paulo .* 12-hour night it would spend 26% of the budget/,
    );
    expect(p.slowBurn).toMatch(/Left overnight \(12 hours outside business hours\) it costs at most 11%/);
  });

  it("one engineer without business hours: no rotation, no pretending to be on call", () => {
    const p = policy(seedYaml.replace("engineers: 2", "engineers: 1").replace(/ {2}businessHours: .*\n/, ""));
    expect(p.fastBurn).toMatch(/^A fast burn .* You \(the only engineer\)/);
    expect(p.exhausted).toMatch(/You lift the freeze yourself/);
    expect(p.outsideBusinessHours).toMatch(/no business hours.* One person cannot answer pages around the clock/);
    expect(p.slowBurn).not.toMatch(/overnight/);
  });

  it("a team of six runs an on-call rotation", () => {
    const p = policy(seedYaml.replace("engineers: 2", "engineers: 6").replace(/ {2}businessHours: .*\n/, ""));
    expect(p.fastBurn).toMatch(/on-call engineer \(a weekly rotation of 6\)/);
    expect(p.outsideBusinessHours).toMatch(/weekly on-call rotation/);
  });
});

describe("sloId", () => {
  it("keeps ids within 63 characters: the longest Cloud Run name fits, anything longer gets a stable hash", () => {
    const longest = "a".repeat(40) + "-" + "b".repeat(8); // 49, the Cloud Run limit
    expect(sloId(longest, "availability")).toBe(`${longest}-availability`);
    const over = "c".repeat(70);
    const ids = ["availability", "latency"].map((suffix) => sloId(over, suffix));
    ids.forEach((id) => expect(id.length).toBeLessThanOrEqual(63));
    expect(ids[0]).toMatch(/^c+-[0-9a-f]{6}-availability$/);
    expect(new Set(ids).size).toBe(2);
    expect(sloId(over, "availability")).toBe(ids[0]);
  });
});

describe("maxGapMinutes", () => {
  it.each([
    ["*/5 * * * *", 5],
    ["0 * * * *", 60],
    ["30 3 * * *", 1440],
    ["0 8,20 * * *", 720],
    ["0 9 * * 1-5", 3 * 1440],
    ["0 9 * * 1-7", 1440],
    ["0 0 * * 0", 7 * 1440],
    ["0 0 1 * *", undefined],
    ["0 0 * 6 *", undefined],
    ["bad", undefined],
  ])("%s → %s", (cron, gap) => {
    expect(maxGapMinutes(cron)).toBe(gap);
  });
});

describe("offlineObserve on a large inventory", () => {
  it("200 services: every SLO and queue alert fits the schema (the enforcer's ceilings hold any design)", async () => {
    // @ts-expect-error plain JS shared with the benchmarks
    const { generateInventory } = (await import("../../../bench/gen-inventory.mjs")) as {
      generateInventory: (n: number) => string;
    };
    // Celery rewritten to push: every worker then has a queue, the most SLOs and alerts a design can ask for.
    const { input, design } = chainYaml(generateInventory(200), { celery: "push" });
    // As the offline provider takes it: prose trimmed to its limits, everything else checked.
    const fitted = fitProse(observeResultSchema, offlineObserve(input));
    expect(fitted.error?.issues ?? []).toEqual([]);
    const result = fitted.data!;
    expect(result.slos.length).toBeGreaterThan(60);
    expect(result.queues).toHaveLength(design.deployment.queues.length);
    expect(resultProblems(buildObserveContext(input), result)).toEqual([]);
  });
});

// An inventory may say model calls take up to an hour; a Cloud Tasks task gets 30 minutes at most,
// so the AI alerts are sized from 15 minutes (found by mutating corpus inventories: the delay SLO's
// threshold and the latency alert went past what the result's schema allows).
describe("model calls slower than a task may run", () => {
  it.each([
    [[1, 60], 120, 120],
    [[1, 900], 1800, 1800],
    [[1, 3600], 1800, 1800],
  ])("llm.latencySeconds %j: latency alert %i s, task delay SLO %i s", (latency, alertSeconds, delaySeconds) => {
    const yaml = seedYaml.replace(/latencySeconds: \[[^\]]*\]/, `latencySeconds: ${JSON.stringify(latency)}`);
    expect(yaml).toContain(`latencySeconds: ${JSON.stringify(latency)}`);
    const { input } = chainYaml(yaml);
    const result = observeResultSchema.parse(offlineObserve(input));
    expect(result.aiWorker!.modelLatencySeconds).toBe(alertSeconds);
    const delay = result.slos.find((s) => s.kind === "task-delay" && /ai-worker/.test(s.service))!;
    expect(delay.thresholdMs).toBe(delaySeconds * 1000);
  });
});

// The inventory allows a million model calls a minute; 2% of an hour's calls is then 1.2 million,
// past the failed-task alert's schema limit (found by mutating corpus inventories).
describe("the AI worker's failed-task alert across the call rates the inventory allows", () => {
  it.each([
    [undefined, 12],
    [1, 3],
    [600, 720],
    [8_333, 10_000],
    [1_000_000, 10_000],
  ])("llm.requestsPerMinute %s: more than %i failures an hour", (perMinute, failures) => {
    const yaml =
      perMinute === undefined
        ? seedYaml
        : seedYaml.replace("\n  provider: vertex-ai", `\n  provider: vertex-ai\n  requestsPerMinute: ${perMinute}`);
    const { input } = chainYaml(yaml);
    expect(input.inventory.llm?.requestsPerMinute).toBe(perMinute);
    expect(observeResultSchema.parse(offlineObserve(input)).aiWorker!.failuresPerHour).toBe(failures);
  });
});
