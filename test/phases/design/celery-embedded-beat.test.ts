// A Celery worker that also runs beat (`worker -B`, as Taiga's guide starts taiga-async) stays at
// one worker-pool instance, however busy the app, and says how to split beat off; with Celery
// rewritten to push, beat's periodic tasks must become Cloud Scheduler jobs or they stop.
import { readFileSync } from "node:fs";
import path from "node:path";
import { describe, expect, it } from "vitest";
import { chainYaml } from "../../helpers/chain.js";
import { ROOT } from "../../helpers/phase-input.js";
import { embedsCeleryBeat } from "../../../src/phases/design/rules/classify.js";

const FLASK = readFileSync(path.join(ROOT, "examples/flask-rabbitmq/inventory.yaml"), "utf8");
const WORKER = "celery -A reportly.tasks worker --concurrency 2 --time-limit 900";

/** The flask-rabbitmq example at a traffic that needs several workers, its worker's command replaced. */
const busy = (command: string) =>
  FLASK.replace(`command: ${WORKER}`, `command: ${command}`).replace("peakRps: 12", "peakRps: 400");

describe("embedsCeleryBeat", () => {
  it.each([
    ["/home/taiga/taiga-back/.venv/bin/celery -A taiga.celery worker -B --concurrency 4 -l INFO", true],
    ["celery -A proj worker --beat -l info", true],
    ["celery -A proj worker -l info", false],
    ["celery -A proj beat -l info", false],
    // -B before the subcommand is no worker option; another program's -B is not Celery's.
    ["celery -B -A proj flower", false],
    ["python worker.py -B", false],
  ])("%s → %s", (command, embeds) => {
    expect(embedsCeleryBeat(command)).toBe(embeds);
  });
});

describe("a Celery worker with beat inside", () => {
  it.each([
    [WORKER, false],
    [`${WORKER} -B`, true],
  ])("%s: pinned at one instance only with -B", (command, beat) => {
    const { design } = chainYaml(busy(command));
    const pool = design.deployment.services.find((t) => t.replaces.includes("worker"))!;
    const entry = design.mapping.find((m) => m.service === "worker")!;
    if (beat) {
      expect(pool).toMatchObject({ minInstances: 1, maxInstances: 1 });
      expect(entry.appChanges.join(" ")).toContain(
        "Beat runs inside this worker (-B), so the pool stays at one instance",
      );
    } else {
      expect(pool.minInstances).toBeGreaterThan(1);
      expect(entry.appChanges.join(" ")).not.toContain("-B");
    }
  });

  it("with Celery rewritten to push, asks for beat's periodic tasks as Cloud Scheduler jobs", () => {
    const { design } = chainYaml(busy(`${WORKER} -B`), { celery: "push" });
    const entry = design.mapping.find((m) => m.service === "worker")!;
    expect(entry.appChanges.join(" ")).toContain("Beat ran inside this worker (-B)");
    expect(entry.appChanges.join(" ")).toContain("Cloud Scheduler job");
  });
});
