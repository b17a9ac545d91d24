import { execFileSync } from "node:child_process";
import { mkdtempSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { describe, expect, it } from "vitest";
import { unifiedDiff } from "../../src/engine/line-diff.js";

const lines = (n: number, prefix = "line") => Array.from({ length: n }, (_, i) => `${prefix} ${i + 1}`);
const text = (ls: string[]) => ls.join("\n") + "\n";

/** Apply a diff body's +/space lines: must rebuild the new text exactly (and -/space the old). */
const side = (diff: string, drop: "-" | "+") =>
  diff
    .split("\n")
    .slice(2)
    .filter((l) => l !== "" && !l.startsWith("@@") && !l.startsWith(drop))
    .map((l) => l.slice(1));

describe("unifiedDiff edits", () => {
  it.each([
    ["append", ["a"], ["a", "b"], 1],
    ["delete middle", ["a", "b", "c"], ["a", "c"], 1],
    ["replace one", ["a", "b", "c"], ["a", "X", "c"], 2],
    ["from empty", [], ["a", "b"], 2],
    ["to empty", ["a", "b"], [], 2],
    ["interleaved", ["a", "b", "c", "d", "e"], ["b", "c", "x", "e", "f"], 4],
  ])("%s: minimal edits, both sides rebuilt", (_name, a, b, edits) => {
    const diff = unifiedDiff(a.length ? text(a) : "", b.length ? text(b) : "", { path: "f", context: 100 });
    expect(side(diff, "-")).toEqual(b);
    expect(side(diff, "+")).toEqual(a);
    expect(diff.split("\n").filter((l) => /^[-+](?![-+]{2} )/.test(l)).length).toBe(edits);
  });

  it("prints removals before additions in a replaced block", () => {
    expect(unifiedDiff("a\nold\nz\n", "a\nnew\nz\n", { path: "f" }).split("\n").slice(3, 7)).toEqual([
      " a",
      "-old",
      "+new",
      " z",
    ]);
  });
});

describe("unifiedDiff", () => {
  it("is empty for equal texts", () => {
    expect(unifiedDiff("a\n", "a\n", { path: "f" })).toBe("");
  });

  it("shows one hunk with 3 lines of context and correct ranges", () => {
    const before = lines(20);
    const after = [...before];
    after[9] = "changed";
    expect(unifiedDiff(text(before), text(after), { path: "docs/x.md" })).toBe(
      [
        "--- on disk    docs/x.md",
        "+++ generated  docs/x.md",
        "@@ -7,7 +7,7 @@",
        " line 7",
        " line 8",
        " line 9",
        "-line 10",
        "+changed",
        " line 11",
        " line 12",
        " line 13",
        "",
      ].join("\n"),
    );
  });

  it("splits distant changes into separate hunks and merges close ones", () => {
    const before = lines(40);
    const far = [...before];
    far[2] = "A";
    far[30] = "B";
    expect(unifiedDiff(text(before), text(far), { path: "f" }).match(/^@@/gm)).toHaveLength(2);
    const near = [...before];
    near[2] = "A";
    near[7] = "B";
    expect(unifiedDiff(text(before), text(near), { path: "f" }).match(/^@@/gm)).toHaveLength(1);
  });

  it("caps the body and says how much was left out", () => {
    const out = unifiedDiff(text(lines(200, "old")), text(lines(200, "new")), { path: "f", maxLines: 40 });
    const body = out.trimEnd().split("\n");
    expect(body).toHaveLength(2 + 40 + 1);
    expect(body.at(-1)).toMatch(/^… \d+ more diff lines not shown$/);
  });

  it("notices a change in the final newline alone", () => {
    expect(unifiedDiff("a\nb", "a\nb\n", { path: "f" })).toContain("only the final newline differs");
  });

  it("agrees with GNU diff -u on a mixed edit", () => {
    const dir = mkdtempSync(path.join(tmpdir(), "im-diff-"));
    const before = text(["title", "a", "b", "c", "d", "e", "f", "g", "h", "i", "j", "k"]);
    const after = text(["title", "a", "B", "c", "d", "e", "f", "g", "h", "i", "k", "l"]);
    writeFileSync(path.join(dir, "a"), before);
    writeFileSync(path.join(dir, "b"), after);
    let gnu = "";
    try {
      execFileSync("diff", ["-u", "a", "b"], { cwd: dir, encoding: "utf8" });
    } catch (error) {
      gnu = (error as { stdout: string }).stdout;
    }
    const gnuBody = gnu.split("\n").slice(2).join("\n");
    const ours = unifiedDiff(before, after, { path: "f" }).split("\n").slice(2).join("\n");
    expect(ours).toBe(gnuBody);
  });
});
