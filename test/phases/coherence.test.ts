// The four phases agree: for every example inventory, the offline chain audit → design →
// (cicd ∥ llmops) is rendered, and the names one phase plans are the names the others deploy,
// create, grant and call.
import { readdirSync } from "node:fs";
import path from "node:path";
import { describe, expect, it } from "vitest";
import { offlineCicd } from "../../src/phases/cicd/offline.js";
import { CICD_PATHS, renderCicd } from "../../src/phases/cicd/render.js";
import { buildContext } from "../../src/phases/cicd/context.js";
import { migrations } from "../../src/phases/cicd/migrations.js";
import { isAiWorkerTarget } from "../../src/contracts/deployment.js";
import { llmopsPhase } from "../../src/phases/llmops/index.js";
import { workerDirOf } from "../../src/phases/llmops/render.js";
import { LLM_KEY_ENV } from "../../src/contracts/ai-worker-sizing.js";
import type { Artifact } from "../../src/write/plan.js";
import { ROOT } from "../helpers/phase-input.js";
import { chainFile } from "../helpers/chain.js";

const examples = readdirSync(path.join(ROOT, "examples"), { withFileTypes: true })
  .filter((e) => e.isDirectory() && readdirSync(path.join(ROOT, "examples", e.name)).includes("inventory.yaml"))
  .map((e) => e.name)
  .sort();

async function runChain(example: string) {
  const { input, design } = chainFile(path.join(ROOT, "examples", example, "inventory.yaml"));
  const cicd = renderCicd(offlineCicd(input), input);
  const llmops = llmopsPhase.offline(input);
  const llmopsFiles = await llmopsPhase.render(llmops, input);
  const files = new Map<string, Artifact>([...cicd, ...llmopsFiles].map((a) => [a.path, a]));
  const file = (p: string) => files.get(p)?.content ?? "";
  const migrationJobs = migrations(buildContext(input)).map((m) => m.job.name);
  return { input, deployment: design.deployment, llmops, files, file, workerDir: workerDirOf(input), migrationJobs };
}

/** `NAME=( a b c )` arrays of a rendered setup script. */
function shellArray(script: string, name: string): string[] {
  const m = new RegExp(`^${name}=\\(([^)]*)\\)`, "m").exec(script);
  return m ? m[1]!.trim().split(/\s+/).filter(Boolean) : [];
}

/** Service accounts a script grants `role` to, project-wide or on a resource. */
function membersGranted(script: string, role: string, vars: Record<string, string>): string[] {
  const lines = script.split("\n");
  const out: string[] = [];
  lines.forEach((line, i) => {
    if (!line.includes(role) || line.trimStart().startsWith("#")) return;
    const stmt = `${lines[i - 1] ?? ""} ${line}`;
    const member = /--member[ =]"?serviceAccount:([^"\s]+)/.exec(stmt)?.[1];
    if (member) out.push(member.replace(/\$\{?(\w+)\}?/g, (_, v: string) => vars[v] ?? `$${v}`));
  });
  return out;
}

