// Runs a validator's program (ShellCheck, Python) and collects its output. node:child_process
// directly: this is all the validators need, and execa's ~100 modules cost more to load than
// the runs they make.
import { spawn } from "node:child_process";

export interface ProcessResult {
  /** undefined when the program could not be started (not found, not executable) or was killed. */
  exitCode: number | undefined;
  stdout: string;
  stderr: string;
}

export interface ProcessOptions {
  cwd?: string;
  /** Written to stdin, then stdin is closed. */
  input?: string;
  /** Kill the program after this long (SIGKILL); the result then has no exit code. */
  timeoutMs?: number;
}

/** Never rejects: a failure to start is `exitCode: undefined` with the reason in `stderr`. */
export function runProcess(
  file: string,
  args: readonly string[],
  options: ProcessOptions = {},
): Promise<ProcessResult> {
  return new Promise((resolve) => {
    const child = spawn(file, args, { cwd: options.cwd, stdio: ["pipe", "pipe", "pipe"], timeout: options.timeoutMs });
    const out: Buffer[] = [];
    const err: Buffer[] = [];
    child.stdout.on("data", (chunk: Buffer) => out.push(chunk));
    child.stderr.on("data", (chunk: Buffer) => err.push(chunk));
    // A program that exits without reading its input closes the pipe: that is not our failure.
    child.stdin.on("error", () => undefined);
    child.stdin.end(options.input ?? "");
    let failed: Error | undefined;
    child.on("error", (error) => (failed = error));
    child.on("close", (code) =>
      resolve({
        exitCode: failed || code === null ? undefined : code,
        stdout: Buffer.concat(out).toString("utf8"),
        stderr: failed ? failed.message : Buffer.concat(err).toString("utf8"),
      }),
    );
  });
}
