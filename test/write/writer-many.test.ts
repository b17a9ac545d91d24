// Many files at once: reads and staged writes run a few dozen at a time (writer.ts), with the
// answers, the refusals and the all-or-nothing guarantee of one file after the other.
import { mkdtemp, readdir, readFile, stat, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import path from "node:path";
import { describe, expect, it } from "vitest";
import { GenerationError } from "../../src/errors.js";
import type { Plan } from "../../src/write/plan.js";
import { IO_CONCURRENCY, planChanges, settleLimited, writeAtomically } from "../../src/write/writer.js";

const provenance = {
  toolVersion: "0.0.0-test",
  phase: "audit",
  persona: "cloud-architect@1.0.0",
  provider: "offline",
  model: "offline-rules",
  inventoryHash: "abc123def456",
};
const tmp = () => mkdtemp(path.join(tmpdir(), "im-writer-many-"));
const emptyManifest = { version: 1 as const, toolVersion: "0.0.0-test", files: {} };
const many = IO_CONCURRENCY * 3 + 5;
const text = (path: string, content = `${path}\n`): Plan["artifacts"][number] => ({
  path,
  kind: "text",
  content,
  noHeader: true,
});
const plan = (artifacts: Plan["artifacts"]): Plan => ({ phase: "audit", provenance, artifacts });

/** Every file under `dir`, relative, sorted. */
async function tree(dir: string): Promise<string[]> {
  const entries = await readdir(dir, { recursive: true, withFileTypes: true });
  return entries
    .filter((e) => e.isFile())
    .map((e) => path.relative(dir, path.join(e.parentPath, e.name)))
    .sort();
}

describe("settleLimited", () => {
  it("keeps the items' order, each outcome its own, never more than the limit in flight", async () => {
    let running = 0;
    let most = 0;
    const outcomes = await settleLimited([5, 1, 4, 2, 3, 0, 6], 3, async (n, i) => {
      running++;
      most = Math.max(most, running);
      await new Promise((resolve) => setTimeout(resolve, n));
      running--;
      if (n === 4) throw new Error(`four at ${i}`);
      return n * 10;
    });
    expect(most).toBe(3);
    expect(outcomes.map((o) => (o!.ok ? o!.value : (o!.error as Error).message))).toEqual([
      50,
      10,
      "four at 2",
      20,
      30,
      0,
      60,
    ]);
  });

  it("with stopAfterFailure, starts nothing once an item has failed and leaves those without an outcome", async () => {
    const started: number[] = [];
    const outcomes = await settleLimited(
      [0, 1, 2, 3, 4, 5],
      2,
      async (n) => {
        started.push(n);
        await new Promise((resolve) => setTimeout(resolve, n === 1 ? 1 : 5));
        if (n === 1) throw new Error("one");
        return n;
      },
      { stopAfterFailure: true },
    );
    expect(started).toEqual([0, 1]);
    expect(outcomes.map((o) => (o === undefined ? "not started" : o.ok ? o.value : "failed"))).toEqual([
      0,
      "failed",
      "not started",
      "not started",
      "not started",
      "not started",
    ]);
  });

  it("handles no items and a limit larger than the list", async () => {
    expect(await settleLimited([], 8, async () => 1)).toEqual([]);
    expect(await settleLimited(["a"], 8, async (s) => s)).toEqual([{ ok: true, value: "a" }]);
  });
});

describe("planChanges over many files", () => {
  it("answers in the plans' order: created, unchanged and conflicting files", async () => {
    const dir = await tmp();
    const names = Array.from({ length: many }, (_, i) => `d${i % 7}/f${i}.txt`);
    await writeAtomically(
      dir,
      names
        .filter((_, i) => i % 3 === 0)
        .map((p, i) => ({ path: p, content: i % 2 ? "hand\n" : `${p}\n`, executable: false })),
    );
    const changes = await planChanges(
      [plan(names.slice(0, 50).map((p) => text(p))), plan(names.slice(50).map((p) => text(p)))],
      dir,
      emptyManifest,
    );
    expect(changes.map((c) => c.path)).toEqual(names);
    expect(changes.map((c) => c.action)).toEqual(
      names.map((_, i) => (i % 3 !== 0 ? "create" : (i / 3) % 2 ? "conflict" : "unchanged")),
    );
    expect(changes[3]!.current).toBe("hand\n");
  });

  it("reports a read that fails before a refused path later in the plan, as one file after the other would", async () => {
    const dir = await tmp();
    await writeFile(path.join(dir, "blocker"), "a file\n");
    const artifacts = [
      ...Array.from({ length: many }, (_, i) => text(`ok${i}.txt`)),
      text("blocker/x.txt"),
      text("../out.txt"),
    ];
    await expect(planChanges([plan(artifacts)], dir, emptyManifest)).rejects.toMatchObject({ code: "ENOTDIR" });
  });

  it("refuses an unsafe or repeated path even when every read succeeds", async () => {
    const dir = await tmp();
    const ok = Array.from({ length: many }, (_, i) => text(`ok${i}.txt`));
    await expect(planChanges([plan([...ok, text("../out.txt")])], dir, emptyManifest)).rejects.toThrow(GenerationError);
    await expect(planChanges([plan([...ok, text("ok3.txt")])], dir, emptyManifest)).rejects.toThrow(/same path/);
  });
});

describe("writeAtomically over many files", () => {
  it("writes every file with its mode", async () => {
    const dir = await tmp();
    const files = Array.from({ length: many }, (_, i) => ({
      path: `a/b${i % 5}/f${i}.sh`,
      content: `echo ${i}\n`,
      executable: i % 2 === 0,
    }));
    await writeAtomically(dir, files);
    expect(await tree(dir)).toEqual(files.map((f) => f.path).sort());
    for (const f of files.slice(0, 6)) {
      expect(await readFile(path.join(dir, f.path), "utf8")).toBe(f.content);
      expect((await stat(path.join(dir, f.path))).mode & 0o777).toBe(f.executable ? 0o755 : 0o644);
    }
  });

  it("leaves nothing behind when files fail, and reports the first of them in order", async () => {
    const dir = await tmp();
    await writeFile(path.join(dir, "blockerA"), "a file\n");
    await writeFile(path.join(dir, "blockerB"), "a file\n");
    const files = Array.from({ length: many }, (_, i) => ({ path: `ok/f${i}.txt`, content: "x\n", executable: false }));
    files.splice(IO_CONCURRENCY + 3, 0, { path: "blockerA/x.txt", content: "y\n", executable: false });
    files.splice(5, 0, { path: "blockerB/x.txt", content: "y\n", executable: false });
    await expect(writeAtomically(dir, files)).rejects.toThrow(/blockerB/);
    expect(await tree(dir)).toEqual(["blockerA", "blockerB"]);
  });
});
