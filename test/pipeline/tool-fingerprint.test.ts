// The tool fingerprint keys every kept plan and verdict: a template, a persona, a data file, the
// code or a dependency's installed version changing must change it.
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import {
  builtFingerprint,
  computeFingerprint,
  currentFingerprint,
  fingerprintStamp,
  toolFingerprint,
  useKeptFingerprint,
  writeBuiltFingerprint,
} from "../../src/tool-fingerprint.js";
import { ROOT } from "../helpers/phase-input.js";

const root = mkdtempSync(path.join(tmpdir(), "fingerprint-"));
afterAll(() => rmSync(root, { recursive: true, force: true }));
const put = (file: string, text: string) => {
  mkdirSync(path.dirname(path.join(root, file)), { recursive: true });
  writeFileSync(path.join(root, file), text);
};

describe("tool fingerprint", () => {
  it("changes with a template, a persona, data, the code or a dependency version, not with source maps or code caches", () => {
    put("package.json", JSON.stringify({ version: "1.0.0", dependencies: { mermaid: "11.0.0" } }));
    put("node_modules/mermaid/package.json", JSON.stringify({ version: "11.0.0" }));
    put("templates/cicd/deploy.yml.hbs", "on: push\n");
    put("personas/architect.md", "You are…\n");
    put("data/prices.json", "{}\n");
    put("dist/phases/audit.js", "export {};\n");
    const code = path.join(root, "dist");
    const prints = [computeFingerprint(root, code)];
    const stamps = [fingerprintStamp(root, code)];
    expect(computeFingerprint(root, code)).toBe(prints[0]);

    put("dist/phases/audit.js.map", "{}");
    expect(computeFingerprint(root, code)).toBe(prints[0]);
    // V8's code cache for the bundle (scripts/bundle-cli.mjs) differs from build to build.
    put("dist/cli.cjs.cache", "\u0001\u0002");
    expect(computeFingerprint(root, code)).toBe(prints[0]);
    expect(fingerprintStamp(root, code)).toBe(stamps[0]);

    for (const [file, text] of [
      ["templates/cicd/deploy.yml.hbs", "on: [push]\n"],
      ["personas/architect.md", "You are an architect.\n"],
      ["data/prices.json", '{"run": 1}\n'],
      ["dist/phases/audit.js", "export const x = 1;\n"],
      ["node_modules/mermaid/package.json", JSON.stringify({ version: "11.1.0" })],
      ["package.json", JSON.stringify({ version: "1.0.1", dependencies: { mermaid: "11.0.0" } })],
    ] as const) {
      put(file, text);
      const next = computeFingerprint(root, code);
      expect(prints, file).not.toContain(next);
      prints.push(next);
      // The stamp (stat calls only) that lets a run reuse a kept fingerprint changes too.
      const stamp = fingerprintStamp(root, code);
      expect(stamps, file).not.toContain(stamp);
      stamps.push(stamp);
    }
  });

  it("is computed for the tool itself, and a kept one is reused only under the same stamp", () => {
    expect(toolFingerprint()).toMatch(/^[0-9a-f]{64}$/);
    // Of the code being run (src/ here, dist/ when built), not the whole package: a test, an
    // example's output or a repository's .git written into the package must not change it.
    expect(toolFingerprint()).toBe(computeFingerprint(ROOT, path.join(ROOT, "src")));
    const kept = useKeptFingerprint(undefined);
    expect(kept.value).toBe(toolFingerprint());
    expect(useKeptFingerprint({ stamp: "another build", value: "f".repeat(64) }).value).toBe(toolFingerprint());
  });

  // The build keeps the fingerprint of the dist/ it made, so a run into a new folder need not hash
  // every file: it holds only while the files are the ones it was computed from.
  it("the build's kept fingerprint is taken only while its files' stamp holds", () => {
    const code = path.join(root, "dist");
    const kept = writeBuiltFingerprint(root, code);
    expect(builtFingerprint(code)).toEqual(kept);
    expect(kept.value).toBe(computeFingerprint(root, code));
    // The kept file itself changes neither the stamp nor the fingerprint.
    expect(fingerprintStamp(root, code)).toBe(kept.stamp);
    expect(currentFingerprint(fingerprintStamp(root, code), [undefined, builtFingerprint(code)])).toBe(kept.value);
    for (const [file, text] of [
      ["templates/cicd/deploy.yml.hbs", "on: [pull_request]\n"],
      ["dist/phases/audit.js", "export const y = 2;\n"],
      ["node_modules/mermaid/package.json", JSON.stringify({ version: "11.2.0" })],
    ] as const) {
      put(file, text);
      expect(currentFingerprint(fingerprintStamp(root, code), [builtFingerprint(code)]), file).toBeUndefined();
      writeBuiltFingerprint(root, code);
    }
    expect(currentFingerprint("a stamp", [{ stamp: "a stamp", value: "not a sha256" }])).toBeUndefined();
    expect(builtFingerprint(path.join(root, "nowhere"))).toBeUndefined();
  });
});
