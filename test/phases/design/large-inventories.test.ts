// Sizes at the edge of what the inventory allows still give a design its own schema accepts
// (found by mutating corpus inventories, bench/mutate-corpus.mjs): a database larger than Cloud
// SQL's largest disk, a cache larger than Memorystore's largest instance, and a VM with more
// unplaceable cron schedules than the design's 20 assumptions.
import { readFileSync } from "node:fs";
import path from "node:path";
import { describe, expect, it } from "vitest";
import { loadPriceBook } from "../../../src/contracts/gcp-prices.js";
import { estimateCost } from "../../../src/phases/design/cost/estimate.js";
import { designResultSchema } from "../../../src/phases/design/schema.js";
import { chainYaml } from "../../helpers/chain.js";
import { ROOT } from "../../helpers/phase-input.js";

const seed = readFileSync(path.join(ROOT, "examples/seed-vm/inventory.yaml"), "utf8");
const problems = (yaml: string) => {
  const { design } = chainYaml(yaml);
  const parsed = designResultSchema.safeParse(design);
  return { design, issues: parsed.success ? [] : parsed.error.issues.map((i) => `${i.path.join(".")}: ${i.message}`) };
};
const withDataGiB = (gib: number) => seed.replace(/sizeGiB: \d+/, `sizeGiB: ${gib}`);

describe("a database at Cloud SQL's disk limit (64 TiB)", () => {
  it.each([
    [1000, 2000, undefined],
    [40_000, 65_536, /Cloud SQL's largest disk, 64 TiB, instead of 80000 GiB/],
    [1_000_000, 65_536, /The data \(1000000 GiB\) is larger than Cloud SQL's largest disk \(64 TiB\)/],
  ])("%s GiB of data → a %s GiB disk", (gib, disk, says) => {
    expect(seed).toMatch(/sizeGiB: \d+/);
    const { design, issues } = problems(withDataGiB(gib));
    expect(issues).toEqual([]);
    expect(design.deployment.database!.storageGiB).toBe(disk);
    const text = design.assumptions.join("\n");
    if (says) expect(text).toMatch(says);
    else expect(text).not.toMatch(/largest disk/);
  });
});

describe("a cache at Memorystore's limit (300 GiB)", () => {
  const withCacheGiB = (gib: number) =>
    seed.replace(/^data:\n/m, `data:\n  - { service: redis, engine: redis, sizeGiB: ${gib} }\n`);
  it.each([
    [0.2, 1, false],
    [120.5, 121, false],
    [300, 300, false],
    [301, 300, true],
    [1_000_000, 300, true],
  ])("%s GiB held → a %s GiB instance (a note to keep less: %s)", (gib, size, noted) => {
    const { design, issues } = problems(withCacheGiB(gib));
    expect(issues).toEqual([]);
    expect(design.deployment.caches!.map((c) => c.sizeGiB)).toEqual([size]);
    const redis = design.mapping.find((m) => m.service === "redis")!;
    expect(redis.settings.sizeGiB).toBe(size);
    const note = redis.appChanges.find((c) => c.includes("stops at 300 GiB"));
    expect(note === undefined ? false : note.includes(`holds ${Math.ceil(gib)} GiB`)).toBe(noted);
    const cost = estimateCost(chainYaml(withCacheGiB(gib)).input.inventory, design.deployment, loadPriceBook());
    const line = cost.scenarios[0]!.lines.find((l) => l.component === "memorystore redis")!;
    expect(line.formula).toMatch(new RegExp(`^${size} GiB × `));
  });
});

describe("more unplaceable schedules than the design's 20 assumptions", () => {
  it("folds the rest into the last one, naming each", () => {
    const crons = Array.from(
      { length: 25 },
      (_, i) =>
        `  - { name: boot-task-${i}, role: cron, software: bash, schedule: "@reboot", command: "bin/task-${i}" }\n`,
    ).join("");
    const { design, issues } = problems(seed.replace(/^services:\n/m, `services:\n${crons}`));
    expect(issues).toEqual([]);
    expect(design.assumptions).toHaveLength(20);
    const last = design.assumptions.at(-1)!;
    expect(last).toMatch(/^\d+ more of the kinds above, for: /);
    for (const i of [24, 20]) expect(design.assumptions.join("\n")).toContain(`boot-task-${i}`);
  });
});

// A VM with dozens of processes (microservices, one worker per queue, a cron per report): every
// list of names in the design's texts stays within its limit, and no two targets share a name.
describe("a VM with 30 web services, 30 Celery workers and 30 cron jobs, one of them with 300 secrets", () => {
  const many = (n: number) =>
    Array.from(
      { length: n },
      (_, i) =>
        `  - { name: boot-task-${i}, role: cron, software: bash, schedule: "*/5 * * * *", command: "bin/task-${i}" }\n` +
        `  - { name: web-app-number-${i}, role: web, software: gunicorn, command: "gunicorn app:app", listen: ["127.0.0.1:${9000 + i}"], dependsOn: [mysql, redis] }\n` +
        `  - { name: worker-number-${i}, role: worker, software: celery, command: "celery -A app worker", dependsOn: [mysql, redis] }\n`,
    ).join("");
  const secrets = Array.from({ length: 300 }, (_, i) => `SETTING_${i}_SECRET_KEY`).join(", ");
  const yaml = seed
    .replace(/^services:\n/m, `services:\n${many(30)}`)
    .replace(
      "dependsOn: [api]",
      `dependsOn: [api, ${Array.from({ length: 30 }, (_, i) => `web-app-number-${i}`).join(", ")}]`,
    )
    .replace(
      /env: \[DATABASE_URL, SECRET_KEY, REDIS_URL, GEMINI_API_KEY\]/,
      `env: [DATABASE_URL, REDIS_URL, ${secrets}]`,
    );

  it("gives a design its schema accepts, with unique target names", () => {
    expect(yaml).toContain("SETTING_299_SECRET_KEY");
    const { design, issues } = problems(yaml);
    expect(issues).toEqual([]);
    const names = design.deployment.services.map((s) => s.name);
    expect(names.filter((n, i) => names.indexOf(n) !== i)).toEqual([]);
    // The first Celery consumer is <base>-worker; the seed's own `worker` then gets the next free name.
    expect(names).toEqual(expect.arrayContaining(["web-app-prod-worker", "web-app-prod-worker-2"]));
    expect(design.decisions.map((d) => d.decision).join("\n")).toMatch(/and \d+ more/);
  });
});
