// Generated scripts run under `set -o pipefail`. `cmd | grep -q …` is then a race: grep -q exits
// at its first match, a writer still writing gets SIGPIPE (exit 141), and the pipeline reads as
// "no match" — an IAM binding left in place, a backend added twice. Every shell template reads
// the whole stream instead (`grep … >/dev/null`).
import { readdir, readFile } from "node:fs/promises";
import path from "node:path";
import { describe, expect, it } from "vitest";

const TEMPLATES = path.join(import.meta.dirname, "..", "..", "templates");

async function shellTemplates(dir: string): Promise<string[]> {
  const entries = await readdir(dir, { withFileTypes: true, recursive: true });
  return entries
    .filter((e) => e.isFile() && /\.sh(\.hbs)?$|^canary\.sh$/.test(e.name))
    .map((e) => path.join(e.parentPath, e.name));
}

/** Lines where grep -q (or --quiet) reads a pipe: after `|` on the line or on the line before. */
function quietGrepOnPipe(text: string): number[] {
  const lines = text.split("\n");
  const found: number[] = [];
  lines.forEach((line, i) => {
    const code = line.replace(/^\s*#.*$/, "");
    const quiet = /\bgrep\s+(-[A-Za-z]*q[A-Za-z]*|--quiet)\b/;
    const pipedHere = /\|\s*grep\s/.test(code) && quiet.test(code.slice(code.search(/\|\s*grep\s/)));
    const pipedBefore = /\|\s*$/.test(lines[i - 1] ?? "") && /^\s*grep\s/.test(code) && quiet.test(code);
    if (pipedHere || pipedBefore) found.push(i + 1);
  });
  return found;
}

describe("shell templates: no grep -q at the end of a pipe", () => {
  it("finds the pattern where it is (the check can fail)", () => {
    expect(quietGrepOnPipe('gcloud x list | grep -qxF "$U"; then')).toEqual([1]);
    expect(quietGrepOnPipe("if gcloud x get --format=json |\n  grep -qF \"$M\"; then")).toEqual([2]);
    expect(quietGrepOnPipe('grep -qxF -- "$n" "$file"')).toEqual([]);
    expect(quietGrepOnPipe('gcloud x list | grep -xF "$U" >/dev/null')).toEqual([]);
  });

  it("every shell template reads the whole stream", async () => {
    const files = await shellTemplates(TEMPLATES);
    expect(files.length).toBeGreaterThan(5);
    const offenders = [];
    for (const file of files) {
      const lines = quietGrepOnPipe(await readFile(file, "utf8"));
      if (lines.length) offenders.push(`${path.relative(TEMPLATES, file)}:${lines.join(",")}`);
    }
    expect(offenders).toEqual([]);
  });
});
