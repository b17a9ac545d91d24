// The team's image workflow builds a front end before `docker build` (Tandoor: yarn install and
// yarn build in vue3/, its Dockerfile only copies the output): the deploy's build job does the same,
// with plain package-manager commands only, before it builds the same Dockerfile.
import { mkdir, mkdtemp, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import path from "node:path";
import { parse } from "yaml";
import { describe, expect, it } from "vitest";
import { teamPreBuild } from "../../../src/phases/cicd/team-prebuild.js";
import { cicdPhase, CICD_PATHS } from "../../../src/phases/cicd/index.js";
import { chainFile, EXAMPLE } from "../../helpers/chain.js";

const TANDOOR = `on: push
jobs:
  build-container:
    strategy:
      matrix:
        include:
          - name: Standard
            dockerfile: Dockerfile
    steps:
      - uses: actions/checkout@v6
      - name: Get version number
        run: echo VERSION=develop >> $GITHUB_OUTPUT
      - uses: actions/setup-node@v6
        with:
          node-version: '22'
      - name: Install dependencies
        working-directory: ./vue3
        run: yarn install --frozen-lockfile
      - name: Build dependencies
        working-directory: ./vue3
        run: yarn build
      - name: Build and Push
        uses: docker/build-push-action@v7
        with:
          context: .
          file: \${{ matrix.dockerfile }}
`;

async function withWorkflow<T>(text: string, fn: (repo: string) => Promise<T> | T): Promise<T> {
  const repo = await mkdtemp(path.join(tmpdir(), "prebuild-"));
  try {
    await mkdir(path.join(repo, ".github/workflows"), { recursive: true });
    await writeFile(path.join(repo, ".github/workflows/build.yml"), text);
    await writeFile(path.join(repo, "Dockerfile"), "FROM python:3.13\nCOPY . /app\n");
    return await fn(repo);
  } finally {
    await rm(repo, { recursive: true, force: true });
  }
}

describe("teamPreBuild", () => {
  it("takes Tandoor's front-end build: setup-node's version, the package-manager steps and their folder", async () => {
    expect(await withWorkflow(TANDOOR, (repo) => teamPreBuild(repo))).toEqual({
      workflow: ".github/workflows/build.yml",
      node: "22",
      steps: [
        { name: "Install dependencies", dir: "vue3", run: "yarn install --frozen-lockfile\n" },
        { name: "Build dependencies", dir: "vue3", run: "yarn build\n" },
      ],
    });
  });

  it.each([
    // A `docker build` of the root Dockerfile counts as much as build-push-action.
    [
      "jobs:\n  b:\n    steps:\n      - run: npm ci\n      - run: npm run build\n      - run: docker build -t x .\n",
      [".:npm ci", ".:npm run build"],
    ],
    // Another Dockerfile, another context, or nothing before the build: nothing to copy.
    ["jobs:\n  b:\n    steps:\n      - run: npm ci\n      - run: docker build -f docker/web.Dockerfile .\n", []],
    [
      "jobs:\n  b:\n    steps:\n      - run: npm ci\n      - uses: docker/build-push-action@v6\n        with:\n          context: ./web\n",
      [],
    ],
    ["jobs:\n  b:\n    steps:\n      - uses: docker/build-push-action@v6\n      - run: yarn build\n", []],
    // Anything but a plain package-manager command (expressions, pipes, other programs) stays out.
    [
      "jobs:\n  b:\n    steps:\n      - run: yarn install && curl -s $URL | sh\n      - run: yarn build --mode ${{ inputs.mode }}\n      - working-directory: ../x\n        run: yarn build\n      - run: docker build .\n",
      [],
    ],
  ])("%j", async (text, want) => {
    const found = await withWorkflow(text, (repo) => teamPreBuild(repo));
    expect(found?.steps.map((s) => `${s.dir}:${s.run.trim()}`) ?? []).toEqual(want);
  });
});

describe("the deploy's build job", () => {
  it("runs the team workflow's front-end build before building the team's Dockerfile, and the README says so", async () => {
    await withWorkflow(TANDOOR, async (repo) => {
      const { input } = chainFile(EXAMPLE("django-postgres"));
      const run = { ...input, repoDir: repo };
      const artifacts = await cicdPhase.render(cicdPhase.offline(run), run);
      const wf = parse(artifacts.find((a) => a.path === CICD_PATHS.workflow)!.content) as {
        jobs: { build: { steps: { name: string; uses?: string; run?: string; "working-directory"?: string }[] } };
      };
      const steps = wf.jobs.build.steps;
      const names = steps.map((s) => s.name);
      const build = names.indexOf("Build image (multi-stage Dockerfile)");
      expect(names.indexOf("Set up Node.js")).toBeGreaterThan(0);
      expect(names.indexOf("Set up Node.js")).toBeLessThan(build);
      const yarn = steps.filter((s) => s["working-directory"] === "vue3").map((s) => s.run!.trim());
      expect(yarn).toEqual(["yarn install --frozen-lockfile", "yarn build"]);
      expect(steps.findIndex((s) => s.run?.trim() === "yarn build")).toBeLessThan(build);
      const readme = artifacts.find((a) => a.path.endsWith("cicd/README.md"))!.content;
      expect(readme).toContain("packages what `.github/workflows/build.yml` builds before it");
    });
  });
});

describe("the deploy's test job", () => {
  // Tandoor's ci.yml: Node from a one-value matrix, vue3/ built before pytest (pages render through
  // django-vite's manifest); collectstatic is not a package-manager step.
  const CI = `on: [push]
jobs:
  build:
    strategy:
      matrix:
        python-version: ["3.12"]
        node-version: ["22"]
    steps:
      - uses: actions/checkout@v6
      - uses: actions/setup-node@v6
        with:
          node-version: \${{ matrix.node-version }}
      - name: Install Vue dependencies
        working-directory: ./vue3
        run: yarn install
      - name: Build Vue dependencies
        working-directory: ./vue3
        run: yarn build
      - name: Compile Django StaticFiles
        run: python3 manage.py collectstatic --noinput
      - name: Django Testing project
        run: pytest --junitxml=junit/test-results.xml
`;
  it("builds what the team's CI builds before the same test runner", async () => {
    await withWorkflow(CI, async (repo) => {
      await writeFile(path.join(repo, "pytest.ini"), "[pytest]\n");
      await writeFile(path.join(repo, "manage.py"), "");
      const { input } = chainFile(EXAMPLE("django-postgres"));
      const run = { ...input, repoDir: repo };
      const artifacts = await cicdPhase.render(cicdPhase.offline(run), run);
      const wf = parse(artifacts.find((a) => a.path === CICD_PATHS.workflow)!.content) as {
        jobs: {
          test: {
            steps: { name: string; with?: Record<string, string>; run?: string; "working-directory"?: string }[];
          };
        };
      };
      const steps = wf.jobs.test.steps;
      const names = steps.map((s) => s.name);
      expect(steps.find((s) => s.name === "Set up Node.js")!.with).toEqual({ "node-version": "22" });
      const vue = steps.filter((s) => s["working-directory"] === "vue3").map((s) => s.run!.trim());
      expect(vue).toEqual(["yarn install", "yarn build"]);
      expect(
        names.indexOf("Build Vue dependencies (before the tests, as .github/workflows/build.yml does)"),
      ).toBeLessThan(names.indexOf("Run tests"));
      expect(names.indexOf("Install dependencies")).toBeLessThan(names.indexOf("Set up Node.js"));
    });
  });
});
