// Issue 14, point 8: every runtime the generated files pin is a supported release, for every
// example and corpus inventory: the FROM lines of the Dockerfiles infra-migrate writes (the app's
// and the AI worker's) and the versions the workflow's setup actions install. A VM's end-of-life
// runtime (Python 3.10, Node 20…) must not reach the image or CI. The one exception is the app's
// own declaration excluding every supported release (Ghost 5.96's engines.node ^18.12.1 ||
// ^20.11.1: it will not start on Node 22): the image then uses the highest release with an
// official image that the app allows, and its Dockerfile says the release is past its end of life.
import path from "node:path";
import { parse } from "yaml";
import { describe, expect, it } from "vitest";
import { IMAGE_RELEASES, SUPPORTED, type Stack } from "../../../src/phases/cicd/runtime.js";
import { renderOffline } from "../../helpers/offline-output.js";
import { inputFromFile, inventoryDirs, ROOT } from "../../helpers/phase-input.js";
import { phaseMeta } from "../../../src/phases/registry.js";

/** Every inventory cicd applies to (not one whose every process stays off Cloud Run: SQLite-only apps). */
const inventories = inventoryDirs().filter(
  (dir) => !phaseMeta("cicd").skipReason?.(inputFromFile(path.join(ROOT, dir, "inventory.yaml")).inventory),
);

/** Official image names and setup-action inputs, by the stack whose release they name. */
const IMAGES: Record<string, Stack> = {
  python: "python",
  node: "node",
  ruby: "ruby",
  golang: "go",
  php: "php",
  "eclipse-temurin": "java",
};
const ACTION_INPUTS: Record<string, Stack> = {
  "python-version": "python",
  "node-version": "node",
  "ruby-version": "ruby",
  "go-version": "go",
  "php-version": "php",
  "java-version": "java",
};

/** `[stack, version, where]` for every runtime release a generated file pins. */
function pinnedRuntimes(files: { path: string; content: string }[]): Array<[Stack, string, string]> {
  const found: Array<[Stack, string, string]> = [];
  for (const f of files.filter((a) => /(^|\/)Dockerfile$/.test(a.path))) {
    for (const m of f.content.matchAll(/^FROM\s+([a-z0-9.-]+):(\d+(?:\.\d+)?)/gm)) {
      const stack = IMAGES[m[1]!];
      if (stack) found.push([stack, m[2]!, `${f.path}: ${m[0]}`]);
    }
  }
  for (const f of files.filter((a) => a.path.startsWith(".github/workflows/"))) {
    const workflow = parse(f.content) as { jobs: Record<string, { steps?: { with?: Record<string, unknown> }[] }> };
    for (const [id, job] of Object.entries(workflow.jobs))
      for (const step of job.steps ?? [])
        for (const [input, value] of Object.entries(step.with ?? {})) {
          const stack = ACTION_INPUTS[input];
          if (stack) found.push([stack, String(value), `${f.path} ${id}: ${input}: ${String(value)}`]);
        }
  }
  return found;
}

/**
 * Corpus apps whose VM runs a prebuilt release (Mattermost, Metabase) or published images (Immich)
 * with no project in their folder (their READMEs).
 */
const NO_PROJECT = new Set(["mattermost", "metabase", "immich"]);
/** Corpus apps whose repository holds a project but no test suite (Nextcloud's release: no PHPUnit, no tests/). */
const NO_SUITE = new Set(["nextcloud"]);

describe.each(inventories)("%s: runtimes are supported releases", (dir) => {
  it("in every generated Dockerfile and every setup action of the workflow", async () => {
    const { artifacts } = await renderOffline(path.join(ROOT, dir, "inventory.yaml"));
    const pinned = pinnedRuntimes(artifacts);
    // Every inventory has a test job that installs its runtime, but for an app whose repository holds
    // no project to test (a prebuilt release on the VM: test/phases/cicd/prebuilt-release.test.ts).
    const workflow = artifacts.find((a) => a.path === ".github/workflows/deploy.yml")!.content;
    const app = path.basename(dir);
    expect(workflow.includes("::notice::No test runs: ")).toBe(NO_PROJECT.has(app) || NO_SUITE.has(app));
    if (!NO_PROJECT.has(path.basename(dir))) expect(pinned.length).toBeGreaterThan(0);
    const dockerfiles = artifacts.filter((a) => /(^|\/)Dockerfile$/.test(a.path)).map((a) => a.content);
    for (const [stack, version, where] of pinned) {
      if (SUPPORTED[stack].includes(version)) continue;
      expect(IMAGE_RELEASES[stack], where).toContain(version);
      expect(
        dockerfiles.some((d) =>
          d.includes(`engines.node; the highest LTS release the range allows; Node ${version} is past its end of life`),
        ),
        where,
      ).toBe(true);
    }
  });
});

describe("the check itself", () => {
  it("sees an end-of-life release in a Dockerfile and in a setup action", () => {
    const pinned = pinnedRuntimes([
      { path: "Dockerfile", content: "FROM python:3.10-slim AS build\nFROM node:20-slim\n" },
      {
        path: ".github/workflows/deploy.yml",
        content: "jobs:\n  test:\n    steps:\n      - with:\n          ruby-version: '3.2'\n",
      },
    ]);
    expect(pinned.map(([stack, version]) => [stack, version, SUPPORTED[stack].includes(version)])).toEqual([
      ["python", "3.10", false],
      ["node", "20", false],
      ["ruby", "3.2", false],
    ]);
  });
});
