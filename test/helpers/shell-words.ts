// gcloud commands in commands written for people (Markdown docs), split into words by the
// product's own shell splitter (src/image/shell-words.ts, on shell-quote). Expansions cannot be
// evaluated, so `$VAR`, `${VAR}` and `$(…)` become the word VALUE; docs should name concrete values
// or UPPER_CASE placeholders, which pass through as they are.
import { shellTokens as splitShell, type ShellToken } from "../../src/image/shell-words.js";

/** Splits one logical line into words and operator tokens ({ op }), expansions as VALUE. */
function shellTokens(line: string): ShellToken[] {
  // Inside double quotes shell-quote reads `$(cmd)` as an empty variable and the text `(cmd)`.
  return splitShell(line, { variable: () => "VALUE" }).map((t) =>
    typeof t === "string" ? t.replace(/VALUE\((?:[^()]|\([^()]*\))*\)/g, "VALUE") : t,
  );
}

/** The argv (after `gcloud`) of every gcloud command on one logical line. */
export function gcloudCommandsInLine(line: string): string[][] {
  const commands: string[][] = [];
  let current: string[] | undefined;
  let atStart = true;
  for (const token of shellTokens(line.replace(/^\s*\$\s+/, ""))) {
    if (typeof token !== "string") {
      if (current) commands.push(current);
      current = undefined;
      // After a redirection the next word is a file name, not a command.
      atStart = !/[<>]/.test(token.op);
      continue;
    }
    if (current) current.push(token);
    else if (atStart && token === "gcloud") current = [];
    else if (atStart && /^(sudo|time|env|exec)$/.test(token)) continue;
    else atStart = false;
  }
  if (current) commands.push(current);
  return commands;
}

/** gcloud commands in shell code blocks (``` with no language or sh/bash/shell/console) and code spans. */
export function gcloudWordsInMarkdown(markdown: string): string[][] {
  const out: string[][] = [];
  const lines = markdown.split("\n");
  let fence: { shell: boolean; marker: string } | undefined;
  let pending = "";
  for (const raw of lines) {
    const open = /^\s*(```+|~~~+)\s*([A-Za-z0-9_-]*)/.exec(raw);
    if (fence) {
      if (open && raw.trim().startsWith(fence.marker) && open[2] === "") {
        fence = undefined;
        pending = "";
        continue;
      }
      if (!fence.shell) continue;
      const line = pending + raw;
      if (/\\$/.test(line)) {
        pending = line.slice(0, -1) + " ";
        continue;
      }
      pending = "";
      out.push(...gcloudCommandsInLine(line));
    } else if (open) {
      fence = { shell: /^(|sh|bash|shell|console|zsh)$/.test(open[2]!), marker: open[1]! };
    } else {
      // A span with no flag names a command in prose (`gcloud scheduler jobs update http`).
      for (const span of raw.matchAll(/`([^`]+)`/g))
        if (/^\s*(\$\s+)?gcloud\s.*\s--?[a-z]/.test(span[1]!)) out.push(...gcloudCommandsInLine(span[1]!));
    }
  }
  return out;
}
