// scripts/setup-schedules.sh: rendered from the design's deployment.schedules, shellcheck-clean,
// and run for real (dry run, and against the fake gcloud) for the seed and django examples.
import { mkdtempSync, readFileSync, readFileSync as read, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { execa } from "execa";
import { afterAll, describe, expect, it } from "vitest";
import { offlineCicd } from "../../../src/phases/cicd/offline.js";
import { CICD_PATHS, renderCicd } from "../../../src/phases/cicd/render.js";
import { schedulesView } from "../../../src/phases/cicd/schedules.js";
import type { Deployment } from "../../../src/contracts/deployment.js";
import { findShellcheck, shellcheck } from "../../../src/validate/shellcheck.js";
import type { PhaseInput } from "../../../src/contracts/phase.js";
import { chainFile, chainYaml, EXAMPLE } from "../../helpers/chain.js";
import { FIXTURE_FAKE_FUNCTIONS } from "../../helpers/fake-functions.js";
import { ROOT, seedInput } from "./fixtures.js";

const FAKE_BIN = path.join(ROOT, "test/fixtures/fake-bin");
const dir = mkdtempSync(path.join(tmpdir(), "setup-schedules-"));
afterAll(() => rmSync(dir, { recursive: true, force: true }));
const hasShellcheck = (await findShellcheck()) !== undefined;
if (!hasShellcheck) console.warn("shellcheck is not installed: skipping the shellcheck test for setup-schedules.sh");

function scriptFor(input: PhaseInput): string | undefined {
  return renderCicd(offlineCicd(input), input).find((a) => a.path === CICD_PATHS.setupSchedules)?.content;
}

let n = 0;
async function run(content: string, args: string[], env: Record<string, string> = {}) {
  const file = path.join(dir, `setup-schedules-${n}.sh`);
  const log = path.join(dir, `calls-${n++}.log`);
  writeFileSync(file, content);
  writeFileSync(log, "");
  const r = await execa("bash", [file, ...args], {
    reject: false,
    extendEnv: false,
    env: { ...FIXTURE_FAKE_FUNCTIONS, PATH: `${FAKE_BIN}:/usr/bin:/bin`, FAKE_LOG: log, ...env },
  });
  const calls = readFileSync(log, "utf8").split("\n").filter(Boolean);
  const printed = r.stdout.split("\n").filter((l) => l.startsWith("+ "));
  return { exitCode: r.exitCode, stderr: r.stderr, printed, calls };
}

const seed = chainFile(EXAMPLE("seed-vm"));
const django = chainFile(EXAMPLE("django-postgres"));
// The django VM with a beat schedule, Celery rewritten to push: beat becomes an authenticated POST to the worker.
const beatYaml = read(EXAMPLE("django-postgres"), "utf8").replace(
  "    command: celery -A bookshop beat --loglevel info\n",
  '    command: celery -A bookshop beat --loglevel info\n    schedule: "*/15 * * * *"\n',
);
const beat = chainYaml(beatYaml, { celery: "push" });

describe("setup-schedules.sh", () => {
  it.each([
    ["seed", seed.input],
    ["django", django.input],
    ["django with beat", beat.input],
  ])("%s: passes shellcheck", async (_name, input) => {
    if (!hasShellcheck) return;
    expect(await shellcheck(scriptFor(input)!)).toEqual([]);
  });

  it("seed: business hours 08:00-20:00 America/Sao_Paulo become a daily warm-up (min 1) and cool-down (min 0)", async () => {
    const { exitCode, printed, calls } = await run(scriptFor(seed.input)!, ["--dry-run"]);
    expect(exitCode).toBe(0);
    expect(calls).toEqual([]); // a dry run calls nothing
    const jobs = printed.filter((l) => l.includes("scheduler jobs create http"));
    expect(jobs).toHaveLength(2);
    // Cloud Scheduler POSTs to jobs.run (gcloud accepts no PATCH); the job runs gcloud --min=N.
    const runUri = (job: string) =>
      `--uri=https://run.googleapis.com/v2/projects/acme-mvp-prod/locations/us-central1/jobs/${job}:run --http-method=POST`;
    expect(jobs[0]).toContain("web-app-prod-warm-up");
    expect(jobs[0]).toContain("--schedule=0\\ 8\\ \\*\\ \\*\\ \\* --time-zone=America/Sao_Paulo");
    expect(jobs[0]).toContain(runUri("web-app-prod-warm-up"));
    expect(jobs[1]).toContain("web-app-prod-cool-down");
    expect(jobs[1]).toContain("--schedule=0\\ 20\\ \\*\\ \\*\\ \\*");
    expect(jobs[1]).toContain(runUri("web-app-prod-cool-down"));
    for (const j of jobs) {
      expect(j).not.toMatch(/PATCH/i);
      expect(j).toContain(
        "--oauth-service-account-email=web-app-prod-scheduler@acme-mvp-prod.iam.gserviceaccount.com --oauth-token-scope=https://www.googleapis.com/auth/cloud-platform",
      );
    }
    const scalers = printed.filter((l) => l.includes("gcloud run jobs deploy"));
    expect(scalers).toEqual([
      expect.stringContaining(
        "web-app-prod-warm-up --image=gcr.io/google.com/cloudsdktool/google-cloud-cli:stable --region us-central1 --project acme-mvp-prod --service-account=web-app-prod-scaler@acme-mvp-prod.iam.gserviceaccount.com --command=gcloud --args=run\\,services\\,update\\,web-app-prod\\,--min=1\\,",
      ),
      expect.stringContaining("web-app-prod-cool-down"),
    ]);
    expect(scalers[1]).toContain("--min=0");
    // The scaler may update that one service (and act as its runtime account), nothing else.
    const grants = printed.filter((l) => l.includes("add-iam-policy-binding"));
    expect(grants).toEqual([
      expect.stringContaining(
        "gcloud run services add-iam-policy-binding web-app-prod --region us-central1 --project acme-mvp-prod --member=serviceAccount:web-app-prod-scaler@acme-mvp-prod.iam.gserviceaccount.com --role=roles/run.developer",
      ),
      expect.stringContaining(
        "gcloud iam service-accounts add-iam-policy-binding web-app-prod-sa@acme-mvp-prod.iam.gserviceaccount.com",
      ),
      // ...and the scheduler's identity may start those two jobs, nothing else.
      expect.stringMatching(/run jobs add-iam-policy-binding web-app-prod-warm-up .*scheduler@.*roles\/run\.invoker/),
      expect.stringMatching(/run jobs add-iam-policy-binding web-app-prod-cool-down .*scheduler@.*roles\/run\.invoker/),
    ]);
  });

  it("django: the cron entry runs its Cloud Run job through jobs.run, plus the 07:00-22:00 Berlin warm window", async () => {
    const job = django.design.deployment.services.find((s) => s.kind === "job")!.name;
    const { exitCode, printed } = await run(scriptFor(django.input)!, ["--dry-run"]);
    expect(exitCode).toBe(0);
    const jobs = printed.filter((l) => l.includes("scheduler jobs create http"));
    expect(jobs.map((l) => l.split(" ")[6])).toEqual([
      "bookshop-web-nightly-cleanup-trigger",
      "bookshop-web-warm-up",
      "bookshop-web-cool-down",
    ]);
    expect(jobs[0]).toContain(
      `--schedule=30\\ 3\\ \\*\\ \\*\\ \\* --time-zone=Europe/Berlin --uri=https://run.googleapis.com/v2/projects/${django.design.deployment.project}/locations/europe-west1/jobs/${job}:run --http-method=POST`,
    );
    expect(jobs[0]).toContain("--oauth-service-account-email=bookshop-web-scheduler@");
    expect(jobs[1]).toContain("--schedule=0\\ 7\\ \\*\\ \\*\\ \\* --time-zone=Europe/Berlin");
    expect(jobs[2]).toContain("--schedule=0\\ 22\\ \\*\\ \\*\\ \\*");
    expect(printed).toContainEqual(
      expect.stringContaining(`gcloud run jobs add-iam-policy-binding ${job} --region europe-west1`),
    );
    // The scheduler's identity may start the cron job and the two scaling jobs, nothing else.
    expect(printed.filter((l) => l.includes("roles/run.invoker")).map((l) => l.split(" ")[5])).toEqual([
      job,
      "bookshop-web-warm-up",
      "bookshop-web-cool-down",
    ]);
  });

  it("celery beat with a schedule: an OIDC POST to the worker path, audience = the service URL", async () => {
    const worker = beat.design.deployment.services.find((s) => s.kind === "worker")!.name;
    const { printed } = await run(scriptFor(beat.input)!, ["--dry-run"]);
    const job = printed.find((l) => l.includes("celery-beat-trigger"))!;
    const url = `https://${worker}-PROJECT_NUMBER.europe-west1.run.app`;
    expect(job).toContain(`--schedule=\\*/15\\ \\*\\ \\*\\ \\*\\ \\*`);
    expect(job).toContain(`--uri=${url}/tasks/scheduled --http-method=POST`);
    expect(job).toContain(`--oidc-service-account-email=bookshop-web-scheduler@`);
    expect(job).toContain(`--oidc-token-audience=${url}`);
  });

  it.each([
    ["nothing exists yet: creates the jobs", "0", "create http"],
    ["the jobs exist: updates them in place", "1", "update http"],
  ])("against the fake gcloud, %s", async (_name, exist, verb) => {
    const { exitCode, calls } = await run(scriptFor(seed.input)!, [], { FAKE_RESOURCES_EXIST: exist });
    expect(exitCode).toBe(0);
    const jobs = calls.filter((c) => c.startsWith("gcloud scheduler jobs ") && !c.includes(" describe "));
    expect(jobs).toHaveLength(2);
    for (const c of jobs) expect(c).toContain(`gcloud scheduler jobs ${verb}`);
    // `run jobs deploy` creates or updates the scaling job: no describe needed.
    expect(calls.filter((c) => c.startsWith("gcloud run jobs deploy"))).toHaveLength(2);
  });

  it("an existing HTTP job keeps its JSON header through --update-headers (create takes --headers)", async () => {
    const { exitCode, calls } = await run(scriptFor(beat.input)!, [], { FAKE_RESOURCES_EXIST: "1" });
    expect(exitCode).toBe(0);
    const http = calls.find((c) => c.includes("scheduler jobs update http") && c.includes("celery-beat-trigger"))!;
    expect(http).toContain("--update-headers=Content-Type=application/json");
    const dry = await run(scriptFor(beat.input)!, ["--dry-run"]);
    expect(dry.printed.find((l) => l.includes("create http") && l.includes("celery-beat-trigger"))).toContain(
      "--headers=Content-Type=application/json",
    );
  });

  it("stops with a hint when a job's target is not deployed yet", async () => {
    const r = await run(scriptFor(django.input)!, [], { FAKE_RESOURCES_EXIST: "0" });
    expect(r.exitCode).toBe(1);
    expect(r.stderr).toMatch(/is not deployed yet: push to deploy it, then rerun/);
  });

  it("is not generated when the design planned no schedules", () => {
    expect(scriptFor(seedInput())).toBeUndefined();
  });

  it.each([
    ["an unknown target", (d: Deployment) => (d.schedules![0]!.target = "ghost")],
    [
      "min instances on a job",
      (d: Deployment) => Object.assign(d.schedules![0]!, { action: "set-min-instances", minInstances: 1 }),
    ],
    [
      "run-job on a service",
      (d: Deployment) => Object.assign(d.schedules![0]!, { action: "run-job", target: d.services[0]!.name }),
    ],
  ])("refuses a schedule with %s", (_name, mutate) => {
    const deployment = structuredClone(django.design.deployment);
    mutate(deployment);
    expect(() => schedulesView(deployment)).toThrow(/invalid Cloud Scheduler job/);
  });

  it("deploys a service whose minimum Cloud Scheduler sets with a revision-level minimum of 0", () => {
    const input = seed.input;
    const workflow = renderCicd(offlineCicd(input), input).find((a) => a.path === CICD_PATHS.workflow)!.content;
    const api = workflow.slice(workflow.indexOf("--service web-app-prod --strategy canary"));
    expect(seed.design.deployment.services[0]!.minInstances).toBe(1);
    expect(api).toMatch(/--min-instances=0/);
  });
});