describe.each(examples)("coherence of the offline run for examples/%s", (example) => {
  const chained = runChain(example);

  it("deploys every Cloud Run service and job of the design (and the migration jobs) through canary.sh", async () => {
    const { deployment, file, migrationJobs } = await chained;
    const workflow = file(CICD_PATHS.workflow);
    const called = [...workflow.matchAll(/bash scripts\/deploy\/canary\.sh \\\n\s+--service ([a-z0-9-]+)/g)]
      .map((m) => m[1])
      .sort();
    expect(called).toEqual([...deployment.services.map((s) => s.name), ...migrationJobs].sort());
  });

  it("creates every service account a deploy flag names", async () => {
    const { deployment, file, migrationJobs } = await chained;
    const flagged = [...file(CICD_PATHS.workflow).matchAll(/--service-account=([a-z0-9-]+)@/g)].map((m) => m[1]!);
    const created = new Set([
      ...shellArray(file(CICD_PATHS.setupWif), "RUNTIME_ACCOUNTS"),
      ...[...file("scripts/setup-ai-worker.sh").matchAll(/^ensure_service_account "([a-z0-9-]+)"/gm)].map((m) => m[1]!),
    ]);
    expect(flagged.length).toBe(deployment.services.length + migrationJobs.length);
    for (const sa of flagged) expect(created, sa).toContain(sa);
  });

  it("grants roles/aiplatform.user to the AI worker's identity only", async () => {
    const { deployment, llmops, files } = await chained;
    const project = deployment.project;
    const granted = [...files.values()]
      .filter((a) => a.kind === "shell")
      .flatMap((a) =>
        membersGranted(a.content, "roles/aiplatform.user", {
          WORKER_SA: `${llmops.topology.workerServiceAccount}@${project}.iam.gserviceaccount.com`,
          PROJECT: project,
        }),
      );
    expect(granted).toEqual([`${llmops.topology.workerServiceAccount}@${project}.iam.gserviceaccount.com`]);
    const planned = deployment.services.filter(isAiWorkerTarget);
    if (planned.length) expect(planned.map((s) => s.serviceAccount)).toEqual([llmops.topology.workerServiceAccount]);
    // No deployed service other than the AI worker keeps a model credential.
    for (const s of deployment.services.filter((t) => !isAiWorkerTarget(t)))
      expect(s.secrets.filter((e) => LLM_KEY_ENV.test(e))).toEqual([]);
  });

  it("uses one queue name and worker path in the design, the setup scripts and the worker code", async () => {
    const { deployment, llmops, file, workerDir } = await chained;
    const t = llmops.topology;
    expect(file("scripts/setup-ai-worker.sh")).toContain(`QUEUE="${t.queue}"`);
    expect(file(`${workerDir}/ai_worker.py`)).toContain(`DEFAULT_QUEUE = "${t.queue}"`);
    expect(file(`${workerDir}/ai_worker.py`)).toContain(`WORKER_PATH = "${t.workerPath}"`);
    expect(file(`${workerDir}/api_handler.py`)).toContain(`DEFAULT_INVOKER_ACCOUNT = "${t.invokerServiceAccount}"`);
    const worker = deployment.services.find(isAiWorkerTarget);
    if (!worker) {
      // The design planned no AI worker (no model in the inventory): llmops says what it derived.
      expect(t.derived).toEqual(expect.arrayContaining(["workerService", "queue"]));
      return;
    }
    const queue = deployment.queues.find((q) => q.target === worker.name)!;
    expect(t).toMatchObject({
      workerService: worker.name,
      queue: queue.name,
      workerPath: queue.path,
      invokerServiceAccount: queue.oidcServiceAccount,
    });
    expect(t.derived).toEqual([]);
    expect(worker.env?.AI_QUEUE).toBe(queue.name);
    expect(file(`docs/migration/llmops/architecture.md`)).toContain(worker.name);
  });

  it("builds the AI worker from the llmops worker directory, not the app image", async () => {
    const { deployment, file, files, workerDir } = await chained;
    const worker = deployment.services.find(isAiWorkerTarget);
    if (!worker) return expect(file(CICD_PATHS.workflow)).not.toContain("REGISTRY");
    const workflow = file(CICD_PATHS.workflow);
    expect(files.has(`${workerDir}/Dockerfile`)).toBe(true);
    expect(workflow).toContain(
      `docker build --pull --file ${workerDir}/Dockerfile --tag "\${REGISTRY}/${worker.name}:\${GITHUB_SHA}" ${workerDir}`,
    );
    const step = workflow.slice(workflow.indexOf(`--service ${worker.name} `));
    expect(step.slice(0, 300)).toContain(`--image "$REGISTRY/${worker.name}:$GITHUB_SHA"`);
  });

  it("schedules only act on targets the pipeline deploys", async () => {
    const { deployment, file } = await chained;
    const script = file(CICD_PATHS.setupSchedules);
    const schedules = deployment.schedules ?? [];
    expect(script === "").toBe(schedules.length === 0);
    const names = new Set(deployment.services.map((s) => s.name));
    for (const j of schedules) {
      expect(names).toContain(j.target);
      expect(script).toContain(`${j.name} "${j.schedule}" ${j.timeZone} ${j.target}`);
    }
  });
});
