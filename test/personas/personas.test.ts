import { readFileSync } from "node:fs";
import path from "node:path";
import { describe, expect, it } from "vitest";
import { loadPersonas, parsePersona, personasDir } from "../../src/personas/persona.js";
import { PHASE_IDS, phaseMeta } from "../../src/phases/registry.js";

const lock = JSON.parse(readFileSync(path.join(personasDir(), "persona-lock.json"), "utf8")) as Record<string, { version: string; sha256: string }>;

describe("personas", async () => {
  const personas = await loadPersonas();

  it("has one persona per phase, named as the registry expects", () => {
    expect(personas.map((p) => p.phase).sort()).toEqual([...PHASE_IDS].sort());
    for (const id of PHASE_IDS) expect(personas.find((p) => p.phase === id)?.id).toBe(phaseMeta(id).personaId);
  });

  it.each(Object.keys(lock))("%s: text changes come with a version bump (see scripts/lock-personas.mjs)", (id) => {
    const persona = personas.find((p) => p.id === id);
    expect(persona, `persona ${id} is locked but missing`).toBeDefined();
    const locked = lock[id]!;
    if (persona!.version === locked.version) {
      expect(persona!.sha256, `${id}: its text changed but version ${locked.version} did not; bump the version, then run node scripts/lock-personas.mjs`).toBe(locked.sha256);
    } else {
      expect.fail(`${id}: version changed ${locked.version} → ${persona!.version}; run node scripts/lock-personas.mjs to record it`);
    }
  });

  it("locks every persona", () => {
    expect(Object.keys(lock).sort()).toEqual(personas.map((p) => p.id).sort());
  });

  it.each([
    ["no front matter", "just text"],
    ["bad version", "---\nid: x\nversion: one\ntitle: X\nphase: audit\nmodel: m\n---\nbody"],
    ["unknown phase", "---\nid: x\nversion: 1.0.0\ntitle: X\nphase: deploy\nmodel: m\n---\nbody"],
  ])("rejects a persona with %s", (_name, text) => {
    expect(() => parsePersona(text, "x.md")).toThrow(/persona/);
  });
});
