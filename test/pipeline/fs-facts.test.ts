// What a phase reads from the repository is recorded as facts by observing node:fs, so a kept
// plan is reused only while the repository still answers the same.
import fs, {
  createReadStream,
  existsSync,
  mkdtempSync,
  readdirSync,
  readFileSync,
  rmSync,
  writeFileSync,
} from "node:fs";
import { readFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import path from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { factsHold, recordFacts, refreshFacts } from "../../src/pipeline/fs-facts.js";

const dirs: string[] = [];
afterAll(() => dirs.forEach((d) => rmSync(d, { recursive: true, force: true })));
const repo = () => {
  const dir = mkdtempSync(path.join(tmpdir(), "fs-facts-"));
  dirs.push(dir);
  writeFileSync(path.join(dir, "requirements.txt"), "fastapi==0.110.0\n");
  return dir;
};

describe("fs facts", () => {
  it("records reads inside the repository (named imports and promises too), not outside it nor its own state", async () => {
    const dir = repo();
    const outside = repo();
    const { value, facts } = await recordFacts(dir, async () => {
      const has = existsSync(path.join(dir, "Gemfile"));
      const text = readFileSync(path.join(dir, "requirements.txt"), "utf8");
      await readFile(path.join(dir, "requirements.txt"));
      readdirSync(dir);
      existsSync(path.join(outside, "requirements.txt"));
      existsSync(path.join(dir, ".infra-migrate/manifest.json"));
      return { has, text };
    });
    expect(value).toEqual({ has: false, text: "fastapi==0.110.0\n" });
    expect(facts.map((f) => `${f.op} ${f.path}`).sort()).toEqual([
      "exists Gemfile",
      "read requirements.txt",
      "read requirements.txt",
      "readdir ",
    ]);
    expect(factsHold(dir, facts)).toBe(true);

    writeFileSync(path.join(dir, "requirements.txt"), "fastapi==0.111.0\n");
    expect(factsHold(dir, facts)).toBe(false);
    expect(factsHold(dir, refreshFacts(dir, facts))).toBe(true);
    const current = refreshFacts(dir, facts);
    writeFileSync(path.join(dir, "Gemfile"), "source 'https://rubygems.org'\n");
    expect(
      factsHold(
        dir,
        current.filter((f) => f.op === "exists"),
      ),
    ).toBe(false);
  });

  it("leaves node:fs as it was outside a recording, and flags a read it cannot describe", async () => {
    const dir = repo();
    const original = fs.existsSync;
    const { facts, untracked } = await recordFacts(dir, async () => {
      // The stream opens its file later, maybe after afterAll removed the folder: no uncaught ENOENT.
      createReadStream(path.join(dir, "requirements.txt"))
        .on("error", () => undefined)
        .destroy();
    });
    expect(facts).toEqual([]);
    expect(untracked).toBe("createReadStream(requirements.txt)");
    expect(fs.existsSync).toBe(original);
    // Nothing recorded for calls made by code outside the recording, even while one runs.
    let outsideFacts = -1;
    await recordFacts(dir, async () => {
      await new Promise((resolve) => setTimeout(resolve, 20));
    }).then((r) => (outsideFacts = r.facts.length));
    expect(outsideFacts).toBe(0);
  });
});
