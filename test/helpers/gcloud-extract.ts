// Every gcloud invocation in a generated output directory, as argv lists:
// - setup scripts (scripts/**/*.sh) run for real in a sandbox whose gcloud records its argv and
//   answers as if nothing exists yet, then as if everything exists (so create AND update
//   branches are seen), plus their --dry-run output;
// - the workflows' `run:` steps that call gcloud or our scripts, run the same way (first deploy,
//   then a canary deploy);
// - Markdown docs: `gcloud …` lines in shell code blocks and code spans, tokenised statically.
import { readFileSync, rmSync, writeFileSync } from "node:fs";
import { mkdtemp, readFile, readdir, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import path from "node:path";
import { spawn } from "node:child_process";
import { parse } from "yaml";
import { gcloudWordsInMarkdown } from "./shell-words.js";

export interface GcloudCall {
  /** argv after `gcloud`. */
  argv: string[];
  /** Where it came from, e.g. `scripts/setup-wif.sh (exists)`. */
  source: string;
}

const SHIMS = path.join(import.meta.dirname, "gcloud-shims");
/** Arguments a script needs to run at all (a person passes them; the plan says which). */
const SCRIPT_ARGS: Record<string, string[]> = {
  "scripts/setup-load-balancer.sh": ["--domain", "app.example.com"],
  "scripts/setup-observability.sh": ["--email", "oncall@example.com"],
};
/** Lines a setup script may read from stdin (secret values): fake, never real. */
const STDIN = "fake-secret-value\n".repeat(100);
/** A single-quoted shell word. */
const shellQuote = (word: string) => `'${word.replaceAll("'", `'\\''`)}'`;
type World = "fresh" | "exists" | "first-deploy" | "deployed";

interface BashRun {
  exitCode: number;
  stdout: string;
  stderr: string;
}

/**
 * bash with exactly `env` (nothing inherited), in `cwd`, with `input` on stdin (empty when none);
 * resolves with its exit code and output once it and everything it left running are done, never
 * rejecting for the exit code (test/helpers/sandbox-runner.sh).
 */
type RunBash = (
  args: string[],
  opts: { cwd?: string; env: Record<string, string>; input?: string },
) => Promise<BashRun>;

const RUNNER = path.join(import.meta.dirname, "sandbox-runner.sh");

/**
 * One bash per sandbox that starts each run as its child: a fork and exec from a small bash
 * instead of a spawn() from the test worker, which cost ~27 ms of CPU for a `bash -c :` here
 * (Node's fork copies its page tables and both sides fault on them until the exec) against
 * ~9.5 ms from bash; ~800 runs a test run, ~1,100 in all with the other files that extract calls.
 */
function bashRunner(dir: string): { run: RunBash; close: () => Promise<void> } {
  const file = (name: string) => path.join(dir, name);
  const runner = spawn("bash", ["--noprofile", "--norc", RUNNER, ...["request", "out", "err", "alive"].map(file)], {
    cwd: dir,
    env: {},
    stdio: ["pipe", "pipe", "pipe"],
  });
  const waiting: Array<{ resolve: (code: number) => void; reject: (e: Error) => void }> = [];
  let answered = "";
  let failure = "";
  runner.stdout.setEncoding("utf8").on("data", (chunk: string) => {
    answered += chunk;
    let eol;
    while ((eol = answered.indexOf("\n")) >= 0) {
      waiting.shift()?.resolve(Number(answered.slice(0, eol)));
      answered = answered.slice(eol + 1);
    }
  });
  runner.stderr.setEncoding("utf8").on("data", (chunk: string) => (failure += chunk));
  runner.stdin.on("error", () => undefined);
  const closed = new Promise<void>((resolve) =>
    runner.on("close", (code) => {
      for (const w of waiting.splice(0)) w.reject(new Error(`the sandbox's bash runner exited ${code}: ${failure}`));
      resolve();
    }),
  );
  runner.on("error", (e) => waiting.splice(0).forEach((w) => w.reject(e)));
  // Runs are sequential: each waits for the one before it.
  let last: Promise<unknown> = Promise.resolve();
  const run: RunBash = (args, opts) => {
    // The small files of the protocol are written and read synchronously: each fs/promises call
    // goes through libuv's thread pool, ~6 of them a run cost ~4 ms of the worker's CPU on the VMs
    // here (~1,050 runs a test run); a sync call on a local file takes microseconds.
    const next = last.then(async () => {
      const input = opts.input ? file("input") : "/dev/null";
      if (opts.input) writeFileSync(input, opts.input);
      const env = Object.entries(opts.env).map(([k, v]) => `${k}=${v}`);
      writeFileSync(file("request"), [opts.cwd ?? dir, input, String(env.length), ...env, ...args].join("\0") + "\0");
      const exitCode = await new Promise<number>((resolve, reject) => {
        waiting.push({ resolve, reject });
        runner.stdin.write("\n");
      });
      return { exitCode, stdout: readFileSync(file("out"), "utf8"), stderr: readFileSync(file("err"), "utf8") };
    });
    last = next.catch(() => undefined);
    return next;
  };
  return {
    run,
    close: () => {
      runner.stdin.end();
      return closed;
    },
  };
}

