// The render use case in process: which diagrams it picks, and what it reports.
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { collectDiagrams, renderProject } from "../../src/engine/render.js";
import { InputError } from "../../src/errors.js";
import { findChromium } from "../../src/render/chromium.js";

const repo = mkdtempSync(path.join(tmpdir(), "engine-render-"));
afterAll(() => rmSync(repo, { recursive: true, force: true }));
const put = (rel: string, text: string) => {
  mkdirSync(path.dirname(path.join(repo, rel)), { recursive: true });
  writeFileSync(path.join(repo, rel), text);
};
put("docs/migration/b/two.mmd", "flowchart LR\n  a --> b\n");
put("docs/migration/a/one.mmd", "flowchart LR\n  c --> d\n");
put("docs/migration/.hidden/three.mmd", "flowchart LR\n  e --> f\n");
put("docs/migration/a/notes.md", "# not a diagram\n");
put("docs/other/readme.md", "no diagrams here\n");

describe("collectDiagrams", () => {
  it("finds every .mmd under docs/migration, sorted, skipping hidden folders", async () => {
    expect(await collectDiagrams([], repo, repo)).toEqual([
      path.join(repo, "docs/migration/a/one.mmd"),
      path.join(repo, "docs/migration/b/two.mmd"),
    ]);
  });

  it.each([
    [["missing.mmd"], "render.not-found"],
    [["docs/migration/a/notes.md"], "render.not-mermaid"],
    [["docs/other"], "render.none"],
  ])("%j fails with %s", async (paths, code) => {
    const error = await collectDiagrams(paths, repo, repo).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(InputError);
    expect((error as InputError).code).toBe(code);
  });
});

describe.skipIf(!findChromium())("renderProject", () => {
  it("renders the diagrams and reports paths relative to the repo", async () => {
    const report = await renderProject({ paths: [], outDir: repo, cwd: repo, png: false, env: process.env });
    expect(report.diagrams).toEqual([
      { input: "docs/migration/a/one.mmd", outputs: ["docs/migration/a/one.svg"] },
      { input: "docs/migration/b/two.mmd", outputs: ["docs/migration/b/two.svg"] },
    ]);
    expect(readFileSync(path.join(repo, "docs/migration/a/one.svg"), "utf8")).toMatch(/^<svg/);
    const manifest = JSON.parse(readFileSync(path.join(repo, ".infra-migrate/manifest.json"), "utf8"));
    expect(manifest.files["docs/migration/b/two.svg"]).toMatchObject({ phase: "render", provider: "mermaid-cli" });
  });

  it("renders only inside the target repository", async () => {
    const elsewhere = path.join(repo, "docs/migration/a/one.mmd");
    const error = await renderProject({
      paths: [elsewhere],
      outDir: path.join(repo, "docs/other"),
      cwd: repo,
      png: false,
      env: process.env,
    }).catch((e: unknown) => e);
    expect((error as InputError).code).toBe("render.outside");
  });
});
