// The workflow's jobs for real example designs: the app's tests with its own runtime and backing
// services, the AI worker's tests in their own job, a build identity that cannot leave a
// credentials file in the build context, and a deploy job gated by the production environment.
import { mkdtemp, mkdir, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import path from "node:path";
import { execa } from "execa";
import { parse } from "yaml";
import { afterAll, describe, expect, it } from "vitest";
import { cicdPhase, CICD_PATHS } from "../../../src/phases/cicd/index.js";
import { templateText } from "../../../src/render/templates.js";
import { chainFile, EXAMPLE } from "../../helpers/chain.js";
import { renderOffline } from "../../helpers/offline-output.js";
import { ROOT } from "../../helpers/phase-input.js";
import { seedInput } from "./fixtures.js";

type Step = {
  name?: string;
  uses?: string;
  run?: string;
  with?: Record<string, unknown>;
  env?: Record<string, string>;
};
type Job = {
  needs?: string | string[];
  environment?: string;
  env?: Record<string, string>;
  services?: Record<string, { image: string }>;
  defaults?: { run: { "working-directory": string } };
  steps: Step[];
};

async function workflowFor(input: Parameters<typeof cicdPhase.offline>[0]) {
  const artifacts = await cicdPhase.render(cicdPhase.offline(input), input);
  const text = artifacts.find((a) => a.path === CICD_PATHS.workflow)!.content;
  return { text, jobs: (parse(text) as { jobs: Record<string, Job> }).jobs, artifacts, input };
}

const seed = await workflowFor(chainFile(EXAMPLE("seed-vm")).input);
const django = await workflowFor(chainFile(EXAMPLE("django-postgres")).input);
const node = await workflowFor(chainFile(EXAMPLE("api-only")).input);

describe("test jobs", () => {
  it("the AI worker's tests run in their own job, with its requirements-dev.txt, in its directory", () => {
    expect(Object.keys(seed.jobs)).toEqual(["test", "test-web-app-prod-ai-worker", "build", "deploy", "notify"]);
    const worker = seed.jobs["test-web-app-prod-ai-worker"]!;
    expect(worker.defaults!.run["working-directory"]).toBe("services/ai-worker");
    expect(worker.steps.map((s) => s.run).filter(Boolean)).toEqual([
      "python -m pip install -r requirements-dev.txt\n",
      "python -m pytest -q\n",
    ]);
    expect(seed.jobs.build!.needs).toEqual(["test", "test-web-app-prod-ai-worker"]);
  });

  it("the app's pytest never collects the worker's tests, and gets a database, Redis and a dummy secret key", () => {
    const test = seed.jobs.test!;
    expect(test.env).toEqual({
      DATABASE_URL: "mysql://test:test@127.0.0.1:3306/test",
      PYTEST_ADDOPTS: "--ignore=services/ai-worker",
      REDIS_URL: "redis://localhost:6379/0",
      SECRET_KEY: "test-only-not-a-secret",
    });
    expect(Object.values(test.services!).map((s) => s.image)).toEqual(["mysql:8.0", "redis:7"]);
    // GEMINI_API_KEY is a real credential: tests never get one.
    expect(JSON.stringify(test)).not.toContain("GEMINI_API_KEY");
  });

  it("Django runs its own test runner against PostgreSQL of the design's major version", () => {
    const test = django.jobs.test!;
    expect(test.steps.at(-1)!.run).toBe("python manage.py test\n");
    expect(test.services!.postgres!.image).toBe("postgres:15");
    expect(test.env!.DATABASE_URL).toBe("postgresql://test:test@localhost:5432/test");
    expect(test.env!.DJANGO_SECRET_KEY).toBe("test-only-not-a-secret");
    expect(test.env!.CELERY_BROKER_URL).toBe("redis://localhost:6379/0");
  });

  it("Node installs with the repository's own package manager and builds before deploy", () => {
    const steps = node.jobs.test!.steps;
    expect(steps.map((s) => s.name)).toEqual([
      "Check out",
      "Set up Node.js",
      "Install dependencies",
      "Run tests",
      "Build",
    ]);
    expect(steps[2]!.run).toContain("pnpm install --frozen-lockfile");
    expect(steps[2]!.run).toContain("npm ci");
    expect(steps[4]!.run).toContain("scripts?.build");
    expect(steps[1]!.with!["node-version"]).toBe("22");
  });

  it("Node's default `npm test` runs only when package.json declares a test script (an Nx monorepo's root has none)", async () => {
    const run = node.jobs.test!.steps.find((s) => s.name === "Run tests")!.run!;
    const dir = await mkdtemp(path.join(tmpdir(), "npm-test-"));
    try {
      const step = async (scripts: Record<string, string>) => {
        await writeFile(path.join(dir, "package.json"), JSON.stringify({ name: "x", scripts }));
        return execa("sh", ["-e", "-c", run], { cwd: dir, reject: false });
      };
      const none = await step({ "start:prod": "node dist/main" });
      expect([none.exitCode, none.stdout]).toEqual([0, "package.json has no test script: nothing to test"]);
      // A declared test script runs, and its failure fails the job.
      expect((await step({ test: "exit 3" })).exitCode).not.toBe(0);
      expect((await step({ test: "echo ran" })).stdout).toContain("ran");
    } finally {
      await rm(dir, { recursive: true, force: true });
    }
  });

  it.each([
    ["ruby", { software: "puma", command: "bundle exec puma" }, "Set up Ruby", "bundle exec rake\n"],
    ["php", { software: "php-fpm", command: "php-fpm" }, "Set up PHP", "vendor/bin/phpunit\n"],
    ["java", { software: "java", command: "java -jar app.jar" }, "Set up Java", "mvn -B verify\n"],
  ])("a %s app gets its own runtime, and the workflow still validates", async (_stack, web, setup, run) => {
    // No repository at hand: the stack comes from the inventory alone.
    const input = seedInput({ repoDir: "/nonexistent-target-repo" });
    input.inventory.services = input.inventory.services.map((s) =>
      s.role === "web" || s.role === "worker" ? { ...s, ...web } : s,
    );
    input.inventory.deploy.testCommand = undefined;
    const { jobs, artifacts } = await workflowFor(input);
    expect(jobs.test!.steps.map((s) => s.name)).toContain(setup);
    expect(jobs.test!.steps.find((s) => s.name === "Run tests")!.run).toBe(run);
    // No Python Dockerfile for an app that is not Python.
    expect(artifacts.some((a) => a.path === CICD_PATHS.dockerfile)).toBe(false);
    expect(await cicdPhase.validate!(artifacts, input, { source: "model" })).toEqual([]);
  });
});

const dirs: string[] = [];
afterAll(() => Promise.all(dirs.map((d) => rm(d, { recursive: true, force: true }))));

describe("database settings read one by one point at the test database", () => {
  const jobsOf = async (app: string) => {
    const out = await renderOffline(path.join(ROOT, "test/fixtures/real", app, "inventory.yaml"));
    const text = out.artifacts.find((a) => a.path === CICD_PATHS.workflow)!.content;
    return (parse(text) as { jobs: Record<string, Job> }).jobs;
  };

  it("Mastodon's DB_HOST, DB_PORT, DB_USER, DB_PASS, DB_NAME name the PostgreSQL container over TCP", async () => {
    // Unset, Rails' PostgreSQL adapter would look for a local socket the runner does not have.
    const { test } = await jobsOf("mastodon");
    expect(test!.services).toHaveProperty("postgres");
    expect(test!.env).toMatchObject({
      DB_HOST: "127.0.0.1",
      DB_PORT: "5432",
      DB_USER: "test",
      DB_PASS: "test",
      DB_NAME: "test",
    });
  });

  it("leaves to the repository what its own test setup sets (Pixelfed's .env.testing picks SQLite)", async () => {
    const { test } = await jobsOf("pixelfed");
    for (const name of ["DB_HOST", "DB_DATABASE", "DB_USERNAME", "DB_PASSWORD"])
      expect(test!.env ?? {}).not.toHaveProperty(name);
  });
});

describe("PYTEST_ADDOPTS really keeps pytest out of the worker's tests (Debian's pytest)", () => {
  it("collects the app's test and not the worker's, which would fail to import", async () => {
    const probe = await execa("/usr/bin/python3", ["-m", "pytest", "--version"], { reject: false });
    if (probe.exitCode !== 0) return console.warn("python3-pytest is not installed: skipping");
    const repo = await mkdtemp(path.join(tmpdir(), "pytest-ignore-"));
    dirs.push(repo);
    await mkdir(path.join(repo, "tests"));
    await mkdir(path.join(repo, "services/ai-worker/tests"), { recursive: true });
    await writeFile(path.join(repo, "tests/test_app.py"), "def test_app():\n    assert True\n");
    await writeFile(
      path.join(repo, "services/ai-worker/tests/test_worker.py"),
      "import module_only_the_worker_installs\n\ndef test_worker():\n    pass\n",
    );
    const run = (env: Record<string, string>) =>
      execa("/usr/bin/python3", ["-m", "pytest", "-q", "-p", "no:cacheprovider"], { cwd: repo, env, reject: false });
    const without = await run({});
    expect(without.exitCode).not.toBe(0);
    const withIgnore = await run({ PYTEST_ADDOPTS: seed.jobs.test!.env!.PYTEST_ADDOPTS! });
    expect(withIgnore.exitCode, withIgnore.stdout).toBe(0);
    expect(withIgnore.stdout).toMatch(/1 passed/);
  });
});

describe("identities and credentials", () => {
  it("the build job authenticates without a credentials file and never sets up gcloud", () => {
    const build = seed.jobs.build!;
    const auth = build.steps.find((s) => s.uses?.startsWith("google-github-actions/auth@"))!;
    expect(auth.with).toMatchObject({ create_credentials_file: false, token_format: "access_token" });
    expect(build.steps.some((s) => s.uses?.startsWith("google-github-actions/setup-gcloud@"))).toBe(false);
    const login = build.steps.find((s) => s.name === "Log in to Artifact Registry")!;
    expect(login.env).toEqual({ ACCESS_TOKEN: "${{ steps.auth.outputs.access_token }}" });
    expect(login.run).toContain("docker login -u oauth2accesstoken --password-stdin");
    // The image is built after auth: nothing auth writes may sit in the build context.
    const names = build.steps.map((s) => s.name ?? "");
    expect(names.findIndex((n) => n.startsWith("Build image"))).toBeGreaterThan(
      names.indexOf("Log in to Artifact Registry"),
    );
  });

  it("only the deploy job, in the production environment, uses the deployer", () => {
    const users = Object.entries(seed.jobs).filter(([, job]) => JSON.stringify(job).includes("WIF_DEPLOY_"));
    expect(users.map(([id, job]) => [id, job.environment])).toEqual([["deploy", "production"]]);
  });

  // The deploy job keeps auth's credentials file: setup-gcloud signs gcloud in only from the file
  // auth names in GOOGLE_GHA_CREDS_PATH. So no job but build may build, push or upload its workspace.
  it.each([
    ["seed-vm", seed],
    ["django-postgres", django],
    ["api-only", node],
  ])("%s: only the build job runs docker build and push; the deploy job ships no workspace", (_, workflow) => {
    const runsIn = (pattern: RegExp) =>
      Object.entries(workflow.jobs)
        .filter(([, job]) => job.steps.some((s) => pattern.test(s.run ?? "")))
        .map(([id]) => id);
    expect(runsIn(/\bdocker\s+(buildx\s+)?build\b/)).toEqual(["build"]);
    expect(runsIn(/\bdocker\s+push\b/)).toEqual(["build"]);
    expect(runsIn(/--source[\s=]|\bbuilds\s+submit\b|\bgsutil\b|\bstorage\s+cp\b/)).toEqual([]);
    const uploads = Object.entries(workflow.jobs).filter(([, job]) =>
      job.steps.some((s) => s.uses?.startsWith("actions/upload-artifact@")),
    );
    expect(uploads).toEqual([]);
    const deployAuth = workflow.jobs.deploy!.steps.find((s) => s.uses?.startsWith("google-github-actions/auth@"))!;
    expect(deployAuth.with?.create_credentials_file).toBeUndefined();
  });

  it(".dockerignore keeps google-github-actions/auth credential files out of the build context", () => {
    expect(templateText("cicd/dockerignore").split("\n")).toContain("gha-creds-*.json");
  });
});