async function files(dir: string, rel = ""): Promise<string[]> {
  const out: string[] = [];
  for (const entry of await readdir(path.join(dir, rel), { withFileTypes: true }).catch(() => [])) {
    const child = path.posix.join(rel, entry.name);
    if (entry.isDirectory() && !["node_modules", ".git", ".infra-migrate"].includes(entry.name))
      out.push(...(await files(dir, child)));
    else if (entry.isFile()) out.push(child);
  }
  return out.sort();
}

function decodeCalls(raw: string, source: string): GcloudCall[] {
  return raw
    .split("\x1e")
    .filter((r) => r.length > 0)
    .map((r) => ({ argv: r.split("\x1f").slice(0, -1), source }));
}

/** A dry run's printed `+ gcloud …` lines (shell-quoted by printf %q), decoded later. */
interface DryRun {
  lines: string[];
  source: string;
}

/**
 * Every dry run's printed lines back to argv, through bash itself, in ONE bash run for all of an
 * output's scripts (a run each cost ~25 ms of CPU, ~230 runs a test run): each line is its own
 * `eval`, so one script's lines cannot change another's.
 */
async function decodeDryRuns(runs: DryRun[], bash: RunBash): Promise<GcloudCall[][]> {
  const lines = runs.flatMap((r) => r.lines);
  if (lines.length === 0) return runs.map(() => []);
  const { stdout: raw } = await bash(
    ["-c", 'while IFS= read -r line; do eval "set -- $line"; shift; printf "%s\\037" "$@"; printf "\\036"; done'],
    { env: { PATH: "/usr/bin:/bin" }, input: lines.join("\n") + "\n" },
  );
  const records = raw.split("\x1e").filter((r) => r.length > 0);
  if (records.length !== lines.length)
    throw new Error(`decoding ${lines.length} dry-run lines gave ${records.length} commands:\n${lines.join("\n")}`);
  let at = 0;
  return runs.map(({ lines: own, source }) =>
    records.slice(at, (at += own.length)).flatMap((r) => decodeCalls(`${r}\x1e`, source)),
  );
}

interface Sandbox {
  dir: string;
  /** Runs bash in the sandbox (one run at a time). */
  bash: RunBash;
  env(world: World): Record<string, string>;
  calls(source: string): GcloudCall[];
  /** Forget what earlier runs deployed (a new world starts). */
  reset(): void;
  /** Stops the runner and removes the sandbox. */
  dispose(): Promise<void>;
}

async function sandbox(): Promise<Sandbox> {
  const dir = await mkdtemp(path.join(tmpdir(), "gcloud-extract-"));
  const runner = bashRunner(dir);
  const log = path.join(dir, "calls");
  // Every bash the sandbox starts (a script, a workflow step, a script one of them runs) reads
  // BASH_ENV first: it sources the shims, which define `gcloud`, `curl` and `gh` as shell
  // functions (and `sleep`, `docker`, `ssh` as no-ops), so a call runs in the calling shell instead
  // of a new process (~8,000 gcloud calls a test run, ~1,000 of the others; a process costs
  // ~5 ms of CPU on the VMs here). A call that does not go through bash's function lookup
  // (`command gcloud`, sh, xargs) still finds the shim on PATH: the same answers.
  const bashEnv = path.join(dir, "bash-env");
  const sourced = ["gcloud", "curl", "gh"].map((shim) => `. ${shellQuote(path.join(SHIMS, shim))}\n`).join("");
  await writeFile(
    bashEnv,
    `__gcloud_sourcing=1\n${sourced}unset __gcloud_sourcing\nsleep() { :; }\ndocker() { :; }\nssh() { :; }\n`,
  );
  return {
    dir,
    bash: runner.run,
    env: (world) => ({
      PATH: `${SHIMS}:/usr/bin:/bin`,
      HOME: dir,
      GCLOUD_CALLS: log,
      GCLOUD_WORLD: world,
      BASH_ENV: bashEnv,
    }),
    calls(source) {
      let raw = "";
      try {
        raw = readFileSync(log, "utf8");
      } catch {
        // no gcloud call yet: no log
      }
      writeFileSync(log, "");
      return decodeCalls(raw, source);
    },
    reset: () => rmSync(`${log}.deployed`, { force: true }),
    async dispose() {
      await runner.close();
      await rm(dir, { recursive: true, force: true });
    },
  };
}

