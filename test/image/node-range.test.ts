// engines.node read as npm's semver reads it (src/image/node-range.ts), and the image release it
// gives: the highest LTS major with an official image that a bounded range allows (Ghost 5.96:
// ^18.12.1 || ^20.11.1 → 20; on Node 22 Ghost refuses to start), the nearest supported release
// above an open one's minimum (unchanged), and nothing from a range that is not a version range.
import { describe, expect, it } from "vitest";
import { nodeRange } from "../../src/image/node-range.js";
import { declaredVersion, IMAGE_RELEASES, RUNTIME_VERSION } from "../../src/image/runtime-versions.js";
import type { AppRepo } from "../../src/image/repo.js";

describe("nodeRange", () => {
  it.each<[string, string[] | undefined, boolean | undefined]>([
    ["^18.12.1 || ^20.11.1", ["20"], true], // Ghost 5.96
    ["^18.12.1", [], true],
    [">=20.12 <21 || 22 || 24 <24.17.0 || 26 <26.3.1", ["20", "22", "24", "26"], true], // Outline
    [">= 20.4.0", ["20", "22", "24", "26"], false], // Uptime Kuma
    [">=10.13 <13", [], true], // Mastodon's stale range
    ["20.x || 22.x", ["20", "22"], true],
    ["~22.11", ["22"], true],
    ["18 - 22", ["20", "22"], true],
    [">18 <=22.3", ["20", "22"], true],
    ["<20", [], true],
    ["*", ["20", "22", "24", "26"], false],
    ["lts/iron", undefined, undefined],
  ])("%s → %j (bounded %s)", (range, majors, bounded) => {
    const r = nodeRange(range);
    expect(r?.majors).toEqual(majors);
    expect(r?.bounded).toBe(bounded);
  });
});

const repo = (pkg: object): AppRepo =>
  ({ read: (p: string) => (p === "package.json" ? JSON.stringify(pkg) : undefined) }) as unknown as AppRepo;

describe("engines.node → the image's Node release", () => {
  it.each<[string, string | undefined]>([
    ["^18.12.1 || ^20.11.1", "20"],
    ["^20.11.1 || ^22.11.0 || ^24", "24"],
    ["22.x", "22"],
    [">= 20.4.0", undefined], // open: the nearest supported release above its minimum (supportedVersion)
    [">=10.13 <13", undefined], // nothing with an image: as before
  ])("%s → %s", (range, release) => {
    const declared = declaredVersion("node", repo({ engines: { node: range } }));
    expect(declared?.release).toBe(release);
    if (release) {
      expect(RUNTIME_VERSION.test(release)).toBe(true);
      expect(IMAGE_RELEASES.node).toContain(release);
      expect(declared?.gap).toMatch(/highest LTS release the range allows/);
    }
  });

  it("says a release past its end of life is one, and what to move to", () => {
    const declared = declaredVersion("node", repo({ engines: { node: "^18.12.1 || ^20.11.1" } }));
    expect(declared?.gap).toMatch(/Node 20 is past its end of life.*22 or later/);
  });
});
