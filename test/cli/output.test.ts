import { describe, expect, it } from "vitest";
import { colorEnabled, createOutput } from "../../src/cli/output.js";

describe("colour", () => {
  it.each([
    [{}, {}, true, true],
    [{}, {}, false, false],
    [{ color: false }, {}, true, false],
    [{}, { NO_COLOR: "1" }, true, false],
    [{}, { NO_COLOR: "1", FORCE_COLOR: "1" }, true, false],
    [{}, { NO_COLOR: "" }, true, true],
    [{}, { FORCE_COLOR: "1" }, false, true],
    [{}, { FORCE_COLOR: "0" }, true, true],
    [{}, { TERM: "dumb" }, true, false],
  ] as const)("flags %j env %j tty %s → %s", (flags, env, tty, expected) => {
    expect(colorEnabled(flags, env, tty)).toBe(expected);
  });
});

describe("--json keeps stdout to one document", () => {
  it("sends human lines to stderr and the document to stdout", () => {
    const out: string[] = [];
    const err: string[] = [];
    const stream = (sink: string[]) =>
      ({ isTTY: false, write: (s: string) => (sink.push(s), true) }) as unknown as NodeJS.WriteStream;
    const o = createOutput({ json: true }, {}, { stdout: stream(out), stderr: stream(err) });
    o.info("progress");
    o.warn("careful");
    o.print("ignored under --json");
    o.emitJson({ ok: true });
    expect(JSON.parse(out.join(""))).toEqual({ ok: true });
    expect(err.join("")).toBe("progress\ncareful\n");
  });
});
