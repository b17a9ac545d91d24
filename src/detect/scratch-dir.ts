// A temporary folder that never outlives the process: the local copy of a VM's files read over ssh
// holds unit files and crontabs, so Ctrl-C, a `kill`, a closed terminal or an error on any path
// must remove it. While it exists, SIGINT/SIGTERM/SIGHUP stop the read (abort hooks kill the ssh
// child), remove the folder and end the process with the shell's code for the signal (130 for
// SIGINT); a normal exit removes it too, as a last resort.
import { mkdtempSync, rmSync } from "node:fs";
import { rm } from "node:fs/promises";
import { constants, tmpdir } from "node:os";
import path from "node:path";

const SIGNALS = ["SIGINT", "SIGTERM", "SIGHUP"] as const;

export interface ScratchDir {
  dir: string;
  /**
   * Runs on a signal before the folder is removed: stop what still writes into it, and resolve
   * once it has stopped (a write in flight could otherwise recreate a folder just removed).
   */
  onAbort(hook: () => void | Promise<void>): void;
  /** Removes the folder and the signal handlers; safe to call more than once. */
  dispose(): Promise<void>;
}

/** How long a signal waits for the writers to stop before the folder is removed anyway. */
const STOP_WAIT_MS = 2000;

export async function createScratchDir(prefix: string): Promise<ScratchDir> {
  // The handlers are in place before the folder exists (a signal in between would otherwise end the
  // process the default way and leave it); creating it synchronously leaves no gap after.
  let dir = "";
  const hooks: (() => void | Promise<void>)[] = [];
  const removeNow = () => {
    try {
      if (dir) rmSync(dir, { recursive: true, force: true, maxRetries: 3 });
    } catch {
      // Best effort at exit: nothing is left to report to.
    }
  };
  let stopping = false;
  const handlers = SIGNALS.map((signal) => {
    const handler = () => {
      const code = 128 + constants.signals[signal];
      // A second signal while stopping: remove what is there and leave at once.
      if (stopping) {
        removeNow();
        process.exit(code);
      }
      stopping = true;
      const stopped = Promise.allSettled(hooks.map(async (hook) => hook()));
      const waited = new Promise((resolve) => setTimeout(resolve, STOP_WAIT_MS).unref());
      void Promise.race([stopped, waited]).then(() => {
        removeNow();
        // Only here does the engine end the process: a signal is not an error a caller can catch.
        process.exit(code);
      });
    };
    process.on(signal, handler);
    return [signal, handler] as const;
  });
  process.on("exit", removeNow);
  dir = mkdtempSync(path.join(tmpdir(), prefix));
  let disposed = false;
  return {
    dir,
    onAbort: (hook) => hooks.push(hook),
    async dispose() {
      if (disposed) return;
      disposed = true;
      for (const [signal, handler] of handlers) process.off(signal, handler);
      process.off("exit", removeNow);
      await rm(dir, { recursive: true, force: true, maxRetries: 3 });
    },
  };
}
