import { describe, expect, it } from "vitest";
import {
  classifyChanges,
  defaultProviders,
  manifestPhases,
  overallStatus,
  type CheckFile,
} from "../../src/engine/check-classify.js";
import { PHASE_IDS } from "../../src/phases/registry.js";
import type { Manifest } from "../../src/write/manifest.js";
import type { FileChange } from "../../src/write/writer.js";

const sha = "0".repeat(64);
const manifest = (files: Record<string, [phase: string, provider: string]>): Manifest => ({
  version: 1,
  toolVersion: "0.1.0",
  files: Object.fromEntries(
    Object.entries(files).map(([p, [phase, provider]]) => [
      p,
      { sha256: sha, phase, provider, model: provider === "offline" ? "offline-rules" : "gemini-x" },
    ]),
  ),
});
const change = (
  p: string,
  action: FileChange["action"],
  current?: string,
  content = "new\n",
  reason?: string,
): FileChange => ({
  path: p,
  phase: "audit",
  action,
  content,
  current,
  executable: false,
  ...(reason ? { reason } : {}),
});

describe("classifyChanges", () => {
  const m = manifest({
    "a.md": ["audit", "offline"],
    "gone.md": ["audit", "offline"],
    "other.md": ["design", "offline"],
    "deleted.md": ["audit", "offline"],
  });

  it.each([
    ["unchanged → current", change("a.md", "unchanged", "new\n"), { state: "current" }],
    [
      "update → drift with diff",
      change("a.md", "update", "old\n"),
      { state: "drift", diff: "--- on disk    a.md\n+++ generated  a.md\n@@ -1,1 +1,1 @@\n-old\n+new\n" },
    ],
    [
      "create of a manifest file → missing (deleted)",
      change("deleted.md", "create"),
      { state: "missing", reason: "deleted from disk" },
    ],
    [
      "create of a new file → missing (never written)",
      change("fresh.md", "create"),
      { state: "missing", reason: "produced now but never written" },
    ],
    [
      "conflict → edited with diff",
      change("a.md", "conflict", "mine\n", "new\n", "edited since it was generated"),
      {
        state: "edited",
        reason: "edited since it was generated",
        diff: "--- yours      a.md\n+++ generated  a.md\n@@ -1,1 +1,1 @@\n-mine\n+new\n",
      },
    ],
    [
      "kept → kept",
      change("Dockerfile", "kept", "FROM x\n", "FROM y\n", "exists already; never overwritten"),
      { state: "kept" },
    ],
  ])("%s", (_name, input, expected) => {
    const file = classifyChanges([input], m, ["audit"]).find((f) => f.path === input.path);
    expect(file).toMatchObject(expected);
  });

  it("lists manifest files of checked phases that are no longer produced, and only those", () => {
    const files = classifyChanges([change("a.md", "unchanged", "new\n"), change("deleted.md", "create")], m, ["audit"]);
    expect(files.map((f) => [f.path, f.state])).toEqual([
      ["a.md", "current"],
      ["deleted.md", "missing"],
      ["gone.md", "orphaned"],
    ]);
  });

  it("caps each diff", () => {
    const big = Array.from({ length: 100 }, (_, i) => `l${i}`).join("\n");
    const [file] = classifyChanges([change("a.md", "update", big, big.toUpperCase())], m, ["audit"], 10);
    expect(
      file!.diff!.split("\n").filter((l) => /^[-+ @…]/.test(l) && !l.startsWith("---") && !l.startsWith("+++")),
    ).toHaveLength(11);
  });
});

describe("overallStatus", () => {
  const f = (state: CheckFile["state"]): CheckFile => ({ path: state, phase: "audit", state });
  it.each([
    [[f("current"), f("kept")], "current", 0],
    [[], "current", 0],
    [[f("current"), f("drift")], "drift", 1],
    [[f("missing")], "drift", 1],
    [[f("orphaned")], "drift", 1],
    [[f("drift"), f("edited")], "edited", 4],
  ] as const)("%j → %s (exit %i)", (files, status, exitCode) => {
    expect(overallStatus([...files])).toEqual({ status, exitCode });
  });
});

describe("per-phase defaults from the manifest", () => {
  it.each([
    [
      "all offline",
      { a: ["audit", "offline"], d: ["design", "offline"] },
      { audit: "offline", design: "offline", cicd: "offline", llmops: "offline", observe: "offline" },
    ],
    [
      "gemini audit, offline design",
      { a: ["audit", "gemini"], d: ["design", "offline"] },
      { audit: "replay", design: "offline", cicd: "replay", llmops: "replay", observe: "replay" },
    ],
    [
      "replayed files stay replay",
      { a: ["audit", "replay"] },
      { audit: "replay", design: "replay", cicd: "replay", llmops: "replay", observe: "replay" },
    ],
    [
      "empty manifest",
      {},
      { audit: "offline", design: "offline", cicd: "offline", llmops: "offline", observe: "offline" },
    ],
  ] as const)("%s", (_name, files, expected) => {
    expect(defaultProviders(manifest(files as Record<string, [string, string]>), PHASE_IDS)).toEqual(expected);
  });

  it("checks the phases that have files, in pipeline order", () => {
    expect(manifestPhases(manifest({ x: ["llmops", "offline"], y: ["audit", "offline"] }), PHASE_IDS)).toEqual([
      "audit",
      "llmops",
    ]);
  });
});
