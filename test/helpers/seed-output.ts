// The example's offline `run` output, made once per test run and copied for each test that starts
// from it (e2e files used to run the built CLI for the same output each: ~2-3 s of CPU apiece).
// A test gets its own copy, so it may change files freely; `check` on a copy is current (the
// manifest and caches hold no absolute paths). A test that needs its own run but not a first
// validation takes only the output's validation verdicts (`copyVerdicts`): its run then reuses
// them for every file whose bytes match, exactly as a user's rerun does, and validates the rest. Test files run in separate processes: the first
// to ask builds it under a lock (mkdir), the others wait for its `ready` marker.
import { existsSync } from "node:fs";
import { cp, mkdir, readFile, writeFile } from "node:fs/promises";
import path from "node:path";
import { setTimeout as sleep } from "node:timers/promises";
import { inject } from "vitest";
import { runCli, tempDir } from "./cli.js";
import { SEED_INVENTORY } from "./phase-input.js";
import "./global-setup.js"; // the ProvidedContext type

const WAIT_MS = 170_000;
let built: Promise<string> | undefined;

/** Build `name` once per test run with `make(dir)` (shared by every test file), return its folder. */
export async function sharedOutput(name: string, make: (dir: string) => Promise<void>): Promise<string> {
  const root = inject("sharedOutputsDir");
  const dir = path.join(root, name);
  const ready = `${dir}.ready`;
  const failed = `${dir}.failed`;
  try {
    await mkdir(`${dir}.lock`);
  } catch {
    // Another test file is building it: wait for the result.
    for (const start = Date.now(); Date.now() - start < WAIT_MS; await sleep(100)) {
      if (existsSync(ready)) return dir;
      if (existsSync(failed)) throw new Error(`shared output ${name}: ${await readFile(failed, "utf8")}`);
    }
    throw new Error(`shared output ${name}: not built after ${WAIT_MS / 1000} s`);
  }
  try {
    await mkdir(dir);
    await make(dir);
    await writeFile(ready, "");
    return dir;
  } catch (error) {
    await writeFile(failed, String((error as Error).message ?? error));
    throw error;
  }
}

/** The shared `infra-migrate run --inventory <seed> --provider offline` output (built CLI): do not change it. */
export function seedOutput(): Promise<string> {
  built ??= sharedOutput("seed-offline", async (dir) => {
    const run = await runCli(["run", "--inventory", SEED_INVENTORY, "--out", dir, "--provider", "offline", "--quiet"]);
    if (run.exitCode !== 0) throw new Error(`run exited ${run.exitCode}: ${String(run.stderr)}`);
  });
  return built;
}

/** A fresh copy of the seed's offline output, to change freely. */
export async function seedOutputCopy(prefix = "im-e2e-seed-"): Promise<string> {
  return copyOf(await seedOutput(), prefix);
}

export async function copyOf(source: string, prefix: string): Promise<string> {
  const out = await tempDir(prefix);
  await cp(source, out, { recursive: true, preserveTimestamps: true });
  return out;
}

// src/pipeline/run-pipeline.ts's VERDICTS_FILE (not imported: that would load the whole pipeline
// into files that only run the built CLI); a renamed file fails the copy, loudly.
const VERDICTS = ".infra-migrate/local/verdicts.json";

/** Give `target` (made if missing) the validation verdicts `source`'s run kept, and nothing else. */
export async function copyVerdicts(source: string, target: string): Promise<void> {
  await mkdir(path.dirname(path.join(target, VERDICTS)), { recursive: true });
  await cp(path.join(source, VERDICTS), path.join(target, VERDICTS));
}
