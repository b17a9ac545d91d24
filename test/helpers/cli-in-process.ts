// The built CLI called inside the test's own process: the bundle bin/infra-migrate.js runs
// (dist/cli.cjs), through `main(argv, terminal)` with captured streams, an environment and a folder
// of the test's. For tests of argument parsing, messages, exit codes and JSON documents, where a new
// Node process per case (start-up and loading the bundle, ~0.1 s of CPU) is most of the cost. The
// bundle is loaded once per test worker, apart from the src/ modules other test files import, so
// its module state never mixes with theirs; cases that generate files (validators, Chromium) and
// the cases that prove the real path (the bin's exit status, stdin and TTY, environment read by
// libraries) keep runCli. Paths in args must be absolute: the engine resolves relative ones
// against the process's folder.
import path from "node:path";
import { BIN, cleanEnv } from "./cli.js";
import { ROOT } from "./phase-input.js";

interface Captured {
  text: string;
  isTTY: false;
  write(chunk: string | Uint8Array): boolean;
}
interface Terminal {
  stdout: Captured;
  stderr: Captured;
  env: Record<string, string>;
  cwd(): string;
}
type Main = (argv: string[], inside: Terminal) => Promise<number>;

let loaded: Promise<Main> | undefined;

function bundledMain(): Promise<Main> {
  loaded ??= import(path.join(ROOT, "dist/cli/launch.js")).then(
    (launch: { loadBundle(file: string): { main: Main }; BUNDLE_FILE: string }) =>
      launch.loadBundle(launch.BUNDLE_FILE).main,
  );
  return loaded;
}

const captured = (): Captured => ({
  text: "",
  isTTY: false,
  write(chunk) {
    this.text += typeof chunk === "string" ? chunk : Buffer.from(chunk).toString("utf8");
    return true;
  },
});

export interface InProcessResult {
  exitCode: number;
  stdout: string;
  stderr: string;
}

/** `infra-migrate ...args` in this process; the result has execa's shape (final newline stripped). */
export async function runInProcess(
  args: string[],
  options: { cwd?: string; env?: Record<string, string> } = {},
): Promise<InProcessResult> {
  const main = await bundledMain();
  const stdout = captured();
  const stderr = captured();
  const cwd = options.cwd ?? ROOT;
  const before = process.exitCode;
  const env = options.env ?? cleanEnv();
  const exitCode = await main(["node", BIN, ...args], { stdout, stderr, env, cwd: () => cwd });
  // The command's exit code is returned, never set on the host (it would fail the test worker).
  if (process.exitCode !== before) throw new Error(`infra-migrate ${args.join(" ")} set process.exitCode`);
  return { exitCode, stdout: stdout.text.replace(/\n$/, ""), stderr: stderr.text.replace(/\n$/, "") };
}
