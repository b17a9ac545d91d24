// The test suite's shared ShellCheck verdicts (test/helpers/shellcheck-verdicts/shellcheck, put
// first on PATH by the global setup) answer exactly what the real ShellCheck answers, and ask the
// real one again whenever anything that can change a verdict changed: the script's bytes, the
// options, the binary. Other call shapes go to the real ShellCheck untouched.
import { execFileSync, spawnSync } from "node:child_process";
import { appendFileSync, chmodSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { pathWithShellcheckVerdicts, SHELLCHECK_VERDICTS_BIN } from "../helpers/global-setup.js";

const realShellcheck = ["/usr/bin", "/bin", "/usr/local/bin"]
  .map((d) => path.join(d, "shellcheck"))
  .find((f) => spawnSync(f, ["--version"]).status === 0);
const hasPython = spawnSync("/usr/bin/python3", ["-c", "0"]).status === 0;
const dir = mkdtempSync(path.join(tmpdir(), "sc-verdicts-"));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

const SCRIPTS = {
  "clean.sh": 'echo "ok"\n',
  "unquoted.sh": "rm -rf $DIR/build\ncd /tmp\n",
  "disabled.sh": "# shellcheck disable=SC2086\nrm -rf $DIR/build\n",
  "unused.sh": "set -euo pipefail\nUNUSED=1\nif [ $# = 0 ]; then exit 2; fi\n",
};
const OPTIONS = ["--norc", "--shell=bash", "--format=json1"];

describe.skipIf(!realShellcheck || !hasPython)("the test suite's shared ShellCheck verdicts", () => {
  // A "real" ShellCheck on PATH behind the verdict keeper that logs each start.
  const fakeDir = path.join(dir, "real-bin");
  const fake = path.join(fakeDir, "shellcheck");
  const log = path.join(dir, "starts.log");
  const verdicts = path.join(dir, "verdicts");
  const work = path.join(dir, "work");
  mkdirSync(fakeDir);
  mkdirSync(verdicts);
  mkdirSync(work);
  writeFileSync(fake, `#!/bin/sh\necho "$*" >> ${log}\nexec ${realShellcheck} "$@"\n`);
  chmodSync(fake, 0o755);
  writeFileSync(log, "");
  for (const [name, text] of Object.entries(SCRIPTS)) writeFileSync(path.join(work, name), text);
  const env = {
    PATH: `${SHELLCHECK_VERDICTS_BIN}${path.delimiter}${fakeDir}${path.delimiter}/usr/bin:/bin`,
    IM_TEST_SHELLCHECK_VERDICTS: verdicts,
  };
  const starts = () => readFileSync(log, "utf8").split("\n").filter(Boolean);
  const run = (bin: string, args: string[], input?: string) => {
    const r = spawnSync(bin, args, { cwd: work, env, input, encoding: "utf8" });
    return { status: r.status, stdout: r.stdout, stderr: r.stderr };
  };
  const parsed = (r: { stdout: string }) => JSON.parse(r.stdout) as { comments: Array<{ file: string; code: number }> };
  /** Each file's findings in order (the real ShellCheck does not list files in argument order; ours does). */
  const byFile = (r: { stdout: string }) => {
    const files: Record<string, unknown[]> = {};
    for (const c of parsed(r).comments) (files[c.file] ??= []).push(c);
    return files;
  };
  const files = Object.keys(SCRIPTS);

  it("answers what the real ShellCheck answers, first from it, then from the kept verdicts", () => {
    const real = run(realShellcheck!, [...OPTIONS, ...files]);
    expect(real.status).toBe(1);
    expect(new Set(parsed(real).comments.map((c) => `${c.file} SC${c.code}`))).toEqual(
      new Set(["unquoted.sh SC2086", "unquoted.sh SC2164", "unused.sh SC2034"]),
    );
    const wrapper = path.join(SHELLCHECK_VERDICTS_BIN, "shellcheck");
    const first = run(wrapper, [...OPTIONS, ...files]);
    expect(starts()).toHaveLength(1);
    const again = run(wrapper, [...OPTIONS, ...files]);
    expect(starts()).toHaveLength(1); // every verdict kept: the real ShellCheck not started
    for (const r of [first, again]) {
      expect(r.status).toBe(real.status);
      expect(byFile(r)).toEqual(byFile(real));
    }
    // A subset, in another order, with one script it has not seen: only that one is checked.
    writeFileSync(path.join(work, "new.sh"), "echo $1\n");
    const mixed = run(wrapper, [...OPTIONS, "unused.sh", "new.sh", "clean.sh"]);
    expect(starts().at(-1)).toBe(`${OPTIONS.join(" ")} new.sh`);
    expect(byFile(mixed)).toEqual(byFile(run(realShellcheck!, [...OPTIONS, "unused.sh", "new.sh", "clean.sh"])));
    // Clean scripts only: exit 0, as the real one.
    expect(run(wrapper, [...OPTIONS, "clean.sh"])).toMatchObject({ status: 0 });
    expect(parsed(run(wrapper, [...OPTIONS, "clean.sh"])).comments).toEqual([]);
  });

  it.each([
    ["the script's bytes", () => writeFileSync(path.join(work, "clean.sh"), 'echo "ok" # changed\n'), OPTIONS],
    ["the shell", () => {}, ["--norc", "--shell=sh", "--format=json1"]],
    ["the binary (an upgrade: size and modification time)", () => appendFileSync(fake, "# upgraded\n"), OPTIONS],
  ])("checks again when %s changed", (_what, change, options) => {
    const wrapper = path.join(SHELLCHECK_VERDICTS_BIN, "shellcheck");
    run(wrapper, [...OPTIONS, "clean.sh"]);
    const before = starts().length;
    change();
    const r = run(wrapper, [...options, "clean.sh"]);
    expect(starts().length).toBe(before + 1);
    expect(byFile(r)).toEqual(byFile(run(realShellcheck!, [...options, "clean.sh"])));
    run(wrapper, [...options, "clean.sh"]);
    expect(starts().length).toBe(before + 1); // the new verdict is kept in turn
  });

  it("passes any other call to the real ShellCheck unchanged", () => {
    const wrapper = path.join(SHELLCHECK_VERDICTS_BIN, "shellcheck");
    for (const args of [["-s", "sh", "-"], ["--format=json1", "-"], ["--version"]]) {
      const before = starts().length;
      const r = run(wrapper, args, "echo $1\n");
      expect(starts().length).toBe(before + 1);
      expect(r).toEqual(run(realShellcheck!, args, "echo $1\n"));
    }
    // With no verdict folder, even the cacheable shape goes to the real one every time.
    const before = starts().length;
    execFileSync(wrapper, [...OPTIONS, "clean.sh"], { cwd: work, env: { PATH: env.PATH } });
    execFileSync(wrapper, [...OPTIONS, "clean.sh"], { cwd: work, env: { PATH: env.PATH } });
    expect(starts().length).toBe(before + 2);
  });

  it("runs the next ShellCheck on PATH after its own folder, so a wrapper before it that runs it cannot loop", () => {
    // verdicts.test.ts puts such a wrapper first on PATH, and it runs the ShellCheck it found: this one.
    const before = path.join(dir, "before-bin");
    mkdirSync(before);
    const wrapper = path.join(SHELLCHECK_VERDICTS_BIN, "shellcheck");
    writeFileSync(path.join(before, "shellcheck"), `#!/bin/sh\nexec ${wrapper} "$@"\n`);
    chmodSync(path.join(before, "shellcheck"), 0o755);
    writeFileSync(path.join(work, "loop.sh"), "echo $2\n");
    const starts0 = starts().length;
    const r = spawnSync(path.join(before, "shellcheck"), [...OPTIONS, "loop.sh"], {
      cwd: work,
      env: { ...env, PATH: `${before}${path.delimiter}${env.PATH}` },
      encoding: "utf8",
      timeout: 30_000,
    });
    expect(r.status).toBe(1);
    expect(starts().length).toBe(starts0 + 1);
    expect(parsed(r).comments.map((c) => c.code)).toEqual([2086]);
  });

  it("is put on PATH only where a real ShellCheck is, so tests without one still skip", () => {
    expect(pathWithShellcheckVerdicts(`/nonexistent${path.delimiter}${dir}`)).toBeUndefined();
    expect(pathWithShellcheckVerdicts(`${SHELLCHECK_VERDICTS_BIN}${path.delimiter}/nonexistent`)).toBeUndefined();
    expect(pathWithShellcheckVerdicts(`${SHELLCHECK_VERDICTS_BIN}${path.delimiter}${fakeDir}`)).toBe(
      `${SHELLCHECK_VERDICTS_BIN}${path.delimiter}${fakeDir}`,
    );
  });
});