/** A script's calls: its dry run's printed commands (decoded later, with every script's) and its runs'. */
async function scriptCalls(
  outDir: string,
  rel: string,
  box: Sandbox,
): Promise<{ dryRun: DryRun; calls: GcloudCall[] }> {
  const file = path.join(outDir, rel);
  const out: GcloudCall[] = [];
  const dry = await box.bash([file, "--dry-run"], { cwd: outDir, env: box.env("fresh"), input: STDIN });
  if (dry.exitCode !== 0) throw new Error(`${rel} --dry-run exited ${dry.exitCode}: ${dry.stderr}`);
  const printed = dry.stdout.split("\n").filter((l) => l.startsWith("+ gcloud "));
  const dryRun = { lines: printed.map((l) => l.slice(2)), source: `${rel} --dry-run` };
  out.push(...box.calls(`${rel} --dry-run`));
  const worlds: World[] = ["fresh", "exists"];
  for (let i = 0; i < worlds.length; i++) {
    const world = worlds[i]!;
    box.reset();
    const run = await box.bash([file, ...(SCRIPT_ARGS[rel] ?? [])], { cwd: outDir, env: box.env(world), input: STDIN });
    // A script may stop on purpose when a prerequisite is missing (exit 1: "deploy first"); the
    // commands it ran up to there still count, and it runs once more where the services are
    // deployed and nothing else exists yet (its first real run). Exit 2 is a usage error.
    if (run.exitCode === 2) throw new Error(`${rel} (${world}) refused its arguments: ${run.stderr}`);
    if (run.exitCode !== 0 && world === "fresh") worlds.push("deployed");
    if (run.exitCode !== 0 && world === "deployed")
      throw new Error(`${rel} fails even after the first deploy (exit ${run.exitCode}): ${run.stderr}`);
    out.push(...box.calls(`${rel} (${world}, exit ${run.exitCode})`));
  }
  return { dryRun, calls: out };
}

type Step = { name?: string; run?: string; env?: Record<string, unknown> };
type Job = { steps?: Step[]; env?: Record<string, unknown> };

/** `${{ … }}` expressions cannot be evaluated here: a fixed placeholder stands in. */
function plainEnv(env: Record<string, unknown> | undefined): Record<string, string> {
  return Object.fromEntries(
    Object.entries(env ?? {}).map(([k, v]) => [k, String(v).replace(/\$\{\{[^}]*\}\}/g, "placeholder")]),
  );
}

async function workflowCalls(outDir: string, rel: string, box: Sandbox): Promise<GcloudCall[]> {
  const workflow = parse(await readFile(path.join(outDir, rel), "utf8")) as {
    env?: Record<string, unknown>;
    jobs: Record<string, Job>;
  };
  const out: GcloudCall[] = [];
  // The setup scripts ran first: a first deploy (no service yet), then a canary deploy.
  for (const world of ["first-deploy", "exists"] as const) {
    box.reset();
    const githubEnv = path.join(box.dir, `github-env-${world}`);
    await writeFile(githubEnv, "");
    const exported: Record<string, string> = {};
    for (const [jobId, job] of Object.entries(workflow.jobs)) {
      for (const step of job.steps ?? []) {
        if (!step.run || !/\bgcloud\b|scripts\//.test(step.run)) continue;
        const env = {
          ...box.env(world),
          GITHUB_SHA: "0123456789abcdef0123456789abcdef01234567",
          GITHUB_ENV: githubEnv,
          GITHUB_REPOSITORY: "owner/repo",
          ...plainEnv(workflow.env),
          ...plainEnv(job.env),
          ...exported,
          ...plainEnv(step.env),
        };
        const source = `${rel} ${jobId}: ${step.name ?? "run"} (${world})`;
        const r = await box.bash(["--noprofile", "--norc", "-eo", "pipefail", "-c", step.run], { cwd: outDir, env });
        out.push(...box.calls(source));
        if (r.exitCode !== 0)
          throw new Error(`${source} exited ${r.exitCode} in the sandbox:\n${r.stdout}\n${r.stderr}`);
        for (const line of readFileSync(githubEnv, "utf8").split("\n")) {
          const eq = line.indexOf("=");
          if (eq > 0) exported[line.slice(0, eq)] = line.slice(eq + 1);
        }
      }
    }
  }
  return out;
}

/** Every gcloud call the files under outDir make or tell a person to make. */
export async function gcloudCallsIn(outDir: string): Promise<GcloudCall[]> {
  const box = await sandbox();
  try {
    // In file order, as each was found; a script's dry run first (decoded at the end, all at once).
    const found: Array<GcloudCall[] | DryRun> = [];
    for (const rel of await files(outDir)) {
      // scripts/lib/ holds what the setup scripts source: run through them, never on their own.
      if (/^scripts\/.*\.sh$/.test(rel) && rel !== "scripts/deploy/canary.sh" && !rel.startsWith("scripts/lib/")) {
        const { dryRun, calls } = await scriptCalls(outDir, rel, box);
        found.push(dryRun, calls);
      } else if (/^\.github\/workflows\/.*\.ya?ml$/.test(rel)) found.push(await workflowCalls(outDir, rel, box));
      else if (rel.endsWith(".md"))
        found.push(
          gcloudWordsInMarkdown(await readFile(path.join(outDir, rel), "utf8")).map((argv) => ({ argv, source: rel })),
        );
    }
    const dryRuns = found.filter((f): f is DryRun => !Array.isArray(f));
    const decoded = new Map(dryRuns.map((run, i) => [run, i]));
    const printed = await decodeDryRuns(dryRuns, box.bash);
    return found.flatMap((f) => (Array.isArray(f) ? f : printed[decoded.get(f)!]!));
  } finally {
    await box.dispose();
  }
}
