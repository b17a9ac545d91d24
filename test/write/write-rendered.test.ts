// Rendered diagrams go through the writer: atomic, recorded in the manifest, hand edits refused.
import { mkdtempSync, readFileSync, rmSync, writeFileSync, mkdirSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { OverwriteRefusedError } from "../../src/errors.js";
import { readManifest, sha256 } from "../../src/write/manifest.js";
import { applyRendered, RENDER_PHASE } from "../../src/write/write-rendered.js";

const dirs: string[] = [];
afterAll(() => dirs.forEach((d) => rmSync(d, { recursive: true, force: true })));
const repo = () => {
  const dir = mkdtempSync(path.join(tmpdir(), "write-rendered-"));
  dirs.push(dir);
  return dir;
};
const svg = (text: string) => ({ path: "docs/migration/a.svg", data: new TextEncoder().encode(text) });
const options = (outDir: string, force = false) => ({ outDir, toolVersion: "0.0.0-test", force });

describe("applyRendered", () => {
  it("creates the file and records it under the render pseudo-phase", async () => {
    const outDir = repo();
    expect((await applyRendered([svg("<svg>1</svg>")], options(outDir))).changes).toEqual([
      { path: "docs/migration/a.svg", action: "create" },
    ]);
    expect(readFileSync(path.join(outDir, "docs/migration/a.svg"), "utf8")).toBe("<svg>1</svg>");
    const manifest = await readManifest(outDir, "0.0.0-test");
    expect(manifest.files["docs/migration/a.svg"]).toEqual({
      sha256: sha256("<svg>1</svg>"),
      phase: RENDER_PHASE,
      provider: "mermaid-cli",
      model: "chromium",
    });
  });

  it("reports unchanged bytes, updates its own rendering, and replaces one the manifest does not know", async () => {
    const outDir = repo();
    await applyRendered([svg("<svg>1</svg>")], options(outDir));
    expect((await applyRendered([svg("<svg>1</svg>")], options(outDir))).changes[0]!.action).toBe("unchanged");
    expect((await applyRendered([svg("<svg>2</svg>")], options(outDir))).changes[0]!.action).toBe("update");
    const fresh = repo();
    mkdirSync(path.join(fresh, "docs/migration"), { recursive: true });
    writeFileSync(path.join(fresh, "docs/migration/a.svg"), "<svg>old</svg>");
    expect((await applyRendered([svg("<svg>new</svg>")], options(fresh))).changes[0]!.action).toBe("update");
  });

  it("refuses a rendering edited by hand (exit 4) unless forced, and writes nothing when refusing", async () => {
    const outDir = repo();
    await applyRendered([svg("<svg>1</svg>")], options(outDir));
    const file = path.join(outDir, "docs/migration/a.svg");
    writeFileSync(file, "<svg>edited</svg>");
    const error = await applyRendered([svg("<svg>2</svg>")], options(outDir)).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(OverwriteRefusedError);
    expect(readFileSync(file, "utf8")).toBe("<svg>edited</svg>");
    await applyRendered([svg("<svg>2</svg>")], options(outDir, true));
    expect(readFileSync(file, "utf8")).toBe("<svg>2</svg>");
  });

  it("refuses a path outside the repository", async () => {
    await expect(applyRendered([{ path: "../x.svg", data: new Uint8Array() }], options(repo()))).rejects.toThrow(
      /outside the target repository/,
    );
  });
});
