// Issue 16's figures, each beside its target: an offline `run` of the example the first time
// (wall time and peak memory), `run` again with nothing changed, `check` when everything is
// current (also as a multiple of a bare `node -e 0`), an offline `run` of a 500-service
// inventory, and the test suite's last full run (from the report vitest writes then).
// Each process runs under GNU time when present, so CPU time (user + system, children included)
// is printed beside the wall time: on a shared, loaded machine the wall time is mostly waiting
// for a core, and the CPU time is what the wall time is on a quiet one (single-threaded work).
// BENCH_PRIORITY=rt runs each measured process (and its validators) at real-time round-robin
// priority (chrt -r 10, as root): the nearest a busy shared machine gets to an idle one for the
// wall time, at the cost of pausing everyone else's work for those seconds. Off by default.
import { execFileSync } from "node:child_process";
import { existsSync, readFileSync, rmSync, statSync, writeFileSync } from "node:fs";
import { loadavg } from "node:os";
import path from "node:path";
import { BIN, ROOT, SEED, cleanEnv, median, tmp } from "./lib.mjs";
import { generateInventory } from "./gen-inventory.mjs";

const GNU_TIME = existsSync("/usr/bin/time") ? "/usr/bin/time" : undefined;
const PRIORITY =
  process.env.BENCH_PRIORITY === "rt" && existsSync("/usr/bin/chrt") ? ["/usr/bin/chrt", "-r", "10"] : [];
const timeFile = path.join(tmp(), "time.txt");

/** One process: wall ms, CPU ms (user + system, children included), peak RSS MiB (GNU time only). */
function once(args, env) {
  const start = process.hrtime.bigint();
  if (!GNU_TIME) {
    const [file, ...rest] = [...PRIORITY, process.execPath, ...args];
    execFileSync(file, rest, { env, cwd: ROOT, stdio: ["ignore", "ignore", "pipe"] });
    return { wall: Number(process.hrtime.bigint() - start) / 1e6 };
  }
  execFileSync(GNU_TIME, ["-f", "%U %S %M", "-o", timeFile, ...PRIORITY, process.execPath, ...args], {
    env,
    cwd: ROOT,
    stdio: ["ignore", "ignore", "pipe"],
  });
  const wall = Number(process.hrtime.bigint() - start) / 1e6;
  const [user, sys, kib] = readFileSync(timeFile, "utf8").trim().split("\n").pop().split(" ").map(Number);
  return { wall, cpu: (user + sys) * 1000, rss: kib / 1024 };
}

function measure(name, args, { runs = 7, warmup = 1, before, env = cleanEnv(), target } = {}) {
  const samples = [];
  for (let i = 0; i < warmup + runs; i++) {
    before?.();
    let sample;
    try {
      sample = once(args, env);
    } catch (error) {
      const why = String(error.stderr ?? error.message)
        .trim()
        .split("\n")[0];
      console.log(`${name.padEnd(44)} FAILED (exit ${error.status}): ${why}`);
      return { failed: why };
    }
    if (i >= warmup) samples.push(sample);
  }
  const med = (key) => median(samples.map((s) => s[key]).sort((a, b) => a - b));
  const cpu = samples[0].cpu === undefined ? "" : `  cpu ${med("cpu").toFixed(0).padStart(5)} ms`;
  const rss = samples[0].rss === undefined ? "" : `  rss ${med("rss").toFixed(0).padStart(4)} MiB`;
  console.log(
    `${name.padEnd(44)} wall ${med("wall").toFixed(0).padStart(5)} ms${cpu}${rss}${target ? `  (target ${target})` : ""}`,
  );
  return { wall: med("wall"), cpu: samples[0].cpu === undefined ? undefined : med("cpu") };
}

console.log(
  `load average ${loadavg()
    .map((l) => l.toFixed(1))
    .join(
      " ",
    )} (figures are for a quiet machine when ≈ 0)${PRIORITY.length ? "; measured at real-time priority (BENCH_PRIORITY=rt)" : ""}`,
);
const out = tmp();
const fresh = () => rmSync(out, { recursive: true, force: true });
const run = (inventory) => [BIN, "run", "--inventory", inventory, "--out", out, "--provider", "offline", "--quiet"];
const check = [BIN, "check", "--inventory", SEED, "--out", out, "--quiet"];

