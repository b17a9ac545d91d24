// The validators' process runner: output and exit code come back, input reaches stdin, and a
// program that cannot start or runs too long is a result, never a thrown error.
import { describe, expect, it } from "vitest";
import { runProcess } from "../../src/validate/run-process.js";

const node = process.execPath;

describe("runProcess", () => {
  it("passes input on stdin and returns stdout, stderr and the exit code", async () => {
    const script =
      "let s='';process.stdin.on('data',d=>s+=d).on('end',()=>{console.log(s.toUpperCase());console.error('e');process.exit(3)})";
    expect(await runProcess(node, ["-e", script], { input: "abc" })).toEqual({
      exitCode: 3,
      stdout: "ABC\n",
      stderr: "e\n",
    });
  });

  it("runs in the given folder", async () => {
    const result = await runProcess(node, ["-p", "process.cwd()"], { cwd: "/" });
    expect(result.stdout.trim()).toBe("/");
  });

  it("reports a program that does not exist without throwing", async () => {
    const result = await runProcess("/nonexistent/program", []);
    expect(result.exitCode).toBeUndefined();
    expect(result.stderr).toMatch(/ENOENT/);
  });

  it("kills a program that runs past its timeout", async () => {
    const result = await runProcess(node, ["-e", "setTimeout(() => {}, 60000)"], { timeoutMs: 200 });
    expect(result.exitCode).toBeUndefined();
  });
});
