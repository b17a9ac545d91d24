// Text from outside (an endpoint's error, a model's answer) on its way to a terminal or a file.
import { describe, expect, it } from "vitest";
import { printable, quotedLine, withoutControls } from "../src/printable.js";

describe("printable", () => {
  it("shows control characters and direction overrides as escapes, keeps tab, newline and other text", () => {
    expect(printable("a\u001b[2Jb\u0007c\rd\u009be\u202ef\u2067g")).toBe(
      "a\\u001b[2Jb\\u0007c\\u000dd\\u009be\\u202ef\\u2067g",
    );
    expect(printable("line 1\n\tline 2 — é ✓ 日本")).toBe("line 1\n\tline 2 — é ✓ 日本");
  });
});

describe("quotedLine", () => {
  it("is one line, escaped, and bounded with the count of what was left out", () => {
    expect(quotedLine("  a\r\n\u001b]0;x\u0007  b  ")).toBe("a \\u001b]0;x\\u0007 b");
    expect(quotedLine("y".repeat(310))).toBe(`${"y".repeat(300)}… (10 more characters)`);
    expect(quotedLine("short", 10)).toBe("short");
  });
});

describe("withoutControls", () => {
  it("drops control characters from every string, keys included, and leaves other values alone", () => {
    const answer = { summary: "ok\u001b[31m red\u0000", risks: [{ title: "t\u202e", mttr: 4, ok: true, none: null }] };
    expect(withoutControls(answer)).toEqual({
      summary: "ok[31m red",
      risks: [{ title: "t", mttr: 4, ok: true, none: null }],
    });
    expect(withoutControls({ "a\u0007b": "x\n\ty" })).toEqual({ ab: "x\n\ty" });
  });

  it("keeps a __proto__ key a key and never changes an object's prototype", () => {
    const parsed = JSON.parse('{"__proto__": {"polluted": "yes"}, "a": "b"}') as Record<string, unknown>;
    const clean = withoutControls(parsed);
    expect(Object.getPrototypeOf(clean)).toBe(Object.prototype);
    expect(Object.keys(clean)).toEqual(["__proto__", "a"]);
    expect((clean as { polluted?: string }).polluted).toBeUndefined();
    expect(({} as { polluted?: string }).polluted).toBeUndefined();
  });

  it("does not recurse without end: past 64 levels the value is returned as it is", () => {
    let deep: unknown = "\u001b";
    for (let i = 0; i < 100_000; i++) deep = [deep];
    const clean = withoutControls(deep) as unknown[];
    let inner: unknown = clean;
    for (let i = 0; i < 100_000; i++) inner = (inner as unknown[])[0];
    expect(inner).toBe("\u001b");
  });
});
