// The two ways init reads a VM, for tests that prove both find the same: from a copy of the VM's
// files on disk, and over ssh (the fake ssh in fake-bin runs the real read script against the same
// tree, and the reader gets the local copy it sends back).
import path from "node:path";
import { detectRepo } from "../../src/detect/detect-repo.js";
import { collectOverSsh } from "../../src/detect/ssh-host.js";

export const FAKE_BIN = path.resolve(import.meta.dirname, "fake-bin");

/** init's reading of `repo` with the VM's files under `root`, no live listeners, no git remote. */
export const readFromDisk = (root: string, repo: string) =>
  detectRepo(repo, { host: { root, readListeners: async () => "" }, readRemote: async () => undefined });

/** The same reading of `repo`, with the VM's files as the ssh read collects them from `root`. */
export async function readOverSsh(root: string, repo: string): ReturnType<typeof detectRepo> {
  const collected = await collectOverSsh(
    { destination: "deploy@app-vm-01" },
    { env: { PATH: `${FAKE_BIN}:${process.env.PATH}`, FAKE_SSH_ROOT: root } },
  );
  try {
    return await readFromDisk(collected.root, repo);
  } finally {
    await collected.cleanup();
  }
}
