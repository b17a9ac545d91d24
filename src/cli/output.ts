// Everything a person or a CI log sees goes through here. With --json, stdout carries exactly one
// JSON document and every human line goes to stderr. Colour only on a TTY, never with NO_COLOR.
import { Chalk, type ChalkInstance } from "chalk";
import { terminal } from "./terminal.js";

export interface GlobalFlags {
  json?: boolean;
  quiet?: boolean;
  debug?: boolean;
  color?: boolean; // commander's --no-color sets this to false
}

export interface Output {
  readonly json: boolean;
  readonly quiet: boolean;
  readonly debug: boolean;
  readonly interactive: boolean;
  readonly c: ChalkInstance;
  /** Normal progress/result lines (stdout, or stderr under --json). Silent with --quiet. */
  info(line: string): void;
  /** Warnings and notices: always stderr, even with --quiet. */
  warn(line: string): void;
  /** Errors: stderr. */
  error(line: string): void;
  /** The one JSON document of a --json run. */
  emitJson(document: unknown): void;
  /** Raw text for stdout (e.g. `personas show`), never under --json. */
  print(text: string): void;
}

export function colorEnabled(flags: GlobalFlags, env: NodeJS.ProcessEnv, isTTY: boolean): boolean {
  if (flags.color === false || (env.NO_COLOR !== undefined && env.NO_COLOR !== "")) return false;
  if (env.FORCE_COLOR !== undefined && env.FORCE_COLOR !== "0") return true;
  return isTTY && env.TERM !== "dumb";
}

export function createOutput(
  flags: GlobalFlags,
  env: NodeJS.ProcessEnv = terminal().env,
  streams: { stdout: NodeJS.WriteStream; stderr: NodeJS.WriteStream; stdin?: NodeJS.ReadStream } = terminal(),
): Output {
  const json = flags.json === true;
  const quiet = flags.quiet === true;
  const c = new Chalk({ level: colorEnabled(flags, env, streams.stderr.isTTY === true) ? 1 : 0 });
  const human = json ? streams.stderr : streams.stdout;
  return {
    json,
    quiet,
    debug: flags.debug === true,
    interactive: streams.stdin?.isTTY === true && streams.stdout.isTTY === true && env.CI !== "true" && env.CI !== "1",
    c,
    info: (line) => {
      if (!quiet) human.write(line + "\n");
    },
    warn: (line) => streams.stderr.write(line + "\n"),
    error: (line) => streams.stderr.write(line + "\n"),
    emitJson: (document) => streams.stdout.write(JSON.stringify(document, null, 2) + "\n"),
    print: (text) => {
      if (!json) streams.stdout.write(text.endsWith("\n") ? text : text + "\n");
    },
  };
}
