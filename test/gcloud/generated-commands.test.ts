// The real gcloud parses every command the generated migration runs or tells a person to run:
// setup scripts (create and update branches, and --dry-run), the deploy workflow's steps (first
// deploy and canary) and the docs, for every example inventory and the real-app corpus.
import { existsSync } from "node:fs";
import { rm } from "node:fs/promises";
import { availableParallelism } from "node:os";
import path from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { checkGcloud, findGcloud, gcloudCallsIn, type GcloudCall } from "../helpers/gcloud-check.js";
import { commandShape, inventoryNames } from "../helpers/gcloud-shape.js";
import { tempDir } from "../helpers/cli.js";
import { corpusWithFilestore } from "../helpers/filestore-inventory.js";
import { corpusWithLlm } from "../helpers/llm-inventory.js";
import { serverDatabasesInventory } from "../helpers/server-databases-inventory.js";
import { writeOffline } from "../helpers/offline-output.js";
import { inputFromFile, inventoryDirs, ROOT } from "../helpers/phase-input.js";
import { phaseMeta } from "../../src/phases/registry.js";

/**
 * examples/*\/inventory.yaml and test/fixtures/real/*\/inventory.yaml (the corpus, when present),
 * each that deploys something (a SQLite-only app keeps every process off Cloud Run: no cicd), by
 * name, and the Rails corpus app with an llm section: its private AI gateway's setup and deploy
 * (test/phases/llmops/gateway-corpus.test.ts's case) are parsed with the rest.
 */
const GATEWAY_APP = "maybe";
/** The corpus app whose data written in place (git repositories, indexes) goes to Filestore once decided. */
const FILESTORE_APP = "gitea";
const disposers: Array<() => void> = [];
afterAll(() => disposers.forEach((dispose) => dispose()));
const inventories = (): Map<string, { file: string; repo?: string }> => {
  const found = new Map<string, { file: string; repo?: string }>();
  for (const d of inventoryDirs()) found.set(`${d}/inventory.yaml`, { file: path.join(ROOT, d, "inventory.yaml") });
  if (existsSync(path.join(ROOT, "test/fixtures/real", GATEWAY_APP, "inventory.yaml"))) {
    const { file, repo, dispose } = corpusWithLlm(GATEWAY_APP);
    // Removed by the file's own afterAll above, which runs even where gcloud is absent and the
    // describe's hooks do not.
    disposers.push(dispose);
    found.set(`test/fixtures/real/${GATEWAY_APP}/inventory.yaml + llm`, { file, repo });
  }
  if (existsSync(path.join(ROOT, "test/fixtures/real", FILESTORE_APP, "inventory.yaml"))) {
    const { file, repo, dispose } = corpusWithFilestore(FILESTORE_APP);
    disposers.push(dispose);
    found.set(`test/fixtures/real/${FILESTORE_APP}/inventory.yaml + filestore`, { file, repo });
  }
  // One server, two databases (an API's and Keycloak's): setup-database.sh runs itself again with
  // --for keycloak, whose database, user and JDBC settings are parsed with the rest.
  const twoDatabases = serverDatabasesInventory();
  disposers.push(twoDatabases.dispose);
  found.set("server with two databases", { file: twoDatabases.file });
  for (const [name, { file }] of found)
    if (phaseMeta("cicd").skipReason?.(inputFromFile(file).inventory)) found.delete(name);
  return found;
};

const gcloud = findGcloud();
if (!gcloud) console.warn("gcloud is not installed (Debian package google-cloud-cli): skipping the real-gcloud checks");
const outDirs: string[] = [];
afterAll(() => Promise.all(outDirs.map((d) => rm(d, { recursive: true, force: true }))));

/**
 * At most one inventory per core generates and runs its scripts at a time: all 15 at once
 * (it.concurrent) overloaded the 2 cores and took longer than this.
 */
const slots = { free: availableParallelism(), waiting: [] as Array<() => void> };
/** vitest.config.ts's testTimeout: one inventory's own work, on a loaded machine. */
const TURN_TIMEOUT = 180_000;
async function oneAtATimePerCore<T>(work: () => Promise<T>): Promise<T> {
  if (slots.free > 0) slots.free--;
  else await new Promise<void>((resolve) => slots.waiting.push(resolve));
  try {
    return await work();
  } finally {
    const next = slots.waiting.shift();
    if (next) next();
    else slots.free++;
  }
}

