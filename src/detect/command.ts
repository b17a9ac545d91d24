// What a start command says about a service: `/srv/app/.venv/bin/uvicorn app.main:app --port 8000`
// is a web service run by uvicorn on 127.0.0.1:8000, on Python. Used for systemd ExecStart,
// Procfile lines, crontab lines and docker-compose commands alike. The per-program rules live in
// process-rules.ts; this file unwraps launchers (sh -c, bundle exec, python -m, php artisan…).
import { parse as parseShell } from "shell-quote";
import type { ServiceRole } from "../inventory/schema.js";
import { basename, type CommandFacts } from "./command-facts.js";
import { classifyProgram } from "./process-rules.js";
import { afterEnvLoader } from "../contracts/env-loaders.js";

export { basename } from "./command-facts.js";

export type { CommandFacts } from "./command-facts.js";

/**
 * Splits a command line into words as a POSIX shell would (quotes, escapes, `"a"'b'` joined), via
 * shell-quote. Variables stay as written (`$PORT` is a fact about the command, not a value to
 * expand), operators such as `&&` stay words, and a `#` comment ends the command.
 */
export function splitCommand(command: string): string[] {
  const words: string[] = [];
  for (const entry of parseShell(command, (name) => `$${name}`)) {
    if (typeof entry === "string") words.push(entry);
    else if ("comment" in entry) break;
    else if (entry.op === "glob") words.push(entry.pattern);
    else words.push(entry.op);
  }
  return words;
}

/**
 * The statement of a `sh -c` script that starts the service: the one after `exec`, else the last
 * one that is not a test, an assignment or an export (`[ -n "$X" ] && export Y=$X; exec granian …`).
 */
export function mainStatement(script: string): string {
  const statements = script
    .split(/;|&&|\|\||\n/)
    .map((s) => s.trim())
    .filter((s) => s && !s.startsWith("#"));
  const exec = statements.find((s) => /^exec\s/.test(s));
  if (exec) return exec;
  const runs = statements.filter((s) => !/^(\[|test\s|export\s|cd\s|set\s|source\s|\.\s|[A-Za-z_]\w*=\S*$)/.test(s));
  return runs.at(-1) ?? script;
}

const ENV_ASSIGNMENT = /^[A-Za-z_][A-Za-z0-9_]*=/;

/**
 * `wait-for-it.sh db:5432 -t 30 -- cmd…`, `wait-for db:5432 -- cmd…`: the command after `--`, which
 * runs once the address answers (container start scripts' usual guard); other words as they are.
 */
export function afterWaiter(words: string[]): string[] {
  const at = words.indexOf("--");
  return at > 0 && /^wait-for(-it)?(\.sh)?$/.test(basename(words[0]!)) ? words.slice(at + 1) : words;
}

/** Strips launchers that only run the next word: `bundle exec`, `poetry run`, `env A=1`, `nice -n 5`, `dotenv`… */
function unwrap(words: string[]): string[] {
  while (words.length > 1) {
    const head = basename(words[0]!);
    if (/^python[\d.]*$/.test(head) && words[1] === "-m") words = words.slice(2);
    else if (["poetry", "pipenv", "uv", "hatch", "pdm"].includes(head) && words[1] === "run") words = words.slice(2);
    else if (head === "bundle" && words[1] === "exec") words = words.slice(2);
    else if ((head === "pnpm" || head === "yarn") && words[1] === "exec") words = words.slice(2);
    else if (head === "npx" || head === "exec" || head === "nohup" || head === "chpst") words = words.slice(1);
    else if (head === "nice") words = words.slice(words[1] === "-n" ? 3 : 1);
    else if (afterWaiter(words) !== words) words = afterWaiter(words);
    else if (head === "env") {
      let i = 1;
      while (i < words.length && (ENV_ASSIGNMENT.test(words[i]!) || words[i]!.startsWith("-"))) i++;
      words = words.slice(i);
    } else if (ENV_ASSIGNMENT.test(words[0]!)) words = words.slice(1);
    else {
      const rest = afterEnvLoader(words);
      if (!rest?.length) break;
      words = rest;
    }
  }
  return words;
}

export function classifyCommand(command: string): CommandFacts {
  const words = unwrap(splitCommand(command.replace(/^[-@+!:]+/, "").trim()));
  // `bash -c "…"`, `sh -lc '…'`, `/usr/bin/env bash -ec "…"`: the interesting command is inside.
  if (words.length >= 3 && /^(ba|da|z)?sh$/.test(basename(words[0]!)) && /^-[a-z]*c$/.test(words[1]!))
    return classifyCommand(mainStatement(words[2]!));
  return classifyProgram(words);
}

/** A classified command as finding fields: role, software, listen, and the rest kept for enrichment. */
export function findingFacts(facts: CommandFacts): {
  role: ServiceRole;
  software: string;
  listen: string[];
  process?: Omit<CommandFacts, "software" | "role" | "listen">;
} {
  const { software, role, listen, ...process } = facts;
  return { role, software, listen: listen ? [listen] : [], ...(Object.keys(process).length ? { process } : {}) };
}

export { portOf } from "../inventory/listen.js";
