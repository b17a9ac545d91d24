// A real-app corpus inventory whose folders written in place have their open decision taken:
// `inPlaceHome: filestore` on each (design/rules/in-place-home.ts). generated-commands.test.ts runs
// its scripts and workflow in the gcloud sandbox with the other inventories, so the Filestore
// instance setup-network.sh creates and the NFS volume the deploy mounts are parsed by the real gcloud.
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import os from "node:os";
import path from "node:path";
import { parseDocument } from "yaml";
import { repoFor } from "./offline-output.js";
import { ROOT } from "./phase-input.js";

export function corpusWithFilestore(app: string): { file: string; repo: string | undefined; dispose: () => void } {
  const original = path.join(ROOT, "test/fixtures/real", app, "inventory.yaml");
  const doc = parseDocument(readFileSync(original, "utf8"));
  const storage = doc.toJS().storage as Array<{ inPlace?: unknown[] }> | undefined;
  let taken = 0;
  (storage ?? []).forEach((s, i) => {
    if (!s.inPlace?.length) return;
    doc.setIn(["storage", i, "inPlaceHome"], "filestore");
    taken++;
  });
  if (taken === 0) throw new Error(`${app}: no storage entry is written in place`);
  const dir = mkdtempSync(path.join(os.tmpdir(), `im-filestore-${app}-`));
  const file = path.join(dir, "inventory.yaml");
  writeFileSync(file, doc.toString());
  return { file, repo: repoFor(original), dispose: () => rmSync(dir, { recursive: true, force: true }) };
}