const bare = measure("node -e 0 (baseline)", ["-e", "0"], { runs: 15, warmup: 2 });
measure("offline run, example, first time", run(SEED), { runs: 5, before: fresh, target: "≤ 1500 ms, ≤ 200 MiB" });
// The same from the separate modules tsc wrote instead of the bundle and its code cache
// (dist/cli.cjs, scripts/bundle-cli.mjs): what the bundle is worth.
const modulesEnv = cleanEnv({ INFRA_MIGRATE_BUNDLE: "off" });
measure("… from separate modules (no bundle)", run(SEED), { runs: 3, before: fresh, env: modulesEnv });
fresh();
execFileSync(process.execPath, run(SEED), { env: cleanEnv(), stdio: "ignore" });
measure("run again, nothing changed", run(SEED), { runs: 9, target: "≤ 600 ms" });
const current = measure("check, everything current", check, { runs: 9, target: "≤ 600 ms, ≤ 5× node -e 0" });
const ratio = (key) => (current[key] / bare[key]).toFixed(1);
console.log(`${"check over node -e 0".padEnd(44)} wall ${ratio("wall")}×${bare.cpu ? `  cpu ${ratio("cpu")}×` : ""}`);
measure("… from separate modules (no bundle)", check, { runs: 9, env: modulesEnv });
measure("check, everything current, cache off", check, { runs: 3, env: cleanEnv({ INFRA_MIGRATE_CACHE: "off" }) });

const big = path.join(tmp(), "inventory-500.yaml");
writeFileSync(big, generateInventory(500));
const bigRun = { runs: 3, before: fresh, target: "≤ 4000 ms" };
const failedPhase = measure("offline run, 500 services, first time", run(big), bigRun).failed?.match(
  /phase (\w+)/,
)?.[1];
if (failedPhase) measure(`… without ${failedPhase}, which failed`, [...run(big), "--skip", failedPhase], bigRun);
fresh();

// The suite is not run here (minutes, and the whole machine): a full `vitest run` writes this.
const suite = path.join(ROOT, ".vitest-cache/report.json");
if (existsSync(suite)) {
  const doc = JSON.parse(readFileSync(suite, "utf8"));
  const files = doc.testResults ?? [];
  const end = Math.max(...files.map((f) => f.endTime ?? 0));
  const tests = files.flatMap((f) =>
    (f.assertionResults ?? []).map((t) => ({ ...t, file: path.relative(ROOT, f.name) })),
  );
  const when = new Date(statSync(suite).mtimeMs).toISOString().slice(0, 16).replace("T", " ");
  console.log(
    `${"vitest, last full run".padEnd(44)} ${((end - doc.startTime) / 1000).toFixed(0)} s, ${doc.numTotalTests} tests in ${files.length} files (${when} UTC; npm test adds build, tsc, lint)  (target: npm test ≤ 150 s)`,
  );
  // The default timeout from vitest.config.ts (a test may set its own, larger one: see its file).
  const timeoutMs = Number(
    /testTimeout:\s*([\d_]+)/.exec(readFileSync(path.join(ROOT, "vitest.config.ts"), "utf8"))?.[1].replace(/_/g, ""),
  );
  for (const test of [...tests].sort((a, b) => (b.duration ?? 0) - (a.duration ?? 0)).slice(0, 3)) {
    console.log(
      `${"slow test".padEnd(44)} ${(test.duration / 1000).toFixed(1).padStart(5)} s: ${test.file} › ${test.title.slice(0, 50)}  (target < ${(timeoutMs / 3000).toFixed(0)} s, a third of the default timeout)`,
    );
  }
} else {
  console.log(`${"vitest, last full run".padEnd(44)} no report yet (.vitest-cache/report.json: run npm test)`);
}
