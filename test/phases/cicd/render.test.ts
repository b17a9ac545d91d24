// The cicd phase end to end without a model: offline result -> artifacts -> validators.
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { parse } from "yaml";
import { describe, expect, it } from "vitest";
import { cicdPhase, CICD_PATHS, PINNED_ACTIONS } from "../../../src/phases/cicd/index.js";
import { findShellcheck } from "../../../src/validate/shellcheck.js";
import { ROOT, seedDeployment, seedInput } from "./fixtures.js";

type Step = { uses?: string; run?: string; with?: Record<string, unknown> };
type Job = { permissions?: unknown; environment?: string; steps: Step[]; if?: string; needs?: unknown };

async function renderSeed(overrides = {}) {
  const input = seedInput(overrides);
  const result = cicdPhase.offline(input);
  const artifacts = await cicdPhase.render(result, input);
  return { input, result, artifacts, byPath: new Map(artifacts.map((a) => [a.path, a])) };
}

describe("cicd render (seed example)", () => {
  it("renders every file with the right kind, mode and policy", async () => {
    const { artifacts } = await renderSeed();
    expect(artifacts.map((a) => [a.path, a.kind, a.executable ?? false, a.policy ?? "overwrite"])).toEqual([
      [CICD_PATHS.workflow, "yaml", false, "overwrite"],
      [CICD_PATHS.canary, "shell", true, "overwrite"],
      [CICD_PATHS.setupWif, "shell", true, "overwrite"],
      [CICD_PATHS.setupSecrets, "shell", true, "overwrite"],
      [CICD_PATHS.vmSettingsLib, "shell", false, "overwrite"],
      [CICD_PATHS.dockerfile, "dockerfile", false, "create-only"],
      [CICD_PATHS.dockerignore, "text", false, "create-only"],
      [CICD_PATHS.readme, "markdown", false, "overwrite"],
    ]);
  });

  it("is deterministic", async () => {
    const a = await renderSeed();
    const b = await renderSeed();
    expect(b.artifacts).toEqual(a.artifacts);
  });

  it("never renders a Dockerfile when the target repo has one", async () => {
    const repoDir = mkdtempSync(path.join(tmpdir(), "repo-"));
    try {
      writeFileSync(path.join(repoDir, "Dockerfile"), "FROM scratch\n");
      const { byPath } = await renderSeed({ repoDir });
      expect(byPath.has(CICD_PATHS.dockerfile)).toBe(false);
      expect(byPath.has(CICD_PATHS.dockerignore)).toBe(false);
    } finally {
      rmSync(repoDir, { recursive: true, force: true });
    }
  });

  it("workflow: triggers, permissions, concurrency, environment, pinned actions, WIF", async () => {
    const { byPath, result } = await renderSeed();
    const text = byPath.get(CICD_PATHS.workflow)!.content;
    const wf = parse(text) as { on: object; permissions: object; concurrency: object; jobs: Record<string, Job> };
    expect(wf.on).toEqual({ push: { branches: ["main"] }, workflow_dispatch: {} });
    expect(wf.permissions).toEqual({});
    expect(wf.concurrency).toEqual({ group: "deploy-production", "cancel-in-progress": false });
    expect(Object.keys(wf.jobs)).toEqual(["test", "build", "deploy", "notify"]);
    expect(wf.jobs.test!.permissions).toEqual({ contents: "read" });
    expect(wf.jobs.build!.permissions).toEqual({ contents: "read", "id-token": "write" });
    expect(wf.jobs.deploy!.permissions).toEqual({ contents: "read", "id-token": "write" });
    expect(wf.jobs.notify!.permissions).toEqual({});
    expect(wf.jobs.deploy!.environment).toBe("production");
    const steps = Object.values(wf.jobs).flatMap((j) => j.steps);
    const pinned = new Map(Object.values(PINNED_ACTIONS).map((a) => [`${a.repo}@${a.sha}`, a.version]));
    for (const step of steps.filter((s) => s.uses)) {
      expect(pinned.has(step.uses!)).toBe(true);
      expect(text).toContain(`uses: ${step.uses} # ${pinned.get(step.uses!)}`);
      if (step.uses!.startsWith("actions/checkout@")) expect(step.with?.["persist-credentials"]).toBe(false);
    }
    const auth = steps.filter((s) => s.uses?.startsWith("google-github-actions/auth@"));
    expect(auth.map((s) => s.with)).toEqual([
      {
        workload_identity_provider: "${{ vars.WIF_BUILD_PROVIDER }}",
        service_account: "${{ vars.WIF_BUILD_SERVICE_ACCOUNT }}",
        token_format: "access_token",
        create_credentials_file: false,
      },
      {
        workload_identity_provider: "${{ vars.WIF_DEPLOY_PROVIDER }}",
        service_account: "${{ vars.WIF_DEPLOY_SERVICE_ACCOUNT }}",
      },
    ]);
    expect(text).not.toMatch(/credentials_json|service_account_key|&a\d|\*a\d/);
    // Workers first, then the API with the canary parameters from the result.
    const deployRuns = wf.jobs.deploy!.steps.filter((s) => s.run).map((s) => s.run!);
    expect(deployRuns[0]).toContain("--service web-app-prod-worker --strategy direct");
    expect(deployRuns[1]).toContain("--service web-app-prod --strategy canary");
    expect(deployRuns[1]).toContain(`--steps ${result.canarySteps.join(",")}`);
    expect(wf.jobs.test!.steps.at(-1)!.run).toMatch(/^set \+e\npytest -q\n/);
    // Slack: the secret goes through env, the step skips cleanly without it.
    const notify = wf.jobs.notify!.steps[0] as Step & { env: Record<string, string> };
    expect(notify.env.SLACK_WEBHOOK_URL).toBe("${{ secrets.SLACK_WEBHOOK_URL }}");
    expect(notify.run).toContain('if [ -z "${SLACK_WEBHOOK_URL}" ]; then');
    expect(wf.jobs.notify!.if).toBe("${{ always() }}");
  });

  it("notifies only on failure when notifyOnSuccess is false", async () => {
    const input = seedInput();
    const artifacts = await cicdPhase.render({ ...cicdPhase.offline(input), notifyOnSuccess: false }, input);
    const wf = parse(artifacts[0]!.content) as { jobs: Record<string, Job> };
    expect(wf.jobs.notify!.if).toBe("${{ failure() }}");
  });

  it("Dockerfile: multi-stage, slim, non-root, honours PORT, starts the API's command", async () => {
    const { byPath } = await renderSeed();
    const dockerfile = byPath.get(CICD_PATHS.dockerfile)!.content;
    // Full image to build (compilers for packages without wheels), slim image to run.
    expect(dockerfile).toMatch(/^FROM python:3\.11-trixie AS build$/m);
    expect(dockerfile).toMatch(/^FROM python:3\.11-slim-trixie$/m);
    expect(dockerfile).toContain("COPY requirements.txt requirements.txt");
    expect(dockerfile).toMatch(/^USER app$/m);
    expect(dockerfile).toContain(
      'CMD ["sh", "-c", "exec uvicorn app.main:app --workers 4 --host 0.0.0.0 --port ${PORT}"]',
    );
  });

  it("validates with zero findings (actionlint, security rules, dockerfile-utils, shellcheck)", async () => {
    if (!(await findShellcheck())) console.warn("shellcheck not on PATH: its checks are skipped in this run");
    const { input, artifacts } = await renderSeed();
    expect(await cicdPhase.validate!(artifacts, input, { source: "model" })).toEqual([]);
  });

  it.each([
    ["a node stack", { software: "node", command: "node server.js", runtime: "node" as const }, "npm test", "22"],
  ])("renders and validates %s", async (_, web, testCommand, version) => {
    const input = seedInput({ repoDir: path.join(ROOT, "test/fixtures/repos/node-express") });
    input.inventory.services = input.inventory.services.map((s) =>
      s.role === "web" || s.role === "worker" ? { ...s, ...web } : s,
    );
    input.inventory.deploy.testCommand = undefined;
    const result = cicdPhase.offline(input);
    expect([result.testCommand, result.runtimeVersion]).toEqual([testCommand, version]);
    const deployment = seedDeployment();
    deployment.services = deployment.services.map((s) => ({ ...s, command: undefined }));
    const nodeInput = { ...input, upstream: { design: { deployment } } };
    const artifacts = await cicdPhase.render(result, nodeInput);
    expect(artifacts.find((a) => a.path === CICD_PATHS.dockerfile)!.content).toContain("USER node");
    expect(await cicdPhase.validate!(artifacts, nodeInput, { source: "model" })).toEqual([]);
  });

  it("a bucket mount: gcloud's beta component in the deploy job, the mount's owner in the deploy flags", async () => {
    const plain = await renderSeed();
    const setup = (text: string) =>
      (parse(text) as { jobs: Record<string, Job> }).jobs.deploy!.steps.find((s) => s.uses?.includes("setup-gcloud"))!;
    expect(setup(plain.byPath.get(CICD_PATHS.workflow)!.content).with).toBeUndefined();
    const deployment = seedDeployment();
    deployment.services[0]!.volumes = [
      { bucket: "acme-mvp-uploads", mountPath: "/app/uploads", owner: { uid: 10001, gid: 10001 } },
    ];
    const input = seedInput({}, deployment);
    const artifacts = await cicdPhase.render(cicdPhase.offline(input), input);
    const text = artifacts.find((a) => a.path === CICD_PATHS.workflow)!.content;
    expect(setup(text).with).toEqual({ install_components: "beta" });
    expect(text).toContain(
      "'--add-volume=name=acme-mvp-uploads,type=cloud-storage,bucket=acme-mvp-uploads,mount-options=uid=10001;gid=10001'",
    );
    expect(await cicdPhase.validate!(artifacts, input, { source: "model" })).toEqual([]);
  });
});
