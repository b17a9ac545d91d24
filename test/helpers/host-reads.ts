// The two ways init reads a VM, for tests that prove both find the same: from a copy of the VM's
// files on disk, and over ssh (the fake ssh in fake-bin runs the real read script against the same
// tree, and the reader gets the local copy it sends back).
import { cp, mkdtemp, rename } from "node:fs/promises";
import path from "node:path";
import { inject } from "vitest";
import { detectRepo } from "../../src/detect/detect-repo.js";
import { collectOverSsh, type SshCollection } from "../../src/detect/ssh-host.js";
import "./global-setup.js"; // the ProvidedContext type

export const FAKE_BIN = path.resolve(import.meta.dirname, "fake-bin");

/** The environment under which `ssh deploy@app-vm-01` reads the VM tree at `root` (`extra`: FAKE_SSH_*). */
export const fakeSshEnv = (root: string, extra: Record<string, string> = {}): NodeJS.ProcessEnv => ({
  PATH: `${FAKE_BIN}:${process.env.PATH}`,
  FAKE_SSH_ROOT: root,
  ...extra,
});

/** The ssh read of the VM tree at `root`, as init makes it; the caller removes it (`cleanup`). */
export const collectFromTree = (root: string, extra?: Record<string, string>): Promise<SshCollection> =>
  collectOverSsh({ destination: "deploy@app-vm-01" }, { env: fakeSshEnv(root, extra) });

/** `use` of the ssh read of the VM tree at `root`, the read removed after, whatever `use` does. */
export async function withSshRead<T>(
  root: string,
  use: (collected: SshCollection) => Promise<T>,
  extra?: Record<string, string>,
): Promise<T> {
  const collected = await collectFromTree(root, extra);
  try {
    return await use(collected);
  } finally {
    await collected.cleanup();
  }
}

/** What a shared ssh read kept: its files (do not change them), listeners, unreadable folders, warnings. */
export type SharedSshRead = Omit<SshCollection, "cleanup">;
const sharedReads = new Map<string, Promise<SharedSshRead>>();

/**
 * The ssh read of a VM tree no test changes (a corpus app's `vm/`), made once per worker process for
 * every test file that asks (each read is a run of the script, ~25 processes): its files are moved
 * into the run's shared-outputs folder, which the global teardown removes.
 */
export function sharedSshRead(root: string): Promise<SharedSshRead> {
  const key = path.resolve(root);
  let read = sharedReads.get(key);
  if (!read) {
    read = withSshRead(key, async ({ cleanup: _, ...collected }) => {
      // Moved, not copied (a read holds a stand-in file for every app file it names): the read's
      // own cleanup then finds nothing left to remove.
      const kept = path.join(await mkdtemp(path.join(inject("sharedOutputsDir"), "ssh-read-")), "root");
      await rename(collected.root, kept).catch(() =>
        cp(collected.root, kept, { recursive: true, verbatimSymlinks: true }),
      );
      return { ...collected, root: kept };
    });
    sharedReads.set(key, read);
  }
  return read;
}

/** init's reading of `repo` with the VM's files under `root`, no live listeners, no git remote. */
export const readFromDisk = (root: string, repo: string) =>
  detectRepo(repo, { host: { root, readListeners: async () => "" }, readRemote: async () => undefined });

/** The same reading of `repo`, with the VM's files as the ssh read collects them from `root`. */
export function readOverSsh(root: string, repo: string): ReturnType<typeof detectRepo> {
  return withSshRead(root, (collected) => readFromDisk(collected.root, repo));
}