describe.skipIf(!gcloud)("every generated gcloud command parses with the real gcloud", () => {
  const calls: Array<GcloudCall & { shape: string }> = [];
  const all = inventories();
  const names = [...all.keys()];

  it.concurrent.each(names)(
    "%s: generates, and its scripts and workflow run in a sandbox",
    async (rel) => {
      const { file, repo } = all.get(rel)!;
      const out = await tempDir("im-gcloud-");
      outDirs.push(out);
      const found = await oneAtATimePerCore(async () => {
        await writeOffline(file, out, ...(repo ? [repo] : []));
        return gcloudCallsIn(out);
      });
      // Every inventory deploys something and sets up WIF: far more than a handful of commands.
      expect(found.length).toBeGreaterThan(20);
      // Whether a Cloud Run service or job exists is asked by `describe NAME`: a list filter on the
      // name also matches NAME-worker, which would send a first deploy down the canary path.
      const filtered = found.filter((c) => c.argv[0] === "run" && c.argv.some((a) => /^--filter\b/.test(a)));
      expect(filtered.map((c) => `${c.source}: gcloud ${c.argv.join(" ")}`)).toEqual([]);
      // The same command shape recurs in every inventory under other names: canonical names (valid
      // ones: gcloud checks their form) let one parse stand for all, ~4x fewer commands to run.
      const { inventory } = inputFromFile(file);
      const names: Array<[string, string]> = [
        [inventory.target.project ?? "", "canonical-project"],
        [inventory.target.service ?? "", "svc"],
        [inventory.metadata.name, "app"],
        [inventory.target.region, "us-central1"],
      ];
      // Whole names only (not inside "repositories"): bounded by anything but a letter or digit.
      const patterns = names
        .filter(([from]) => from.length >= 3)
        .map(
          ([from, to]) =>
            [new RegExp(`(?<![a-z0-9])${from.replace(/[.*+?^${}()|[\]\\]/g, "\\$&")}(?![a-z0-9])`, "g"), to] as const,
        );
      const canonical = (word: string) => patterns.reduce((w, [re, to]) => w.replace(re, to), word);
      // The names the inventory chose (processes, env vars) and free text make the rest of the
      // difference between inventories and between one inventory's processes: one command per
      // shape is parsed (test/helpers/gcloud-shape.ts), standing for every command of that shape.
      const identifiers = inventoryNames(inventory);
      calls.push(
        ...found.map((c) => {
          const argv = c.argv.map(canonical);
          return {
            argv,
            source: `${rel.replace("/inventory.yaml", "")}: ${c.source}`,
            shape: commandShape(argv, identifiers),
          };
        }),
      );
      // Every case starts at once and waits its turn for a core (oneAtATimePerCore): its time includes
      // the turns before it, so the budget is the config's per-test timeout for each turn it may wait.
    },
    TURN_TIMEOUT * Math.ceil(names.length / availableParallelism()),
  );

  it("gcloud accepts every one of them (an auth error means the arguments parsed)", async () => {
    expect(calls.length).toBeGreaterThan(0);
    // The corpus apps' upload folders are mounted with their image user as owner: those deploys take
    // gcloud's beta track, and the checker refuses mount options on any other (gcloud-batch.py).
    if (names.some((n) => n.startsWith("test/fixtures/real/")))
      expect(calls.some((c) => c.argv[0] === "beta" && c.argv.some((a) => /,mount-options=uid=\d+/.test(a)))).toBe(
        true,
      );
    // The AI gateway's commands: its deploy, the URL lookup, its invoker grant, its account (more
    // than a couple), each parsed below through its shape like every other call.
    if (names.some((n) => n.endsWith(" + llm")))
      expect(
        calls.filter((c) => c.source.includes(" + llm: ") && c.argv.some((w) => /ai-gateway/.test(w))).length,
      ).toBeGreaterThan(3);
    // The decided Filestore case: the instance setup-network.sh creates and the NFS volume the deploy
    // mounts, on gen2 (parsed below through their shapes like every other call).
    if (names.some((n) => n.endsWith(" + filestore"))) {
      const own = calls.filter((c) => c.source.includes(" + filestore: "));
      expect(own.some((c) => c.argv.slice(0, 3).join(" ") === "filestore instances create")).toBe(true);
      expect(
        own.some(
          (c) =>
            c.argv.includes("--execution-environment=gen2") &&
            c.argv.some((a) => /^--add-volume=name=[a-z0-9-]+,type=nfs,location=\d+\.\d+\.\d+\.\d+:\/data$/.test(a)),
        ),
      ).toBe(true);
    }
    // The second database's own run: its database and the JDBC URL stored for its own user.
    const twoDatabases = calls.filter((c) => c.source.startsWith("server with two databases: "));
    expect(twoDatabases.some((c) => c.argv.slice(0, 4).join(" ") === "sql databases create keycloak")).toBe(true);
    const byShape = new Map<string, GcloudCall>();
    for (const call of calls) if (!byShape.has(call.shape)) byShape.set(call.shape, call);
    const result = await checkGcloud([...byShape.values()]);
    const distinct = new Set(calls.map((c) => JSON.stringify(c.argv))).size;
    console.info(
      `gcloud-check: ${result.checked} command shapes parsed for ${distinct} distinct commands from ${calls.length} calls`,
    );
    expect(result.findings).toEqual([]);
    // Every call's shape was parsed through the command that stands for it: one lost between here
    // and gcloud (dedup, the from-file placeholder, a short results file) would show here.
    const none = { lower: [], upper: [] };
    const parsed = new Set(result.commands.map((argv) => commandShape(argv, none)));
    const unparsed = calls.filter((c) => !parsed.has(commandShape(byShape.get(c.shape)!.argv, none)));
    expect(unparsed.map((c) => `${c.source}: gcloud ${c.argv.join(" ")}`)).toEqual([]);
  }, 300_000);
});
