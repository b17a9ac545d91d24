// The app's own commands a unit runs before its program on every start (`ExecStartPre=`): Django's
// `manage.py migrate` and `collectstatic`, `rails db:migrate`. On Cloud Run nothing runs them, so
// the deploy must (cicd/run-once-steps.ts classifies them like a oneshot unit's command). The
// unit's housekeeping (`mkdir -p /run/app`, `chown`, a wait for the network) and programs of
// the system (nginx -t, mysql-systemd-start) are not the app's: the image and Cloud Run do that.
// Prefixes and quoting as in systemd.service(5), "Command lines":
// https://www.freedesktop.org/software/systemd/man/latest/systemd.service.html#Command%20lines
import path from "node:path";
import { shellCommands, shellTokens } from "../image/shell-words.js";

/** systemd's prefixes before the program: `-` ignore failure, `@` argv[0] next, `:` `+` `!` `!!`. */
const PREFIXES = /^[-@:+!]+/;

/** The program and its arguments as the unit runs them: prefixes dropped, `@`'s argv[0] word too. */
export function unitCommandLine(value: string): string {
  const prefixes = PREFIXES.exec(value.trim())?.[0] ?? "";
  const line = value.trim().slice(prefixes.length).trim();
  if (!prefixes.includes("@")) return line;
  // `@/usr/bin/python3 myapp manage.py migrate`: the second word is only what the program sees as its name.
  const m = /^(\S+)\s+(?:"[^"]*"|'[^']*'|\S+)\s*(.*)$/.exec(line);
  return m ? `${m[1]} ${m[2]}`.trim() : line;
}

const HOUSEKEEPING =
  /^(mkdir|chown|chmod|chgrp|install|test|\[|sleep|rm|rmdir|touch|ln|cp|mv|true|false|echo|printf|cat|find|setfacl|systemctl|systemd-[\w-]+|mountpoint|timeout|flock|logger|id|getent|wait-for-it(\.sh)?|nc|curl|wget|docker|podman)$/;
const RUNNERS =
  /^(python[\d.]*|node|npm|npx|yarn|pnpm|corepack|bun|deno|tsx|ts-node|bundle|rails|rake|ruby|php[\d.]*|java|uv|poetry|pipenv|flask|alembic|django-admin|celery)$/;
const VENV = /\/(\.?venv|virtualenv|env)\/bin\/[^/]+$/;
const SHELLS = /^(sh|bash|dash)$/;

/** `/usr/bin/env [NAME=value…] program args` as `program args`. */
function withoutEnv(words: string[]): string[] {
  if (path.posix.basename(words[0] ?? "") !== "env") return words;
  let i = 1;
  while (i < words.length && (/^[A-Za-z_]\w*=/.test(words[i]!) || words[i]!.startsWith("-"))) i++;
  return words.slice(i);
}

/** The program runs the app's code: a runner, a tool of its virtualenv, its own program or a file in its folder. */
function appProgram(program: string, own: readonly string[]): boolean {
  const name = path.posix.basename(program);
  if (HOUSEKEEPING.test(name)) return false;
  if (RUNNERS.test(name) || VENV.test(program)) return true;
  // A relative program only appears inside a shell line (`cd /opt/app && bin/rails db:migrate`).
  if (!program.startsWith("/")) return program.includes("/");
  return own.some((dir) => program === dir || program.startsWith(`${dir}/`));
}

/**
 * A unit's `ExecStartPre=` values as the app's commands, in order; the others dropped. `execStart`
 * is the unit's own command (its program, and its folder, are the app's) and `workingDirectory`
 * the folder it runs in. A `sh -c '…'` line is kept as its script when it runs the app's code.
 */
export function beforeStartCommands(
  values: readonly string[],
  execStart: string,
  workingDirectory: string | undefined,
): string[] {
  const program = withoutEnv(plainWords(unitCommandLine(execStart)))[0] ?? "";
  const own = [
    program,
    ...(program.startsWith("/") && !/^\/(usr\/(local\/)?)?(s?bin|lib(exec)?|share)\//.test(program)
      ? [path.posix.dirname(program)]
      : []),
    ...(workingDirectory?.startsWith("/") && workingDirectory !== "/" ? [workingDirectory.replace(/\/+$/, "")] : []),
  ].filter(Boolean);
  const out: string[] = [];
  for (const value of values) {
    const line = unitCommandLine(value);
    const words = withoutEnv(plainWords(line));
    if (SHELLS.test(path.posix.basename(words[0] ?? "")) && words[1] === "-c" && words[2]) {
      const runs = (shellCommands(shellTokens(words[2])) ?? []).some((c) => appProgram(withoutEnv(c)[0] ?? "", own));
      if (runs) out.push(words[2]);
      continue;
    }
    if (words[0] && appProgram(words[0], own)) out.push(line);
  }
  return out;
}

/** A command line's words (quotes grouped), or [] when it is not one plain command. */
function plainWords(line: string): string[] {
  const commands = shellCommands(shellTokens(line));
  return commands?.length === 1 ? [...commands[0]!] : [];
}
