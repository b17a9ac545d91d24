// An ssh read sees what a disk read sees: for every app of the real-app corpus, init's inventory
// from `--from-host ssh://…` (the fake ssh runs the read script against the app's VM tree) is the
// inventory from `--from-host <the same tree>`, with the same repository. What the script leaves on
// the VM (secret values) is not something detection may need.
import { cp, mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import path from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { detectRepo, type DetectOptions } from "../../src/detect/detect-repo.js";
import { collectOverSsh } from "../../src/detect/ssh-host.js";
import { buildInitPlan } from "../../src/init/init-plan.js";
import { withDetectedFacts } from "../../src/init/provenance.js";
import { resolveAnswers } from "../../src/init/resolve.js";
import { parseInventory } from "../../src/inventory/load.js";
// @ts-expect-error plain JS shared with the benchmark
import { inventoryTextFor, loadCorpus } from "../../bench/fidelity-score.mjs";

const CORPUS = path.resolve(import.meta.dirname, "../fixtures/real");
const FAKE_BIN = path.resolve(import.meta.dirname, "../helpers/fake-bin");
interface App {
  app: string;
  dir: string;
  truth: { from: string };
}
const corpus: App[] = await loadCorpus(CORPUS);
const temps: string[] = [];
afterAll(() => Promise.all(temps.map((d) => rm(d, { recursive: true, force: true }))));

/** init's inventory text for `app`, its VM read from `hostRoot`, its repository at `repo`. */
function inventoryText(app: App, repo: string, hostRoot: string): Promise<string> {
  const engine = {
    detectRepo: (_dir: string, options: DetectOptions) =>
      detectRepo(repo, { ...options, host: { root: hostRoot, readListeners: async () => undefined } }),
    resolveAnswers,
    buildInitPlan,
    parseInventory,
    withDetectedFacts,
  };
  return inventoryTextFor(engine, app);
}

describe("an ssh read sees what a disk read sees", () => {
  it.each(corpus.map((a) => ({ name: a.app, app: a })))("$name", async ({ app }) => {
    // The repository is a checkout on the laptop: for an app read from its VM folder, a copy of it.
    const vm = path.join(app.dir, "vm");
    let repo = path.join(app.dir, app.truth.from);
    if (!path.relative(vm, repo).startsWith("..")) {
      const temp = await mkdtemp(path.join(tmpdir(), "im-parity-"));
      temps.push(temp);
      await cp(repo, (repo = path.join(temp, path.basename(repo))), { recursive: true, verbatimSymlinks: true });
    }
    const fromDisk = await inventoryText(app, repo, vm);
    const collected = await collectOverSsh(
      { destination: "deploy@app-vm-01" },
      { env: { PATH: `${FAKE_BIN}:${process.env.PATH}`, FAKE_SSH_ROOT: vm } },
    );
    try {
      expect(collected.warnings).toEqual([]);
      expect(await inventoryText(app, repo, collected.root)).toBe(fromDisk);
    } finally {
      await collected.cleanup();
    }
  });
});
