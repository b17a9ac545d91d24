// Validation verdicts are reused only for the same bytes checked by the same tool: replacing
// the ShellCheck binary on PATH (an upgrade) or the Python interpreter checks everything again.
import { appendFileSync, chmodSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { findShellcheck, shellcheckMany } from "../../src/validate/shellcheck.js";
import { useVerdicts, verdictCounts, verdictFile, verdictKey } from "../../src/validate/verdicts.js";

const realShellcheck = await findShellcheck();
const dir = mkdtempSync(path.join(tmpdir(), "verdicts-"));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

describe("validation verdicts", () => {
  it("are keyed by the validator, its tool identity and the exact input", () => {
    const key = verdictKey("shellcheck", "shellcheck /usr/bin/shellcheck 1 2", "echo ok\n");
    expect(verdictKey("shellcheck", "shellcheck /usr/bin/shellcheck 1 2", "echo ok\n")).toBe(key);
    expect(verdictKey("shellcheck", "shellcheck /usr/bin/shellcheck 1 3", "echo ok\n")).not.toBe(key);
    expect(verdictKey("shellcheck", "shellcheck /usr/bin/shellcheck 1 2", "echo ok \n")).not.toBe(key);
    expect(verdictKey("actionlint", "shellcheck /usr/bin/shellcheck 1 2", "echo ok\n")).not.toBe(key);
  });

  it.skipIf(!realShellcheck)("a new ShellCheck binary (an upgrade) checks every script again", async () => {
    // A ShellCheck on PATH that logs each start and runs the real one.
    const bin = path.join(dir, "bin");
    const log = path.join(dir, "starts.log");
    const fake = path.join(bin, "shellcheck");
    rmSync(bin, { recursive: true, force: true });
    mkdirSync(bin);
    writeFileSync(fake, `#!/bin/sh\necho start >> ${log}\nexec ${realShellcheck} "$@"\n`);
    chmodSync(fake, 0o755);
    const starts = () => readFileSync(log, "utf8").split("\n").filter(Boolean).length;
    writeFileSync(log, "");
    const savedPath = process.env.PATH;
    process.env.PATH = `${bin}${path.delimiter}${savedPath}`;
    try {
      useVerdicts(undefined);
      const scripts = ["echo ok\n", "rm -rf $DIR/build\n"];
      const first = await shellcheckMany(scripts);
      expect(first!.map((f) => f.map((x) => x.code))).toEqual([[], [2086]]);
      expect(starts()).toBe(1);

      const before = verdictCounts();
      expect(await shellcheckMany(scripts)).toEqual(first);
      expect(starts()).toBe(1); // both verdicts reused: ShellCheck not started
      expect(verdictCounts().reused - before.reused).toBe(2);

      // Kept in the verdict file a later run starts from.
      const kept = verdictFile();
      expect(Object.keys(kept.verdicts).length).toBeGreaterThanOrEqual(2);

      appendFileSync(fake, "# upgraded\n"); // another binary: size and modification time change
      expect(await shellcheckMany(scripts)).toEqual(first);
      expect(starts()).toBe(2);
    } finally {
      process.env.PATH = savedPath;
    }
  });
});
