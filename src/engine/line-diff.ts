// A small unified line diff for `check`: enough to show a reviewer what drifted, capped so one
// regenerated report cannot flood a CI log. Common prefix/suffix are trimmed first (generated
// files usually differ in a few lines), then an LCS table runs on what is left.

export interface DiffOptions {
  /** Shown in the `---`/`+++` header lines. */
  path: string;
  /** Unchanged lines kept around each change (default 3). */
  context?: number;
  /** Cap on body lines (default 40); the rest is summarised in one line. */
  maxLines?: number;
}

type Op = { kind: " " | "-" | "+"; text: string; oldNo: number; newNo: number };

/** Above this many LCS cells the middle is shown as one replaced block (bounded memory). */
const MAX_CELLS = 4_000_000;

function splitLines(text: string): string[] {
  if (text === "") return [];
  const lines = text.split("\n");
  if (lines[lines.length - 1] === "") lines.pop();
  return lines;
}

/** Edit script turning `a` into `b`, line by line. */
export function diffLines(a: string[], b: string[]): Op[] {
  let start = 0;
  while (start < a.length && start < b.length && a[start] === b[start]) start++;
  let endA = a.length;
  let endB = b.length;
  while (endA > start && endB > start && a[endA - 1] === b[endB - 1]) {
    endA--;
    endB--;
  }
  const ops: Op[] = [];
  for (let i = 0; i < start; i++) ops.push({ kind: " ", text: a[i]!, oldNo: i + 1, newNo: i + 1 });
  const n = endA - start;
  const m = endB - start;
  if (n * m > MAX_CELLS) {
    for (let i = start; i < endA; i++) ops.push({ kind: "-", text: a[i]!, oldNo: i + 1, newNo: 0 });
    for (let j = start; j < endB; j++) ops.push({ kind: "+", text: b[j]!, oldNo: 0, newNo: j + 1 });
  } else {
    // lcs[i][j] = length of the LCS of a[start+i..endA) and b[start+j..endB), row-major.
    const width = m + 1;
    const lcs = new Uint32Array((n + 1) * width);
    for (let i = n - 1; i >= 0; i--) {
      for (let j = m - 1; j >= 0; j--) {
        lcs[i * width + j] =
          a[start + i] === b[start + j]
            ? lcs[(i + 1) * width + j + 1]! + 1
            : Math.max(lcs[(i + 1) * width + j]!, lcs[i * width + j + 1]!);
      }
    }
    let i = 0;
    let j = 0;
    while (i < n || j < m) {
      if (i < n && j < m && a[start + i] === b[start + j]) {
        ops.push({ kind: " ", text: a[start + i]!, oldNo: start + i + 1, newNo: start + j + 1 });
        i++;
        j++;
      } else if (i < n && (j === m || lcs[(i + 1) * width + j]! >= lcs[i * width + j + 1]!)) {
        // Removals before additions within a replaced block, as `diff -u` prints them.
        ops.push({ kind: "-", text: a[start + i]!, oldNo: start + i + 1, newNo: 0 });
        i++;
      } else {
        ops.push({ kind: "+", text: b[start + j]!, oldNo: 0, newNo: start + j + 1 });
        j++;
      }
    }
  }
  for (let k = 0; k < a.length - endA; k++)
    ops.push({ kind: " ", text: a[endA + k]!, oldNo: endA + k + 1, newNo: endB + k + 1 });
  return ops;
}

/** Group changed ops into hunks with `context` lines around them. */
function hunks(ops: Op[], context: number): Op[][] {
  const changed = ops.map((op, index) => (op.kind === " " ? -1 : index)).filter((index) => index >= 0);
  const groups: Op[][] = [];
  let from = -1;
  let to = -1;
  for (const index of changed) {
    if (from >= 0 && index - context <= to + context + 1) {
      to = index;
      continue;
    }
    if (from >= 0) groups.push(ops.slice(Math.max(0, from - context), Math.min(ops.length, to + context + 1)));
    from = index;
    to = index;
  }
  if (from >= 0) groups.push(ops.slice(Math.max(0, from - context), Math.min(ops.length, to + context + 1)));
  return groups;
}

function hunkHeader(hunk: Op[]): string {
  const olds = hunk.filter((op) => op.kind !== "+");
  const news = hunk.filter((op) => op.kind !== "-");
  const oldStart = olds[0]?.oldNo ?? Math.max(0, (hunk.find((op) => op.oldNo > 0)?.oldNo ?? 1) - 1);
  const newStart = news[0]?.newNo ?? Math.max(0, (hunk.find((op) => op.newNo > 0)?.newNo ?? 1) - 1);
  return `@@ -${oldStart},${olds.length} +${newStart},${news.length} @@`;
}

/**
 * Unified diff from `before` (the file on disk) to `after` (what the generator produces now).
 * Returns "" when the texts are equal.
 */
export function unifiedDiff(before: string, after: string, options: DiffOptions): string {
  if (before === after) return "";
  const ops = diffLines(splitLines(before), splitLines(after));
  const body: string[] = [];
  for (const hunk of hunks(ops, options.context ?? 3)) {
    body.push(hunkHeader(hunk));
    for (const op of hunk) body.push(`${op.kind}${op.text}`);
  }
  if (body.length === 0) body.push("@@ only the final newline differs @@");
  const max = options.maxLines ?? 40;
  const shown = body.length > max ? [...body.slice(0, max), `… ${body.length - max} more diff lines not shown`] : body;
  return [`--- a/${options.path}`, `+++ b/${options.path}`, ...shown].join("\n") + "\n";
}
