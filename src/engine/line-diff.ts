// A unified line diff for `check` (jsdiff's structuredPatch), capped so one regenerated report
// cannot flood a CI log. Like `diff -u`, but a missing final newline is not a change of its own
// line: when that is all that differs, one line says so.
import { structuredPatch } from "diff";

export interface DiffOptions {
  /** Shown in the `---`/`+++` header lines. */
  path: string;
  /** Unchanged lines kept around each change (default 3). */
  context?: number;
  /** Cap on body lines (default 40); the rest is summarised in one line. */
  maxLines?: number;
  /**
   * What the two sides are, in the header lines: "yours" for a file a person edited, "on disk"
   * for a file that is still as generated; "generated" for what the generator produces now.
   */
  labels?: { before: string; after: string };
}

/** Past this many edits jsdiff gives up (bounded time and memory on a rewritten file). */
const MAX_EDIT_LENGTH = 10_000;

const withFinalNewline = (text: string) => (text === "" || text.endsWith("\n") ? text : `${text}\n`);

function diffBody(before: string, after: string, context: number): string[] {
  const patch = structuredPatch("a", "b", withFinalNewline(before), withFinalNewline(after), undefined, undefined, {
    context,
    maxEditLength: MAX_EDIT_LENGTH,
  });
  if (!patch) return [`@@ more than ${MAX_EDIT_LENGTH} lines changed: no diff shown @@`];
  const body = patch.hunks.flatMap((hunk) => [
    `@@ -${hunk.oldStart},${hunk.oldLines} +${hunk.newStart},${hunk.newLines} @@`,
    ...hunk.lines,
  ]);
  return body.length > 0 ? body : ["@@ only the final newline differs @@"];
}

/**
 * Unified diff from `before` (the file on disk) to `after` (what the generator produces now):
 * a line only the disk has is `-`, a line only the generator writes is `+`.
 * Returns "" when the texts are equal.
 */
export function unifiedDiff(before: string, after: string, options: DiffOptions): string {
  if (before === after) return "";
  const body = diffBody(before, after, options.context ?? 3);
  const max = options.maxLines ?? 40;
  const shown = body.length > max ? [...body.slice(0, max), `… ${body.length - max} more diff lines not shown`] : body;
  const { before: was, after: now } = options.labels ?? { before: "on disk", after: "generated" };
  const width = Math.max(was.length, now.length);
  return (
    [`--- ${was.padEnd(width)}  ${options.path}`, `+++ ${now.padEnd(width)}  ${options.path}`, ...shown].join("\n") +
    "\n"
  );
}
