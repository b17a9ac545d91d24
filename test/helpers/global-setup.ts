// Once per `vitest run`: a folder the test files share for outputs that take a whole CLI run to
// make (seed-output.ts builds each on first use, whichever file asks first, and hands every test
// its own copy). Nothing is generated here, so a run of unrelated files pays nothing.
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import type { TestProject } from "vitest/node";

declare module "vitest" {
  export interface ProvidedContext {
    /** Where shared generated outputs live for this run (seed-output.ts). */
    sharedOutputsDir: string;
  }
}

export default function setup(project: TestProject): () => void {
  const dir = mkdtempSync(path.join(tmpdir(), "im-shared-"));
  project.provide("sharedOutputsDir", dir);
  return () => rmSync(dir, { recursive: true, force: true });
}
