// A command line as words, the way sh splits it (shell-quote: quotes group, backslashes escape,
// `"a"'b'` joins, a `#` comment ends the line), with the operators between commands (`;`, `&&`,
// `||`, `|`, `(`, redirections) kept as tokens so a caller can see that a line is more than one
// plain command. Variables are not expanded: by default `$NAME` stays as written (a fact about the
// VM, not a value), or becomes what `variable` returns.
import { parse } from "shell-quote";

export type ShellToken = string | { op: string };

export interface ShellWordOptions {
  /** What `$NAME` or `${NAME}` becomes inside a word (default: `$NAME`). */
  variable?: (name: string) => string;
}

const REDIRECT = /^(>>?|>&|<|<<)$/;

export function shellTokens(line: string, options: ShellWordOptions = {}): ShellToken[] {
  const variable = options.variable ?? ((name: string) => `$${name}`);
  const out: ShellToken[] = [];
  for (const entry of parse(line, variable)) {
    if (typeof entry === "string") out.push(entry);
    else if ("comment" in entry) break;
    else if (entry.op === "glob") out.push(entry.pattern);
    else out.push({ op: entry.op });
  }
  return withFileDescriptors(out, line);
}

/**
 * shell-quote reads `2>&1` as "2", ">&", "1" and `2>/dev/null` as "2", ">", "/dev/null": a digit
 * written against a redirection (the line says so) is its file descriptor, part of the operator.
 */
function withFileDescriptors(tokens: ShellToken[], line: string): ShellToken[] {
  const out: ShellToken[] = [];
  for (let i = 0; i < tokens.length; i++) {
    const t = tokens[i]!;
    const next = tokens[i + 1];
    if (typeof t === "string" && /^\d$/.test(t) && typeof next === "object" && REDIRECT.test(next.op)) {
      const after = tokens[i + 2];
      if (next.op === ">&" && typeof after === "string" && /^\d$/.test(after) && line.includes(`${t}>&${after}`)) {
        out.push({ op: `${t}>&${after}` });
        i += 2;
        continue;
      }
      if (line.includes(`${t}${next.op}`)) {
        out.push({ op: `${t}${next.op}` });
        i += 1;
        continue;
      }
    }
    out.push(t);
  }
  return out;
}

/** The plain commands of a token list (split at `;`, `&&`, `||`), each as its words; undefined if anything else joins them. */
export function shellCommands(tokens: ShellToken[]): string[][] | undefined {
  const commands: string[][] = [[]];
  for (const t of tokens) {
    if (typeof t === "string") commands[commands.length - 1]!.push(t);
    else if (t.op === ";" || t.op === "&&" || t.op === "||") commands.push([]);
    else return undefined;
  }
  return commands.filter((c) => c.length > 0);
}
