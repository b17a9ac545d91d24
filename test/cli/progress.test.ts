import { describe, expect, it } from "vitest";
import { createOutput } from "../../src/cli/output.js";
import { createProgress } from "../../src/cli/progress.js";
import type { PhaseRun } from "../../src/pipeline/run-phase.js";

function fakeStream(isTTY: boolean, columns = 60) {
  const chunks: string[] = [];
  const stream = { isTTY, columns, write: (s: string) => (chunks.push(s), true) } as unknown as NodeJS.WriteStream;
  return { stream, text: () => chunks.join("") };
}

const run = {
  usage: { inputTokens: 1, outputTokens: 2, totalTokens: 3 },
  cached: false,
  summary: "a very long summary ".repeat(10).trim(),
} as unknown as PhaseRun;
const events = (p: Awaited<ReturnType<typeof createProgress>>) => {
  p.onEvent({
    type: "phase-start",
    phase: "audit",
    persona: "cloud-architect@1.0.0",
    provider: "gemini",
    model: "gemini-3.5-flash-lite",
  });
  p.onEvent({ type: "phase-done", phase: "audit", run, elapsedMs: 1234 });
  p.stop();
};

describe("progress", () => {
  it("on a TTY redraws rows that never wrap", async () => {
    const { stream, text } = fakeStream(true, 60);
    const out = createOutput({ color: false }, {}, { stdout: stream, stderr: stream });
    events(await createProgress(out, stream, {}));
    const rows = text()
      .replace(/\x1b\[[?\d;]*[A-Za-z]/g, "\n")
      .split("\n")
      .filter(Boolean);
    expect(rows.length).toBeGreaterThan(0);
    for (const row of rows) expect([...row].length).toBeLessThanOrEqual(60);
    expect(text()).toContain("\x1b[1A"); // moved up to redraw
  });

  it("in CI prints one plain line per event, no escape codes", async () => {
    const { stream, text } = fakeStream(true);
    const out = createOutput({ color: false }, {}, { stdout: stream, stderr: stream });
    events(await createProgress(out, stream, { CI: "true" }));
    expect(text()).not.toContain("\x1b[");
    expect(text().trim().split("\n")).toEqual([
      "[audit] start persona=cloud-architect@1.0.0 provider=gemini model=gemini-3.5-flash-lite",
      `[audit] done in 1.23s tokens=3: ${run.summary}`,
    ]);
  });

  it("for check (terminal only): the table on a TTY, nothing but notices in CI", async () => {
    const tty = fakeStream(true, 80);
    events(
      await createProgress(
        createOutput({ color: false }, {}, { stdout: tty.stream, stderr: tty.stream }),
        tty.stream,
        {},
        { terminalOnly: true },
      ),
    );
    expect(tty.text()).toContain("cloud-architect@1.0.0");
    expect(tty.text()).toContain("\x1b[1A");

    const ci = fakeStream(true);
    const out = createOutput({ color: false }, {}, { stdout: ci.stream, stderr: ci.stream });
    const progress = await createProgress(out, ci.stream, { CI: "true" }, { terminalOnly: true });
    progress.onEvent({ type: "notice", message: "warning: inventory.yaml:3:1 something" });
    events(progress);
    expect(ci.text().trim()).toBe("warning: inventory.yaml:3:1 something");
  });
});
