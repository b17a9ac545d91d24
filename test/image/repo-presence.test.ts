// A folder is a repository to read only when it holds a file of the app's: an empty `--out` folder,
// or one holding only a previous run's output, is none. Reading such a folder as "a repository with
// no source" made the deploy workflow lose its test job on the second run into the same --out (and
// on the first run into a folder made beforehand with mkdir).
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { openRepo } from "../../src/image/repo.js";
import { parse } from "yaml";
import { offlineCicd } from "../../src/phases/cicd/offline.js";
import { CICD_PATHS, renderCicd } from "../../src/phases/cicd/render.js";
import { nothingToTest } from "../../src/phases/cicd/runtime.js";
import { chainYaml, EXAMPLE } from "../helpers/chain.js";
import { RAILS_SHOP } from "../helpers/rails-shop.js";
import type { Artifact } from "../../src/write/plan.js";
import { writeOffline } from "../helpers/offline-output.js";
import { TempTrees } from "../helpers/file-tree.js";

const trees = new TempTrees("im-repo-presence-");
const dirs: string[] = [];
afterAll(() => {
  trees.removeAll();
  dirs.forEach((d) => rmSync(d, { recursive: true, force: true }));
});

describe("openRepo(...).present", () => {
  it("is false for a missing folder, an empty one and one holding only git's and infra-migrate's state", async () => {
    expect(openRepo("/nonexistent/app").present).toBe(false);
    const empty = mkdtempSync(path.join(tmpdir(), "im-empty-"));
    dirs.push(empty);
    expect(openRepo(empty).present).toBe(false);
    mkdirSync(path.join(empty, ".git"));
    writeFileSync(path.join(empty, ".git", "HEAD"), "ref: refs/heads/main\n");
    mkdirSync(path.join(empty, ".infra-migrate"));
    writeFileSync(path.join(empty, ".infra-migrate", "manifest.json"), '{"version":1,"files":{}}');
    expect(openRepo(empty).present).toBe(false);
  });

  it("is false for a previous run's output (the paths its manifest lists, or `ignore` names), true beside one file of the app's", async () => {
    const out = mkdtempSync(path.join(tmpdir(), "im-rerun-"));
    dirs.push(out);
    const artifacts = await writeOffline(EXAMPLE("seed-vm"), out);
    const generated = new Set(artifacts.map((a) => a.path));
    expect(generated.has(".github/workflows/deploy.yml")).toBe(true);
    // The helper writes no manifest: the generated set tells them apart…
    expect(openRepo(out).present).toBe(true);
    expect(openRepo(out, generated).present).toBe(false);
    // …and so does the manifest a run leaves, for readers that are not given the set.
    const files = Object.fromEntries([...generated].map((p) => [p, { sha256: "0", phase: "x" }]));
    mkdirSync(path.join(out, ".infra-migrate"), { recursive: true });
    writeFileSync(path.join(out, ".infra-migrate", "manifest.json"), JSON.stringify({ version: 1, files }));
    expect(openRepo(out).present).toBe(false);
    writeFileSync(path.join(out, "requirements.txt"), "fastapi\n");
    expect(openRepo(out).present).toBe(true);
    expect(openRepo(await trees.make({ "src/app.py": "print(1)\n" })).present).toBe(true);
  });

  it("a rerun into the same --out keeps the workflow's test job", () => {
    const out = mkdtempSync(path.join(tmpdir(), "im-rerun-"));
    dirs.push(out);
    const yaml = RAILS_SHOP.replace(
      "deploy: { method: ssh-systemctl }",
      'deploy: { method: ssh-systemctl, testCommand: "bundle exec rspec" }',
    );
    const { input } = chainYaml(yaml);
    const generate = () => {
      const cicdInput = { ...input, repoDir: out };
      return renderCicd(offlineCicd(cicdInput), cicdInput);
    };
    const jobs = (artifacts: Artifact[]) =>
      (parse(artifacts.find((a) => a.path === CICD_PATHS.workflow)!.content) as { jobs: Record<string, unknown> }).jobs;
    // The first run into an empty folder (made beforehand with mkdir) tests what the inventory says…
    const artifacts = generate();
    expect(JSON.stringify(jobs(artifacts).test)).toContain("bundle exec rspec");
    // …and so does the next one, over the files and manifest the first one left.
    for (const a of artifacts) {
      mkdirSync(path.dirname(path.join(out, a.path)), { recursive: true });
      writeFileSync(path.join(out, a.path), a.content);
    }
    const files = Object.fromEntries(artifacts.map((a) => [a.path, { sha256: "0", phase: "cicd" }]));
    mkdirSync(path.join(out, ".infra-migrate"), { recursive: true });
    writeFileSync(path.join(out, ".infra-migrate", "manifest.json"), JSON.stringify({ version: 1, files }));
    expect(nothingToTest(input.inventory, "ruby", out)).toBeUndefined();
    expect(Object.keys(jobs(generate()))).toEqual(Object.keys(jobs(artifacts)));
  });
});
