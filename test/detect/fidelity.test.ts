// The real-app corpus (test/fixtures/real/<app>): for every app, init's detection, run as
// `init --from-host <app>/vm --from <app>/<from> --yes` does, must reproduce the app's truth.yaml
// (written from the app's own documentation): every process with its role, runtime, framework,
// port, protocols and schedule; the database engine; each use of Redis; the user-file folders;
// and nothing invented or listed twice. bench/fidelity.mjs prints the same comparison as a table.
import { readFileSync } from "node:fs";
import path from "node:path";
import { describe, expect, it } from "vitest";
import { detectRepo } from "../../src/detect/detect-repo.js";
import { buildInitPlan } from "../../src/init/init-plan.js";
import { withDetectedFacts } from "../../src/init/provenance.js";
import { resolveAnswers } from "../../src/init/resolve.js";
import { parseInventory } from "../../src/inventory/load.js";
// @ts-expect-error plain JS shared with the benchmark
import { inventoryTextFor, loadCorpus, scoreInventory } from "../../bench/fidelity-score.mjs";

const CORPUS = path.resolve(import.meta.dirname, "../fixtures/real");
const engine = { detectRepo, resolveAnswers, buildInitPlan, parseInventory, withDetectedFacts };
interface App {
  app: string;
  dir: string;
  truth: { services: { runtime?: string }[] };
}
const corpus: App[] = await loadCorpus(CORPUS);

// Both checks of an app start from init's inventory text for it (detection: most of this file's
// CPU), so each app is read once and the text shared; each check still asserts on all of it.
const texts = new Map<string, Promise<string>>();
function inventoryText(app: App): Promise<string> {
  let text = texts.get(app.app);
  if (!text) texts.set(app.app, (text = inventoryTextFor(engine, app) as Promise<string>));
  return text;
}

describe("the real-app corpus", () => {
  it("holds at least 10 apps on at least 5 runtimes, each with a README naming its source", () => {
    expect(corpus.length).toBeGreaterThanOrEqual(10);
    const runtimes = new Set(corpus.flatMap((a) => a.truth.services.map((s) => s.runtime)).filter(Boolean));
    expect(runtimes.size).toBeGreaterThanOrEqual(5);
    for (const { dir, app } of corpus) {
      const readme = readFileSync(path.join(dir, "README.md"), "utf8");
      expect(readme, app).toMatch(/^Source: https:\/\/github\.com\/[\w.-]+\/[\w.-]+/m);
    }
  });

  it.each(corpus.map((a) => ({ name: a.app, app: a })))(
    "$name: init reads it as its documentation says",
    async ({ app }) => {
      // As bench/fidelity-score.mjs's inventoryFor reads it back.
      const inventory = parseInventory(await inventoryText(app), "infra-migrate.inventory.yaml").inventory;
      const score = scoreInventory((app as any).truth, inventory);
      const problems = score.rows
        .filter((r: any) => r.verdict !== "found")
        .map((r: any) => `${r.verdict} ${r.item}${r.details.length ? `: ${r.details.join("; ")}` : ""}`);
      expect(problems).toEqual([]);
      expect(score.found).toBe(score.rows.length);
    },
  );
});

describe("test/fixtures/real/<app>/inventory.yaml", () => {
  // Other phases' tests run on these: they must be what init writes today.
  it.each(corpus.map((a) => ({ name: a.app, app: a })))(
    "$name: is current (regenerate: npm run build && node scripts/real-inventories.mjs)",
    async ({ app }) => {
      const committed = readFileSync(path.join(app.dir, "inventory.yaml"), "utf8");
      expect(committed).toBe(await inventoryText(app));
      expect(parseInventory(committed, "inventory.yaml").warnings).toEqual([]);
    },
  );
});

describe("the fidelity scorer", () => {
  const truth = {
    database: "postgres",
    services: [
      { name: "web", unit: "web.service", role: "web", runtime: "python", ports: [8000], protocols: ["http"] },
      { name: "redis", software: "redis", role: "broker", usedFor: ["broker", "cache"], invisible: ["cache"] },
    ],
    storage: [{ path: "/srv/media" }],
  };
  const service = (s: Record<string, unknown>) => ({ listen: [], dependsOn: [], env: [], ...s });

  it("counts a wrong field, a missed folder, a second copy of one process and a service nobody runs", () => {
    const score = scoreInventory(truth, {
      services: [
        service({
          name: "web",
          systemdUnit: "web.service",
          role: "other",
          software: "gunicorn",
          runtime: "python",
          listen: ["127.0.0.1:8000"],
          protocols: ["http"],
        }),
        service({ name: "redis", role: "broker", software: "redis", usedFor: ["broker"] }),
        service({ name: "redis-2", role: "cache", software: "redis" }),
        service({ name: "web-2", role: "web", software: "django" }),
      ],
      data: [{ service: "x", engine: "mysql" }],
    });
    expect(score).toMatchObject({ found: 1, wrong: 2, missed: 1, invented: 2 });
    expect(score.rows.find((r: any) => r.item === "web").details).toEqual(['role: "web" ≠ "other"']);
    expect(score.rows.find((r: any) => r.item === "database").details).toEqual(["engine: postgres ≠ mysql"]);
  });

  it("does not score the fields truth.yaml marks unseen, and still scores the others", () => {
    const ml = { name: "ml", software: "ml", role: "web", ports: [3003], protocols: ["http"], longRunning: true };
    const score = (unseen: string[], got: Record<string, unknown>) =>
      scoreInventory(
        { services: [{ ...ml, unseen }], storage: [] },
        { services: [service({ name: "ml", software: "ml", role: "other", longRunning: true, ...got })] },
      ).rows[0];
    expect(score(["role", "ports", "protocols"], {}).verdict).toBe("found");
    expect(score(["role"], {}).details).toEqual(["ports: [3003] ≠ []", 'protocols: ["http"] ≠ null']);
    expect(score(["role", "ports", "protocols"], { longRunning: false }).details).toEqual([
      "longRunning: true ≠ false",
    ]);
  });

  it("tells apart the processes one unit starts by what each runs (unit and runs together)", () => {
    const node = (queue: string) => ({
      name: queue,
      unit: "celery.service",
      runs: `--queues=${queue}`,
      role: "worker",
    });
    const found = (queues: string[]) =>
      queues.map((q, i) =>
        service({
          name: `celery-${i}`,
          systemdUnit: "celery.service",
          role: "worker",
          command: `celery worker --queues=${q}`,
        }),
      );
    const two = { database: "none", services: [node("a"), node("b")] };
    expect(scoreInventory(two, { services: found(["a", "b"]) })).toMatchObject({ found: 3, invented: 0, missed: 0 });
    // Both nodes read as the same queue: one is missed and the other copy invented.
    expect(scoreInventory(two, { services: found(["a", "a"]) })).toMatchObject({ found: 2, invented: 1, missed: 1 });
  });

  it("lets an invisible use be missed, but not a use the app does not have be claimed", () => {
    const redis = (usedFor: string[]) => ({
      services: [service({ name: "redis", role: "broker", software: "redis", usedFor })],
    });
    const verdict = (usedFor: string[]) =>
      scoreInventory({ ...truth, services: [truth.services[1]], storage: [] }, redis(usedFor)).rows[0].verdict;
    expect(verdict(["broker"])).toBe("found");
    expect(verdict(["broker", "cache"])).toBe("found");
    expect(verdict(["broker", "pubsub"])).toBe("wrong");
    expect(verdict(["cache"])).toBe("wrong");
  });
});
