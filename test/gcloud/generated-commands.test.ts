// The real gcloud parses every command the generated migration runs or tells a person to run:
// setup scripts (create and update branches, and --dry-run), the deploy workflow's steps (first
// deploy and canary) and the docs, for every example inventory and the real-app corpus.
import { existsSync, readdirSync } from "node:fs";
import { rm } from "node:fs/promises";
import path from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { checkGcloud, findGcloud, gcloudCallsIn, type GcloudCall } from "../helpers/gcloud-check.js";
import { tempDir } from "../helpers/cli.js";
import { writeOffline } from "../helpers/offline-output.js";
import { ROOT } from "../helpers/phase-input.js";

/** examples/*\/inventory.yaml and test/fixtures/real/*\/inventory.yaml (the corpus, when present). */
function inventories(): string[] {
  const under = (dir: string) =>
    existsSync(dir)
      ? readdirSync(dir)
          .map((name) => path.join(dir, name, "inventory.yaml"))
          .filter((f) => existsSync(f))
      : [];
  return [...under(path.join(ROOT, "examples")), ...under(path.join(ROOT, "test/fixtures/real"))].sort();
}

const gcloud = findGcloud();
if (!gcloud) console.warn("gcloud is not installed (Debian package google-cloud-cli): skipping the real-gcloud checks");
const outDirs: string[] = [];
afterAll(() => Promise.all(outDirs.map((d) => rm(d, { recursive: true, force: true }))));

describe.skipIf(!gcloud)("every generated gcloud command parses with the real gcloud", () => {
  const calls: GcloudCall[] = [];
  const names = inventories().map((f) => path.relative(ROOT, f));

  it.each(names)("%s: generates, and its scripts and workflow run in a sandbox", async (rel) => {
    const out = await tempDir("im-gcloud-");
    outDirs.push(out);
    await writeOffline(path.join(ROOT, rel), out);
    const found = await gcloudCallsIn(out);
    // Every inventory deploys something and sets up WIF: far more than a handful of commands.
    expect(found.length).toBeGreaterThan(20);
    calls.push(...found.map((c) => ({ ...c, source: `${path.dirname(rel)}: ${c.source}` })));
  });

  it("gcloud accepts every one of them (an auth error means the arguments parsed)", async () => {
    expect(calls.length).toBeGreaterThan(0);
    const result = await checkGcloud(calls);
    console.info(`gcloud-check: ${result.checked} distinct commands from ${calls.length} calls`);
    expect(result.findings).toEqual([]);
  }, 300_000);
});
