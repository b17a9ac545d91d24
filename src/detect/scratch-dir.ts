// A temporary folder that never outlives the process: the local copy of a VM's files read over ssh
// holds unit files and crontabs, so Ctrl-C, a `kill`, a closed terminal or an error on any path
// must remove it. While it exists, SIGINT/SIGTERM/SIGHUP stop the read (abort hooks kill the ssh
// child), remove the folder and end the process with the shell's code for the signal (130 for
// SIGINT); a normal exit removes it too, as a last resort.
import { rmSync } from "node:fs";
import { mkdtemp, rm } from "node:fs/promises";
import { constants, tmpdir } from "node:os";
import path from "node:path";

const SIGNALS = ["SIGINT", "SIGTERM", "SIGHUP"] as const;

export interface ScratchDir {
  dir: string;
  /** Runs (synchronously) before the folder is removed on a signal: stop what still writes into it. */
  onAbort(hook: () => void): void;
  /** Removes the folder and the signal handlers; safe to call more than once. */
  dispose(): Promise<void>;
}

export async function createScratchDir(prefix: string): Promise<ScratchDir> {
  const dir = await mkdtemp(path.join(tmpdir(), prefix));
  const hooks: (() => void)[] = [];
  const removeNow = () => rmSync(dir, { recursive: true, force: true });
  const handlers = SIGNALS.map((signal) => {
    const handler = () => {
      for (const hook of hooks) {
        try {
          hook();
        } catch {
          // The folder goes regardless.
        }
      }
      removeNow();
      // Only here does the engine end the process: a signal is not an error a caller can catch.
      process.exit(128 + constants.signals[signal]);
    };
    process.on(signal, handler);
    return [signal, handler] as const;
  });
  process.on("exit", removeNow);
  let disposed = false;
  return {
    dir,
    onAbort: (hook) => hooks.push(hook),
    async dispose() {
      if (disposed) return;
      disposed = true;
      for (const [signal, handler] of handlers) process.off(signal, handler);
      process.off("exit", removeNow);
      await rm(dir, { recursive: true, force: true });
    },
  };
}
