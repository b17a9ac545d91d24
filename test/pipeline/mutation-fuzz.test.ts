// The mutation fuzzer's fixed cases (bench/mutate-corpus.mjs runs hundreds of seeds; README
// "Benchmarks"): one seed per mutation kind that once broke the offline pipeline, run in process
// without the validators (~0.4 s a case). Each must end as `run` should: every phase's result fits
// its schema and its YAML and JSON files parse ("ok"), or a clear input error naming the file and
// the broken key ("rejected"). `said` pins what the seed does, so a change to the mutations that
// stops reaching the edge fails here rather than passing quietly.
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { runCase } from "../helpers/mutation-run.mjs";
import { SRC_ENGINE } from "../helpers/mutation-engine.js";
import { repoFor } from "../helpers/offline-output.js";
import { ROOT } from "../helpers/phase-input.js";

const dir = mkdtempSync(path.join(tmpdir(), "im-mutation-"));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

const real = (app: string) => `test/fixtures/real/${app}/inventory.yaml`;
const example = (name: string) => `examples/${name}/inventory.yaml`;

// [inventory, mutations, seed, what the seed does, verdict, what broke before the fix]
const CASES: [string, string[], number, RegExp, "ok" | "rejected", string][] = [
  [
    example("seed-vm"),
    ["extra-databases", "huge-data"],
    3,
    /redis-\d+ ; every size 250000 GiB/,
    "ok",
    "a cache past Memorystore's 300 GiB",
  ],
  [
    example("flask-rabbitmq"),
    ["llm-section"],
    1,
    /1000000 calls a minute/,
    "ok",
    "AI failed-task alert past its schema",
  ],
  [real("fastapi-celery"), ["llm-section"], 69, /latency 300-30000 s/, "ok", "observe latency past its schema"],
  [real("miniflux"), ["drop-service"], 7, /^dropped miniflux$/, "ok", "no Cloud Run service: the cicd README crashed"],
  [example("api-only"), ["re-role", "drop-service"], 95, /web -> broker ; dropped api/, "ok", "no app process at all"],
  [
    example("seed-vm"),
    ["extremes", "huge-traffic"],
    4,
    /limits ; peak 10000000 rps/,
    "ok",
    "audit MTTR past its schema",
  ],
  [
    example("django-postgres"),
    ["rename-service", "many-services"],
    75,
    /celery-worker to long-long-.* ; 40 services/,
    "ok",
    "duplicated run names",
  ],
  [
    real("taiga"),
    ["many-services", "many-secrets"],
    7,
    /40 services ; taiga-events: 300 env names/,
    "ok",
    "name lists past their limits",
  ],
  [example("django-postgres"), ["bad-listen"], 2, /listen = /, "rejected", "a broken listen address"],
  [real("netbox"), ["unknown-dependency"], 3, /dependsOn \+= no-such-service/, "rejected", "a dangling dependency"],
];

describe("mutated corpus inventories through the offline pipeline", () => {
  it.each(CASES)("%s %j seed %i", async (file, only, seed, said, verdict) => {
    const source = path.join(ROOT, file);
    const c = await runCase(SRC_ENGINE, { file: source, repo: repoFor(source), seed, only, dir });
    expect(c.mutations.map((m) => m.name)).toEqual(only);
    expect(c.mutations.map((m) => m.said).join(" ; ")).toMatch(said);
    expect({ verdict: c.verdict, error: c.error, details: c.details?.slice(0, 3) }).toMatchObject({ verdict });
  });
});
