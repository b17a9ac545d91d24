// A VM command line as words, the way sh splits it: quotes group, backslashes escape, and the
// operators between commands (`;`, `&&`, `||`, `|`, redirections) stay separate so a caller can
// see that a line is more than one plain command.
export type ShellToken = string | { op: string };

const OPERATORS = ["&&", "||", ";;", ">>", "2>&1", "&>", ";", "|", "&", "<", ">"];

export function shellTokens(line: string): ShellToken[] {
  const out: ShellToken[] = [];
  let word = "";
  let inWord = false;
  const flush = () => {
    if (inWord) out.push(word);
    word = "";
    inWord = false;
  };
  for (let i = 0; i < line.length;) {
    const c = line[i]!;
    if (c === "'") {
      const end = line.indexOf("'", i + 1);
      word += line.slice(i + 1, end < 0 ? line.length : end);
      inWord = true;
      i = end < 0 ? line.length : end + 1;
    } else if (c === '"') {
      let j = i + 1;
      while (j < line.length && line[j] !== '"') {
        if (line[j] === "\\" && j + 1 < line.length) j++;
        word += line[j];
        j++;
      }
      inWord = true;
      i = j + 1;
    } else if (c === "\\" && i + 1 < line.length) {
      word += line[i + 1];
      inWord = true;
      i += 2;
    } else if (/\s/.test(c)) {
      flush();
      i++;
    } else {
      const op = OPERATORS.find((o) => line.startsWith(o, i) && (o !== "&" || !inWord));
      if (op && !(op === "2>&1" && inWord)) {
        flush();
        out.push({ op });
        i += op.length;
      } else {
        word += c;
        inWord = true;
        i++;
      }
    }
  }
  flush();
  return out;
}

/** The plain commands of a line (split at `;`, `&&`, `||`), each as its words; undefined if it pipes or redirects. */
export function shellCommands(line: string): string[][] | undefined {
  const commands: string[][] = [[]];
  for (const t of shellTokens(line)) {
    if (typeof t === "string") commands[commands.length - 1]!.push(t);
    else if (t.op === ";" || t.op === "&&" || t.op === "||") commands.push([]);
    else return undefined;
  }
  return commands.filter((c) => c.length > 0);
}
