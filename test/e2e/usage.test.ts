// Usage errors exit 2 wherever they happen (root or subcommand); help and version exit 0. Parsing
// and messages are checked in this process (cli-in-process.ts: the same bundle, no Node start-up
// per case); one mistyped command goes through the bin, for its exit status and stderr.
import { describe, expect, it } from "vitest";
import { runCli, tempDir } from "../helpers/cli.js";
import { runInProcess } from "../helpers/cli-in-process.js";

describe("exit codes for usage", () => {
  it.each([
    [[], 2],
    [["audti"], 2],
    [["audit", "--bogus"], 2],
    [["run", "--only", "nope"], 2],
    [["check", "--provider", "x"], 2],
    [["render", "--bogus"], 2],
    [["init", "--bogus"], 2],
    [["personas", "show", "nobody"], 2],
    [["audit", "--top", "0"], 2],
    [["audit", "--help"], 0],
    [["run", "--help"], 0],
    [["--version"], 0],
  ] as const)("infra-migrate %j exits %i", async (args, code) => {
    const result = await runInProcess([...args], { cwd: await tempDir() });
    expect(result.exitCode, String(result.stderr)).toBe(code);
    if (code === 2) expect(String(result.stderr)).toMatch(/error|Usage/);
  });
});

describe("a mistyped command or option", () => {
  it("gets commander's suggestion and the help command to run", async () => {
    const cwd = await tempDir();
    const command = await runCli(["audti"], { cwd });
    expect(command.exitCode).toBe(2);
    expect(command.stderr).toMatch(/unknown command 'audti'/);
    expect(command.stderr).toMatch(/Did you mean audit\?/);
    expect(command.stderr).toContain("run `infra-migrate --help` to see the commands and options");
    // Inside a known command, the hint names that command's help.
    const option = await runInProcess(["check", "--wroker-dir", "x"], { cwd });
    expect(option.stderr).toMatch(/Did you mean --worker-dir\?/);
    expect(option.stderr).toContain("run `infra-migrate check --help`");
    // No command at all: the help itself is shown (exit 2), without a hint to show it.
    const bare = await runInProcess([], { cwd });
    expect(bare.exitCode).toBe(2);
    expect(String(bare.stdout) + String(bare.stderr)).toContain("130 cancelled");
    expect(bare.stderr).not.toContain("hint: run");
  });
});
