// A monorepo's program run from a workspace package (n8n's units run /opt/n8n/packages/cli/bin/n8n):
// the ssh read sends the package.json that ships it as a bin (the three folders above the program,
// as program-package.ts looks on a disk), so init over ssh with the VM's own app folder as the
// repository reads what a disk read does: Node, with that package's dependencies (bull, ws, express).
import { readFile } from "node:fs/promises";
import path from "node:path";
import { describe, expect, it } from "vitest";
import { detectRepo } from "../../src/detect/detect-repo.js";
import { sharedSshRead } from "../helpers/host-reads.js";

const N8N = path.resolve(import.meta.dirname, "../fixtures/real/n8n/vm");

const read = (root: string) =>
  detectRepo(path.join(root, "opt/n8n"), {
    host: { root, readListeners: async () => "" },
    readRemote: async () => undefined,
  });
const apps = (facts: Awaited<ReturnType<typeof read>>) =>
  facts.services
    .filter((s) => s.software === "n8n" || s.name.startsWith("n8n"))
    .map((s) => [s.name, s.role, s.runtime, s.framework, s.protocols]);

describe("n8n over ssh, the app folder on the VM as the repository", () => {
  it("sends packages/cli/package.json and reads the processes as the disk read does", async () => {
    const disk = apps(await read(N8N));
    expect(disk.length).toBe(3);
    const collected = await sharedSshRead(N8N);
    expect(collected.warnings).toEqual([]);
    const sent = await readFile(path.join(collected.root, "opt/n8n/packages/cli/package.json"), "utf8");
    expect(JSON.parse(sent).bin).toEqual({ n8n: "./bin/n8n" });
    expect(apps(await read(collected.root))).toEqual(disk);
  });
});
