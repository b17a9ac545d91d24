// scripts/setup-queues.sh: every queue that replaces the broker, with the IAM Cloud Tasks needs,
// run for real (dry run, and against the fake gcloud).
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { execa } from "execa";
import { afterAll, describe, expect, it } from "vitest";
import { offlineCicd } from "../../../src/phases/cicd/offline.js";
import { CICD_PATHS, renderCicd } from "../../../src/phases/cicd/render.js";
import { queuesView } from "../../../src/phases/cicd/setup-views.js";
import type { PhaseInput } from "../../../src/contracts/phase.js";
import { findShellcheck, shellcheck } from "../../../src/validate/shellcheck.js";
import { chainFile, EXAMPLE } from "../../helpers/chain.js";
import { FIXTURE_FAKE_FUNCTIONS } from "../../helpers/fake-functions.js";
import { ROOT } from "./fixtures.js";

const FAKE_BIN = path.join(ROOT, "test/fixtures/fake-bin");
const dir = mkdtempSync(path.join(tmpdir(), "setup-queues-"));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

const scriptFor = (input: PhaseInput) =>
  renderCicd(offlineCicd(input), input).find((a) => a.path === CICD_PATHS.setupQueues)?.content;

let n = 0;
async function run(content: string, args: string[], env: Record<string, string> = {}) {
  const file = path.join(dir, `setup-queues-${n}.sh`);
  const log = path.join(dir, `calls-${n++}.log`);
  writeFileSync(file, content);
  writeFileSync(log, "");
  const r = await execa("bash", [file, ...args], {
    reject: false,
    extendEnv: false,
    env: { ...FIXTURE_FAKE_FUNCTIONS, PATH: `${FAKE_BIN}:/usr/bin:/bin`, FAKE_LOG: log, ...env },
  });
  const printed = r.stdout.split("\n").filter((l) => l.startsWith("+ "));
  return { ...r, printed, calls: readFileSync(log, "utf8").split("\n").filter(Boolean) };
}

// The seed with Celery rewritten to Cloud Tasks push (kept on Memorystore by default, there is no
// app queue then).
const seed = chainFile(EXAMPLE("seed-vm"), { celery: "push" });

describe("setup-queues.sh", () => {
  it("sets up the app's task queue, not the AI worker's (setup-ai-worker.sh owns that one)", () => {
    const view = queuesView(seed.design.deployment)!;
    expect(view.queues.map((q) => [q.name, q.target, q.invoker, q.enqueuers])).toEqual([
      ["web-app-prod-tasks", "web-app-prod-worker", "web-app-prod-sa", ["web-app-prod-sa"]],
    ]);
  });

  it("--dry-run: the queue with its retry and rate limits, the API may enqueue, only the invoker calls the worker", async () => {
    const r = await run(scriptFor(seed.input)!, ["--dry-run"]);
    expect(r.exitCode).toBe(0);
    expect(r.calls).toEqual([]);
    expect(r.printed).toEqual([
      "+ gcloud services enable cloudtasks.googleapis.com --project acme-mvp-prod",
      "+ gcloud tasks queues create web-app-prod-tasks --location us-central1 --project acme-mvp-prod --max-attempts 5 --min-backoff 10s --max-backoff 600s --max-dispatches-per-second 10 --max-concurrent-dispatches 160",
      "+ gcloud tasks queues add-iam-policy-binding web-app-prod-tasks --location us-central1 --project acme-mvp-prod --member=serviceAccount:web-app-prod-sa@acme-mvp-prod.iam.gserviceaccount.com --role=roles/cloudtasks.enqueuer",
      "+ gcloud iam service-accounts add-iam-policy-binding web-app-prod-sa@acme-mvp-prod.iam.gserviceaccount.com --project acme-mvp-prod --member=serviceAccount:web-app-prod-sa@acme-mvp-prod.iam.gserviceaccount.com --role=roles/iam.serviceAccountUser",
      "+ gcloud run services add-iam-policy-binding web-app-prod-worker --region us-central1 --project acme-mvp-prod --member=serviceAccount:web-app-prod-sa@acme-mvp-prod.iam.gserviceaccount.com --role=roles/run.invoker",
    ]);
  });

  it("updates an existing queue in place", async () => {
    const r = await run(scriptFor(seed.input)!, [], { FAKE_RESOURCES_EXIST: "1", FAKE_SERVICE_EXISTS: "1" });
    expect(r.exitCode).toBe(0);
    expect(r.calls.filter((c) => c.includes("tasks queues create"))).toEqual([]);
    expect(r.calls.filter((c) => c.includes("tasks queues update web-app-prod-tasks"))).toHaveLength(1);
  });

  it("before the worker is deployed: everything else is set up, then it says what to rerun (exit 1)", async () => {
    const r = await run(scriptFor(seed.input)!, [], { FAKE_RESOURCES_EXIST: "0" });
    expect(r.exitCode).toBe(1);
    expect(r.calls.some((c) => c.includes("roles/cloudtasks.enqueuer"))).toBe(true);
    expect(r.stderr).toContain("web-app-prod-worker is not deployed yet");
  });

  it("is not generated without a broker to replace", () => {
    expect(scriptFor(chainFile(EXAMPLE("api-only")).input)).toBeUndefined();
  });

  it("passes shellcheck", async () => {
    if (!(await findShellcheck())) return;
    expect(await shellcheck(scriptFor(seed.input)!)).toEqual([]);
  });
});
