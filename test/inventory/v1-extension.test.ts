// The compatible v1 extension: every older inventory loads as before (same values, same hash), the
// new fields load and validate, and the free-text ones warn instead of failing.
import { readFile, readdir } from "node:fs/promises";
import { describe, expect, it } from "vitest";
import { parseInventory } from "../../src/inventory/load.js";

const BASE = `apiVersion: infra-migrate/v1
kind: Inventory
metadata: { name: ext }
services:
  - { name: web, role: web, software: gunicorn, listen: ["127.0.0.1:8000"] }
  - { name: redis, role: cache, software: redis, listen: ["127.0.0.1:6379"] }
`;

describe("inventory v1, extended compatibly", () => {
  it("loads every bundled inventory with no new keys and no warnings", async () => {
    for (const dir of await readdir("examples", { withFileTypes: true })) {
      if (!dir.isDirectory() || dir.name === "github") continue;
      const file = `examples/${dir.name}/inventory.yaml`;
      const loaded = parseInventory(await readFile(file, "utf8"), file);
      expect(loaded.warnings, file).toEqual([]);
      const service = loaded.inventory.services[0]!;
      for (const key of ["runtime", "framework", "protocols", "longRunning", "usedFor"])
        expect(service, `${file} ${key}`).not.toHaveProperty(key);
      expect(loaded.inventory).not.toHaveProperty("storage");
      expect(loaded.inventory).not.toHaveProperty("provenance");
    }
  });

  it("reads runtime, framework, protocols, longRunning, usedFor, storage and provenance", () => {
    const text = `${BASE.replace(
      'software: gunicorn, listen: ["127.0.0.1:8000"] }',
      'software: daphne, listen: ["127.0.0.1:8000"], runtime: python, framework: django, packageManager: poetry, protocols: [http, websocket], longRunning: true }',
    ).replace(
      'software: redis, listen: ["127.0.0.1:6379"] }',
      'software: redis, listen: ["127.0.0.1:6379"], usedFor: [broker, cache, pubsub] }',
    )}storage:
  - { path: /srv/app/media, purpose: user uploads, sizeGiB: 12, services: [web] }
provenance:
  "services[web].listen": { from: detected, file: /etc/systemd/system/web.service, line: 9 }
  deploy.durationMinutes: { from: answered }
  "data[postgres].backups": { from: assumed }
`;
    const { inventory, warnings } = parseInventory(text, "x.yaml");
    expect(warnings).toEqual([]);
    expect(inventory.services[0]).toMatchObject({
      runtime: "python",
      framework: "django",
      packageManager: "poetry",
      protocols: ["http", "websocket"],
      longRunning: true,
    });
    expect(inventory.services[1]!.usedFor).toEqual(["broker", "cache", "pubsub"]);
    expect(inventory.storage).toEqual([
      { path: "/srv/app/media", purpose: "user uploads", sizeGiB: 12, services: ["web"] },
    ]);
    expect(inventory.provenance?.["services[web].listen"]).toEqual({
      from: "detected",
      file: "/etc/systemd/system/web.service",
      line: 9,
    });
  });

  it.each([
    ["a runtime outside the list", "runtime: cobol", "services[0].runtime"],
    ["a protocol outside the list", "protocols: [ftp]", "services[0].protocols[0]"],
    ["longRunning that is not a boolean", "longRunning: sometimes", "services[0].longRunning"],
  ])("rejects %s with its key path", (_what, field, path) => {
    const text = BASE.replace('listen: ["127.0.0.1:8000"] }', `listen: ["127.0.0.1:8000"], ${field} }`);
    expect(() => parseInventory(text, "bad.yaml")).toThrow(expect.objectContaining({ exitCode: 2 }));
    try {
      parseInventory(text, "bad.yaml");
    } catch (error) {
      expect((error as { issues: { path?: string }[] }).issues.map((i) => i.path)).toContain(path);
    }
  });

  it("takes deploy.method as free text: a known value is silent, any other a warning, never a failure", () => {
    const known = parseInventory(`${BASE}deploy: { method: ci-ssh }\n`, "x.yaml");
    expect(known.warnings).toEqual([]);
    const own = parseInventory(`${BASE}deploy: { method: "capistrano from a laptop" }\n`, "x.yaml");
    expect(own.inventory.deploy.method).toBe("capistrano from a laptop");
    expect(own.warnings).toHaveLength(1);
    expect(own.warnings[0]).toMatchObject({ path: "deploy.method", line: 7 });
    expect(own.warnings[0]!.message).toMatch(/kept as written/);
    const typo = parseInventory(`${BASE}deploy: { method: ssh-sytemctl }\n`, "x.yaml");
    expect(typo.warnings[0]!.message).toMatch(/did you mean `ssh-systemctl`/);
  });

  it("warns about storage and provenance that name services which do not exist, and relative paths", () => {
    const text = `${BASE}storage:\n  - { path: media, services: [api] }\nprovenance:\n  "services[api].role": { from: detected }\n`;
    const messages = parseInventory(text, "x.yaml").warnings.map((w) => `${w.path}: ${w.message}`);
    expect(messages).toEqual([
      "storage[0].path: `media` is not an absolute path on the VM; the design cannot tell where the files live",
      "storage[0].services[0]: unknown service `api`",
      'provenance["services[api].role"]: provenance for unknown service `api`',
    ]);
  });

  it("rejects a provenance entry whose origin is not detected, answered or assumed", () => {
    const text = `${BASE}provenance:\n  "services[web].role": { from: guessed }\n`;
    expect(() => parseInventory(text, "x.yaml")).toThrow(/Invalid inventory/);
  });
});
