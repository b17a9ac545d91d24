// A small POSIX-shell word splitter for commands written for people (Markdown docs): quotes,
// backslashes, `\` line continuations and the operators that end a command. Expansions cannot be
// evaluated, so `$VAR`, `${VAR}` and `$(…)` become the word VALUE; docs should name concrete
// values or UPPER_CASE placeholders, which pass through as they are.

const OPERATOR = /^(\|\||&&|;;|[|;&<>]|[0-9]?>>?|<<)/;

/** Splits one logical line into words and operator tokens ({ op }). */
export function shellTokens(line: string): Array<string | { op: string }> {
  const tokens: Array<string | { op: string }> = [];
  let word = "";
  let inWord = false;
  let i = 0;
  const flush = () => {
    if (inWord) tokens.push(word);
    word = "";
    inWord = false;
  };
  const expansion = (): void => {
    // $VAR, ${…} or $(…) (nested parentheses counted); consumed, replaced by VALUE.
    const rest = line.slice(i + 1);
    let len = 1;
    if (rest.startsWith("(") || rest.startsWith("{")) {
      const [open, close] = rest[0] === "(" ? ["(", ")"] : ["{", "}"];
      let depth = 0;
      for (let j = 0; j < rest.length; j++) {
        if (rest[j] === open) depth++;
        else if (rest[j] === close && --depth === 0) {
          len = j + 2;
          break;
        }
        len = j + 2;
      }
    } else len += /^[A-Za-z_][A-Za-z0-9_]*|^[0-9@*#?$!-]/.exec(rest)?.[0].length ?? 0;
    word += len > 1 ? "VALUE" : "$";
    inWord = true;
    i += len;
  };
  while (i < line.length) {
    const c = line[i]!;
    if (c === "'") {
      const end = line.indexOf("'", i + 1);
      word += line.slice(i + 1, end < 0 ? undefined : end);
      inWord = true;
      i = end < 0 ? line.length : end + 1;
    } else if (c === '"') {
      inWord = true;
      i++;
      while (i < line.length && line[i] !== '"') {
        if (line[i] === "\\" && /["\\$`]/.test(line[i + 1] ?? "")) {
          word += line[i + 1];
          i += 2;
        } else if (line[i] === "$") expansion();
        else word += line[i++];
      }
      i++;
    } else if (c === "\\") {
      word += line[i + 1] ?? "";
      inWord = true;
      i += 2;
    } else if (c === "$") expansion();
    else if (/\s/.test(c)) {
      flush();
      i++;
    } else if (c === "#" && !inWord) break;
    else {
      const op = inWord && !/[|;&<>]/.test(c) ? undefined : OPERATOR.exec(line.slice(i))?.[0];
      if (op && !(inWord && /^[0-9]/.test(op))) {
        flush();
        tokens.push({ op });
        i += op.length;
      } else {
        word += c;
        inWord = true;
        i++;
      }
    }
  }
  flush();
  return tokens;
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
