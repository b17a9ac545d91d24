// The start script a team's Dockerfile names as its ENTRYPOINT, read as far as a deploy needs it:
// what it sets up before it starts anything (`cd /pretix/src`, `export DJANGO_SETTINGS_MODULE=…`),
// and how it turns its arguments into a process. A dispatcher picks a command by its first argument
// (`case "$1" in cron) exec …;;` or `if [ "$1" == "cron" ]; then exec …; fi`, pretix's
// deployment/docker/pretix.bash) and may end with a catch-all (`exec python3 -m pretix "$@"`); a
// pass-through entrypoint ends with `exec "$@"` (Rails' bin/docker-entrypoint). Cloud Run's
// `--command` replaces the ENTRYPOINT and `--args` only its CMD, like Docker's own
// (https://cloud.google.com/run/docs/configuring/jobs/containers): a process started through the
// script gets its set-up, one started by `--command` does not.
import { shellTokens } from "./shell-words.js";

/** One way the script starts a process: `sub` its first argument (none: the catch-all), then `argv`. */
export interface EntryRoute {
  sub?: string;
  /** The words the script execs, `"$@"` left out. */
  argv: string[];
  /** The script passes its remaining arguments on (`"$@"` after `shift`, or in the catch-all). */
  rest: boolean;
}

export interface EntryScript {
  /** The repository file. */
  file: string;
  /** A folder the script changes to before it starts anything (absolute). */
  cd?: string;
  /** Literal values it exports before it starts anything. */
  env: Record<string, string>;
  routes: EntryRoute[];
}

/** `$@` in a word: what shell-quote makes of it with the marker below. */
const ALL_ARGS = "\u0000@";

/** The words of an `exec …` line, `"$@"` marked; undefined when it is not one plain command. */
function execWords(line: string): { argv: string[]; rest: boolean } | undefined {
  const m = /^exec\s+(.*)$/.exec(line);
  if (!m) return undefined;
  const tokens = shellTokens(m[1]!, { variable: (name) => (name === "@" ? ALL_ARGS : `$${name}`) });
  if (tokens.some((t) => typeof t !== "string")) return undefined;
  const words = tokens as string[];
  const rest = words.at(-1) === ALL_ARGS;
  const argv = rest ? words.slice(0, -1) : words;
  if (argv.some((w) => w.includes(ALL_ARGS))) return undefined;
  return { argv, rest };
}

