// Small timing helpers for the benchmarks. Benchmarks print figures; they never assert.
import { execFileSync, spawn } from "node:child_process";
import { mkdtempSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { fileURLToPath } from "node:url";

export const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), "..");
export const BIN = path.join(ROOT, "bin/infra-migrate.js");
export const SEED = path.join(ROOT, "examples/seed-vm/inventory.yaml");

export function cleanEnv(extra = {}) {
  const env = {};
  for (const [k, v] of Object.entries(process.env)) if (!/^(GEMINI_|GOOGLE_|INFRA_MIGRATE_)/.test(k)) env[k] = v;
  return { ...env, CI: "true", FORCE_COLOR: "0", ...extra };
}

export const tmp = (prefix = "im-bench-") => mkdtempSync(path.join(tmpdir(), prefix));

/** Run a command `runs` times (after `warmup` runs); returns sorted wall times in ms. */
export function timeSync(cmd, args, { runs = 10, warmup = 2, env = cleanEnv(), cwd = ROOT, before } = {}) {
  const times = [];
  for (let i = 0; i < warmup + runs; i++) {
    before?.();
    const start = process.hrtime.bigint();
    execFileSync(cmd, args, { env, cwd, stdio: "ignore" });
    const ms = Number(process.hrtime.bigint() - start) / 1e6;
    if (i >= warmup) times.push(ms);
  }
  return times.sort((a, b) => a - b);
}

/** Async variant (the fake server must keep answering while the child runs). */
export async function timeAsync(cmd, args, { runs = 5, warmup = 1, env = cleanEnv(), cwd = ROOT, before } = {}) {
  const times = [];
  for (let i = 0; i < warmup + runs; i++) {
    await before?.();
    const start = process.hrtime.bigint();
    await new Promise((resolve, reject) => {
      const child = spawn(cmd, args, { env, cwd, stdio: ["ignore", "ignore", "pipe"] });
      let err = "";
      child.stderr.on("data", (d) => (err += d));
      child.on("exit", (code) =>
        code === 0 ? resolve() : reject(new Error(`${args.join(" ")} exited ${code}: ${err}`)),
      );
    });
    const ms = Number(process.hrtime.bigint() - start) / 1e6;
    if (i >= warmup) times.push(ms);
  }
  return times.sort((a, b) => a - b);
}

export const median = (xs) => xs[Math.floor(xs.length / 2)];
export const fmt = (ms) => `${ms.toFixed(0).padStart(6)} ms`;

export function report(name, times, target) {
  const line = `${name.padEnd(52)} median ${fmt(median(times))}  min ${fmt(times[0])}  max ${fmt(times[times.length - 1])}`;
  console.log(target ? `${line}  (target ${target})` : line);
}
