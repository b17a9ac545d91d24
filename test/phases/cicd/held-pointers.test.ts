// Everything that points at a target the deploy holds (its data written in place has no home yet)
// waits with it: no Cloud Tasks queue pushes to a held worker, no Cloud Scheduler job starts,
// scales or calls a held target, no load balancer routes to a held backend, no account of a held
// target reads a secret, no migration runs a held service's code. The generated scripts then run
// where only what the deploy deployed exists, and none of them names a held target.
import { cpSync, mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { chmod, mkdir, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import path from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import type { Deployment, DeployTarget } from "../../../src/contracts/deployment.js";
import { cutoverHolds } from "../../../src/contracts/held-targets.js";
import { offlineCicd } from "../../../src/phases/cicd/offline.js";
import { cicdPlanSteps } from "../../../src/phases/cicd/plan-steps.js";
import { CICD_PATHS, renderCicd } from "../../../src/phases/cicd/render.js";
import { schedulesView } from "../../../src/phases/cicd/schedules.js";
import { queuesView, secretsView } from "../../../src/phases/cicd/setup-views.js";
import { loadBalancerView } from "../../../src/phases/cicd/url-map-view.js";
import { runWhereDeployed } from "../../helpers/deployed-world.js";
import { ROOT, seedDeployment, seedInput } from "./fixtures.js";

const dirs: string[] = [];
afterAll(() => dirs.forEach((d) => rmSync(d, { recursive: true, force: true })));

const HOLD = {
  held: "/srv/acme/index keeps all of it written in place, which no Cloud Storage mount can carry: … Not deployed until the open decision worker-disk is taken …",
  heldFor: {
    decision: "worker-disk",
    short: "/srv/acme/index keeps all of it written in place, which no Cloud Storage mount can carry",
  },
};

/** The seed's API and worker, a queue and a beat schedule pushing to the worker, the warm window, a load balancer. */
function deployment(held: string[]): Deployment {
  const base = seedDeployment();
  const hold = (t: DeployTarget): DeployTarget => (held.includes(t.name) ? { ...t, ...HOLD } : t);
  const common = { timeZone: "Etc/UTC", replaces: [] };
  return {
    ...base,
    services: base.services.map(hold),
    queues: [
      {
        name: "web-app-prod-tasks",
        target: "web-app-prod-worker",
        path: "/tasks",
        maxAttempts: 5,
        minBackoffSeconds: 10,
        maxBackoffSeconds: 600,
        maxDispatchesPerSecond: 10,
        maxConcurrentDispatches: 40,
        dispatchDeadlineSeconds: 900,
      },
    ],
    schedules: [
      {
        ...common,
        name: "web-app-prod-beat",
        schedule: "*/5 * * * *",
        action: "http",
        target: "web-app-prod-worker",
        path: "/tasks/scheduled",
        replaces: ["beat"],
      },
      {
        ...common,
        name: "web-app-prod-warm-up",
        schedule: "0 8 * * *",
        action: "set-min-instances",
        target: "web-app-prod",
        minInstances: 1,
      },
    ],
    loadBalancer: { name: "web-app-prod-lb", backends: ["web-app-prod"], domains: [], cloudArmor: true, routes: [] },
  };
}

async function write(dir: string, artifacts: { path: string; content: string; executable?: boolean }[]) {
  for (const a of artifacts) {
    const file = path.join(dir, a.path);
    await mkdir(path.dirname(file), { recursive: true });
    await writeFile(file, a.content);
    if (a.executable) await chmod(file, 0o755);
  }
}

const steps0 = (input: ReturnType<typeof seedInput>) => cicdPlanSteps(offlineCicd(input), input);
const ARGS: Record<string, string[]> = { [CICD_PATHS.setupLoadBalancer]: ["--domain", "app.example.com"] };

describe("what points at a held target waits with it", () => {
  it.each([
    {
      held: "web-app-prod-worker",
      queues: [],
      jobs: ["web-app-prod-warm-up"],
      lb: true,
      grants: ["DATABASE_URL:web-app-api", "SECRET_KEY:web-app-api"],
    },
    {
      held: "web-app-prod",
      queues: ["web-app-prod-tasks"],
      jobs: ["web-app-prod-beat"],
      lb: false,
      grants: ["DATABASE_URL:web-app-worker", "GEMINI_API_KEY:web-app-worker"],
    },
    {
      held: "",
      queues: ["web-app-prod-tasks"],
      jobs: ["web-app-prod-beat", "web-app-prod-warm-up"],
      lb: true,
      grants: [
        "DATABASE_URL:web-app-api",
        "DATABASE_URL:web-app-worker",
        "GEMINI_API_KEY:web-app-worker",
        "SECRET_KEY:web-app-api",
      ],
    },
  ])("held $held: queues $queues, schedules $jobs, load balancer $lb", ({ held, queues, jobs, lb, grants }) => {
    const dep = deployment([held]);
    expect(queuesView(dep)?.queues.map((q) => q.name) ?? []).toEqual(queues);
    // A held API enqueues on nothing: the queue's only enqueuer is then the worker's invoker fallback.
    if (held === "web-app-prod") expect(queuesView(dep)!.queues[0]!.enqueuers).toEqual([]);
    expect(schedulesView(dep)?.jobs.map((j) => j.name) ?? []).toEqual(jobs);
    expect(Boolean(loadBalancerView(dep, 10))).toBe(lb);
    expect(secretsView(dep)!.grants).toEqual(grants);
    // Its secrets are still stored: the values are ready when it deploys.
    expect(secretsView(dep)!.secrets).toEqual(["DATABASE_URL", "GEMINI_API_KEY", "SECRET_KEY"]);
  });

  it.each(["web-app-prod-worker", "web-app-prod"])(
    "held %s: the scripts run where only the deployed targets exist and never name it",
    async (held) => {
      const input = seedInput({}, deployment([held]));
      const artifacts = renderCicd(offlineCicd(input), input);
      const dir = mkdtempSync(path.join(tmpdir(), "held-pointers-"));
      dirs.push(dir);
      await write(dir, artifacts);
      const deployed = deployment([held])
        .services.filter((s) => !s.held)
        .map((s) => s.name);
      const scripts = artifacts.map((a) => a.path).filter((p) => /^scripts\/setup-.*\.sh$/.test(p));
      expect(scripts.length).toBeGreaterThan(2);
      for (const script of scripts) {
        const r = await runWhereDeployed(path.join(dir, script), dir, deployed, ARGS[script]);
        expect({ script, exit: r.exitCode, stderr: r.stderr }).toEqual({ script, exit: 0, stderr: "" });
        expect(r.calls.filter((argv) => argv.includes(held))).toEqual([]);
      }
      // setup-wif.sh creates the held target's account but grants it nothing, as setup-secrets.sh;
      // the deployed target's account gets its roles.
      const dep = deployment([held]);
      const account = dep.services.find((s) => s.name === held)!.serviceAccount;
      const other = dep.services.find((s) => s.name !== held && !s.held)!.serviceAccount;
      expect(account).not.toBe(other);
      const wif = await runWhereDeployed(path.join(dir, CICD_PATHS.setupWif), dir, deployed, [
        "--repository-owner-id",
        "1",
        "--repository-id",
        "2",
        "--github-repo",
        "acme/app",
      ]);
      expect(wif.exitCode).toBe(0);
      const named = (a: string) => wif.calls.filter((argv) => argv.some((x) => x === a || x.includes(`${a}@`)));
      // In this world every account exists: the held one is only looked up, never bound.
      expect(named(account).map((argv) => argv.slice(0, 3).join(" "))).toEqual(["iam service-accounts describe"]);
      const otherBindings = named(other).filter((argv) => argv.some((x) => x.includes("add-iam-policy-binding")));
      expect(otherBindings.length).toBeGreaterThan(0);
      const setupWif = artifacts.find((a) => a.path === CICD_PATHS.setupWif)!.content;
      expect(setupWif).toContain(`\nRUNTIME_ACCOUNTS=( ${other} )\n`);
      expect(setupWif).toContain(`\nHELD_ACCOUNTS=( ${account} )\n`);
      expect(setupWif).toContain(
        '"${RUNTIME_ACCOUNTS[@]}" "${HELD_ACCOUNTS[@]}"; do\n  if ! exists gcloud iam service-accounts describe',
      );
      expect(setupWif).toContain(
        `# Not yet ${held} (held until the open decision worker-disk is taken):\n#   its account ${account} is created with no role`,
      );
      expect(steps0(input).find((s) => s.title === "Pipeline identities and the production gate")!.body).toContain(
        `The account \`${account}\` (${held}), held by the deploy, is created with no role`,
      );
      const steps = cicdPlanSteps(offlineCicd(input), input);
      const body = steps.map((s) => s.body).join("\n");
      expect(body).toContain(`Not ${held}: the deploy holds it and says why (${HOLD.heldFor.short});`);
      // The plan says why DNS stays, from the same reasons the runbook gives.
      const why = cutoverHolds(deployment([held]))[0]!.reasons.map((r) => r.what);
      expect(why.length).toBeGreaterThan(0);
      expect(body).toContain(`leave DNS on the VM: the cut-over waits for ${held}, which ${why[0]}`);
      if (held === "web-app-prod") {
        expect(artifacts.some((a) => a.path === CICD_PATHS.setupLoadBalancer)).toBe(false);
        expect(steps.find((s) => s.title === "Load balancer: not yet")!.body).toContain(
          "the deploy holds web-app-prod (held until the open decision worker-disk is taken), a backend of the load balancer",
        );
        expect(artifacts.find((a) => a.path === CICD_PATHS.setupSchedules)!.content).toContain(
          "# Not yet: web-app-prod-warm-up -> web-app-prod (held until the open decision worker-disk is taken)",
        );
      } else {
        expect(artifacts.some((a) => a.path === CICD_PATHS.setupQueues)).toBe(false);
        expect(steps.find((s) => s.title === "Task queues: not yet")!.body).toContain(
          "Not `web-app-prod-tasks`: it pushes to web-app-prod-worker, which the deploy holds",
        );
        expect(artifacts.find((a) => a.path === CICD_PATHS.setupSecrets)!.content).toContain(
          "# Not web-app-prod-worker (held until the open decision worker-disk is taken): its secrets are stored",
        );
        expect(body).toContain(
          "lets each runtime account read only its own (not web-app-prod-worker (held until the open decision worker-disk is taken): its account reads them once it deploys",
        );
      }
    },
    60_000,
  );

  it("with nothing held, setup-wif.sh says nothing of held accounts (no empty HELD_ACCOUNTS)", () => {
    const input = seedInput({}, deployment([""]));
    const setupWif = renderCicd(offlineCicd(input), input).find((a) => a.path === CICD_PATHS.setupWif)!.content;
    expect(setupWif).not.toMatch(/held|HELD_ACCOUNTS/i);
    expect(setupWif).toContain('"$BUILDER_ID" "$DEPLOYER_ID" "${RUNTIME_ACCOUNTS[@]}"; do\n');
  });

  it("the migration borrows a held API's image: held with it, in the workflow and the plan", () => {
    // The seed's app with Alembic beside it: a migration job owned by the API.
    const repo = mkdtempSync(path.join(tmpdir(), "held-migrate-"));
    dirs.push(repo);
    cpSync(path.join(ROOT, "test/fixtures/repos/acme-mvp"), repo, { recursive: true });
    writeFileSync(path.join(repo, "alembic.ini"), "[alembic]\nscript_location = migrations\n");
    const database = {
      instance: "acme-mvp-db",
      engine: "mysql",
      databaseVersion: "MYSQL_8_0",
      tier: "db-custom-1-3840",
      highAvailability: false,
      readReplicas: 0,
      storageGiB: 20,
      pointInTimeRecovery: true,
    } as const;
    const input = seedInput({ repoDir: repo }, { ...deployment(["web-app-prod"]), database });
    const result = offlineCicd(input);
    const workflow = renderCicd(result, input).find((a) => a.path === CICD_PATHS.workflow)!.content;
    expect(workflow).toContain("Hold web-app-prod-migrate: not deployed until its data written in place has a home");
    expect(workflow).not.toMatch(/Migrate the database/);
    const first = cicdPlanSteps(result, input).find((s) => s.title === "First deploy")!;
    expect(first.body).toContain("holds the schema migrations `web-app-prod-migrate` (with web-app-prod)");
    expect(first.body).not.toContain("no migration tool was recognised");
  });
});