/** `[ "$1" == "cron" ]`, `[[ $1 = cron ]]`, `[ "${1}" = "cron" ]`: the subcommand a test compares. */
const SUB_TEST = /^(?:if|elif)\s+\[\[?\s+"?\$\{?1\}?"?\s+==?\s+["']?([\w.:-]+)["']?\s+\]\]?\s*;?\s*(?:then)?$/;
/** `cron)` or `cron|periodic)` or `"cron")` as a case branch. */
const CASE_BRANCH = /^\(?\s*((?:["']?[\w.:*-]+["']?\s*\|\s*)*["']?[\w.:*-]+["']?)\s*\)\s*(.*)$/;

/** A line's commands: split at each `;` outside quotes, `;;` kept as a command of its own. */
function commands(line: string): string[] {
  const out: string[] = [];
  let quote = "";
  let word = "";
  for (let i = 0; i < line.length; i++) {
    const c = line[i]!;
    if (quote) {
      if (c === quote) quote = "";
    } else if (c === "'" || c === '"') quote = c;
    else if (c === ";") {
      out.push(word.trim());
      word = "";
      if (line[i + 1] === ";") {
        out.push(";;");
        i++;
      }
      continue;
    }
    word += c;
  }
  out.push(word.trim());
  return out.filter(Boolean);
}

/** Commands without comments, continuations joined. */
function lines(text: string): string[] {
  return text
    .replace(/\\\n\s*/g, " ")
    .split("\n")
    .map((l) => l.replace(/(^|\s)#.*$/, "").trim())
    .flatMap(commands);
}

/** The script's set-up and routes. Only a shell script (a `#!…sh` line, or none) is read. */
export function readEntryScript(file: string, text: string): EntryScript | undefined {
  const first = text.split("\n", 1)[0] ?? "";
  if (first.startsWith("#!") && !/\b(ba|da|a|z)?sh\b/.test(first)) return undefined;
  const out: EntryScript = { file, env: {}, routes: [] };
  // Depth of if/case/function blocks; the subcommand of the branch being read, if any.
  let depth = 0;
  let sub: string | undefined;
  let subDepth = -1;
  let inCase = false;
  let shifted = false;
  let started = false;
  for (const raw of lines(text)) {
    // `then`, `do`, `else` open or continue a block already counted; what follows them is a command.
    if (/^else\b/.test(raw) && depth === subDepth && !inCase) sub = undefined;
    const line = raw.replace(/^(then|do|else)\s+/, "");
    if (/^(then|do|else)$/.test(line)) continue;
    const opens = /^(if|case|while|until|for)\b/.test(line) || /^[\w-]+\s*\(\)\s*\{?$/.test(line);
    const caseOpen = /^case\s+"?\$\{?1\}?"?\s+in$/.test(line);
    const test = SUB_TEST.exec(line);
    if (test && line.startsWith("if")) {
      depth++;
      sub = test[1];
      subDepth = depth;
      shifted = false;
      continue;
    }
    if (line.startsWith("elif")) {
      if (depth === subDepth) {
        sub = test?.[1];
        shifted = false;
      }
      continue;
    }
    if (caseOpen) {
      depth++;
      inCase = true;
      subDepth = depth;
      continue;
    }
    if (/^(fi|done|esac|\})$/.test(line)) {
      if (depth === subDepth) {
        sub = undefined;
        subDepth = -1;
        inCase = false;
      }
      depth = Math.max(0, depth - 1);
      continue;
    }
    if (inCase && depth === subDepth) {
      const branch = CASE_BRANCH.exec(line);
      if (branch) {
        sub = branch[1]!
          .split("|")[0]!
          .trim()
          .replace(/^["']|["']$/g, "");
        if (sub === "*") sub = undefined;
        shifted = false;
        if (branch[2]) handle(branch[2].trim());
        continue;
      }
    }
    if (line === ";;") continue;
    if (opens) {
      depth++;
      continue;
    }
    handle(line);
  }
  return out;

  function handle(line: string): void {
    if (!line) return;
    if (line === "shift" || line === "shift 1") {
      shifted = true;
      return;
    }
    const run = execWords(line);
    if (run) {
      if (sub !== undefined) {
        // A branch passes on what follows its subcommand only after `shift`; else `"$@"` repeats it.
        if (!out.routes.some((r) => r.sub === sub) && (!run.rest || shifted))
          out.routes.push({ sub, argv: run.argv, rest: run.rest });
      } else if (run.rest && !out.routes.some((r) => r.sub === undefined)) {
        out.routes.push({ argv: run.argv, rest: true });
      }
      if (depth === 0) started = true;
      return;
    }
    // Set-up counts only at the top, before anything is started.
    if (depth > 0 || started) return;
    const cd = /^cd\s+(\/[\w./@+-]*)$/.exec(line);
    if (cd) out.cd = cd[1]!.replace(/(.)\/+$/, "$1");
    const exported = /^export\s+([A-Za-z_]\w*)=("[^"$`\\]*"|'[^']*'|[^\s"'$`\\;&|]*)$/.exec(line);
    if (exported) out.env[exported[1]!] = exported[2]!.replace(/^["']|["']$/g, "");
  }
}

/** A program word as a command names it: its file name, Python's version dropped. */
function program(word: string): string {
  const base = word.slice(word.lastIndexOf("/") + 1);
  return /^python(\d(\.\d+)?)?$/.test(base) ? "python" : base;
}

/** `python manage.py X` as `python -m PKG X` when PKG's __main__.py runs Django's commands too. */
function asModule(argv: readonly string[], route: EntryRoute, djangoMains: ReadonlySet<string>): string[] {
  const [py, file, ...rest] = argv;
  const [rpy, flag, pkg] = route.argv;
  if (py === undefined || program(py) !== "python" || !/(^|\/)manage\.py$/.test(file ?? "")) return [...argv];
  if (rpy === undefined || program(rpy) !== "python" || flag !== "-m" || !pkg || !djangoMains.has(pkg))
    return [...argv];
  return [py, "-m", pkg, ...rest];
}

/** The remaining words when `argv` starts with the route's words (program names compared by name). */
function after(argv: readonly string[], route: EntryRoute): string[] | undefined {
  const want = route.argv;
  if (want.length === 0 || argv.length < want.length) return want.length === 0 ? [...argv] : undefined;
  for (let i = 0; i < want.length; i++) {
    const a = i === 0 ? program(argv[i]!) : argv[i];
    const b = i === 0 ? program(want[i]!) : want[i];
    if (a !== b || want[i]!.includes("$")) return undefined;
  }
  return argv.slice(want.length);
}

/**
 * The arguments that make the script start `argv`: a subcommand whose command is `argv` (what
 * follows passed on when the branch passes it on), else the catch-all's remaining words. Undefined
 * when the script starts no such process.
 */
export function routeArgs(
  argv: readonly string[],
  script: EntryScript,
  djangoMains: ReadonlySet<string> = new Set(),
): string[] | undefined {
  const subs = new Set(script.routes.flatMap((r) => (r.sub !== undefined ? [r.sub] : [])));
  // A branch of its own before the catch-all, wherever the script writes them.
  const routes = [...script.routes.filter((r) => r.sub !== undefined), ...script.routes.filter((r) => !r.sub)];
  for (const route of routes) {
    const rest = after(asModule(argv, route, djangoMains), route);
    if (rest === undefined) continue;
    if (route.sub !== undefined) {
      if (rest.length === 0 || route.rest) return [route.sub, ...rest];
      continue;
    }
    // The catch-all gets what no branch takes first.
    if (rest.length > 0 && !subs.has(rest[0]!)) return rest;
  }
  return undefined;
}
