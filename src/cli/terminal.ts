// Where the CLI talks to a person: the process's stdout, stderr, stdin, environment and folder, or,
// when another program runs a command inside its own process (`main(argv, terminal)`: the tests),
// the ones it hands over. AsyncLocalStorage carries that choice through the command's async work,
// so the commands ask `terminal()` instead of `process` and no signature has to thread it. The
// exit code goes the same way: a command run inside a host must not set the host's exit code.
import { AsyncLocalStorage } from "node:async_hooks";

export interface Terminal {
  readonly stdout: NodeJS.WriteStream;
  readonly stderr: NodeJS.WriteStream;
  readonly stdin?: NodeJS.ReadStream;
  readonly env: NodeJS.ProcessEnv;
  /** The folder relative paths in flags and config are read from. */
  cwd(): string;
}

interface Session {
  terminal: Terminal;
  exitCode?: number;
}

const sessions = new AsyncLocalStorage<Session>();

const processTerminal: Terminal = {
  get stdout() {
    return process.stdout;
  },
  get stderr() {
    return process.stderr;
  },
  get stdin() {
    return process.stdin;
  },
  get env() {
    return process.env;
  },
  cwd: () => process.cwd(),
};

export function terminal(): Terminal {
  return sessions.getStore()?.terminal ?? processTerminal;
}

/** Run `work` with `given` as the terminal; what it sets with setExitCode is returned beside its value. */
export async function withTerminal<T>(
  given: Terminal,
  work: () => Promise<T>,
): Promise<{ value: T; exitCode: number | undefined }> {
  const session: Session = { terminal: given };
  const value = await sessions.run(session, work);
  return { value, exitCode: session.exitCode };
}

/** The command's exit code: the process's, or the session's inside a host. */
export function setExitCode(code: number): void {
  const session = sessions.getStore();
  if (session) session.exitCode = code;
  else process.exitCode = code;
}

/** What a command set with setExitCode (in this session, else on the process). */
export function exitCodeSet(): number | undefined {
  const session = sessions.getStore();
  if (session) return session.exitCode;
  return typeof process.exitCode === "number" ? process.exitCode : undefined;
}
