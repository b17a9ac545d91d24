import { readFile } from "node:fs/promises";
import { parse, stringify } from "yaml";
import { describe, expect, it } from "vitest";
import { canonicalJson, contentHash } from "../../src/inventory/hash.js";
import { loadInventory, parseInventory } from "../../src/inventory/load.js";

const EXAMPLE = "examples/seed-vm/inventory.yaml";

describe("the example inventory", () => {
  it("loads with zero warnings and zero redactions", async () => {
    const loaded = await loadInventory(EXAMPLE);
    expect(loaded.warnings).toEqual([]);
    expect(loaded.redactions).toEqual([]);
    expect(loaded.hash).toMatch(/^[0-9a-f]{12}$/);
    expect(loaded.hash).toBe(contentHash(loaded.inventory));
    expect(loaded.inventory.services.map((s) => s.name)).toEqual(["nginx", "api", "worker", "redis", "mysql"]);
  });

  it("applies defaults", async () => {
    const { inventory } = await loadInventory(EXAMPLE);
    expect(inventory.services[2]!.listen).toEqual([]); // worker has no sockets
    expect(inventory.services[3]!.dependsOn).toEqual([]);
    expect(inventory.services[0]!.version).toBe("1.18");
  });

  it("gives the same hash for the same content written as JSON, in another key order", async () => {
    const yamlText = await readFile(EXAMPLE, "utf8");
    const data = parse(yamlText) as Record<string, unknown>;
    const reversed = Object.fromEntries(Object.entries(data).reverse());
    const fromJson = parseInventory(JSON.stringify(reversed, null, 2), "inventory.json");
    expect(fromJson.hash).toBe((await loadInventory(EXAMPLE)).hash);
    expect(canonicalJson(fromJson.inventory)).toBe(canonicalJson((await loadInventory(EXAMPLE)).inventory));
  });

  it("changes the hash when the content changes", async () => {
    const yamlText = await readFile(EXAMPLE, "utf8");
    const other = parseInventory(yamlText.replace("peakRps: 40", "peakRps: 41"), "x.yaml");
    expect(other.hash).not.toBe((await loadInventory(EXAMPLE)).hash);
  });

  it("detects JSON by a leading brace even without a .json name", async () => {
    const data = parse(await readFile(EXAMPLE, "utf8"));
    expect(parseInventory(JSON.stringify(data), "inventory").warnings).toEqual([]);
    // Strict JSON there: YAML would have accepted the trailing comma.
    const broken = JSON.stringify(data, null, 2).replace(/\n}$/, ",\n}");
    expect(() => parseInventory(broken, "inventory")).toThrow(/Syntax error in JSON inventory/);
    // …while a YAML flow mapping in a .yaml file stays YAML.
    const flow = stringify(data, { collectionStyle: "flow" }).replace(/\s*}\n$/, ",\n}\n");
    expect(flow).toMatch(/^\{\s*apiVersion: [\s\S]*,\n}\n$/);
    expect(parseInventory(flow, "inventory.yaml").hash).toBe((await loadInventory(EXAMPLE)).hash);
  });
});

describe("unknown keys: warnings, not errors", () => {
  const base = {
    apiVersion: "infra-migrate/v1",
    kind: "Inventory",
    metadata: { name: "tiny" },
    services: [{ name: "web", role: "web", software: "uvicorn" }],
  };

  it.each([
    { where: "top level", edit: (d: any) => (d.servics = []), path: "servics", suggestion: "services" },
    { where: "top level, no close match", edit: (d: any) => (d.owner = "ops"), path: "owner", suggestion: undefined },
    {
      where: "a service",
      edit: (d: any) => (d.services[0].depends_on = ["x"]),
      path: "services[0].depends_on",
      suggestion: "dependsOn",
    },
    {
      where: "a service, case typo",
      edit: (d: any) => (d.services[0].dependson = []),
      path: "services[0].dependson",
      suggestion: "dependsOn",
    },
    { where: "host", edit: (d: any) => (d.host = { hostnme: "vm" }), path: "host.hostnme", suggestion: "hostname" },
    {
      where: "metadata",
      edit: (d: any) => (d.metadata.labels = { a: 1 }),
      path: "metadata.labels",
      suggestion: undefined,
    },
    {
      where: "target",
      edit: (d: any) => (d.target = { regoin: "us-central1" }),
      path: "target.regoin",
      suggestion: "region",
    },
    {
      where: "data[]",
      edit: (d: any) => (d.data = [{ service: "web", engine: "x", backup: "daily" }]),
      path: "data[0].backup",
      suggestion: "backups",
    },
    { where: "llm", edit: (d: any) => (d.llm = { latency: [1, 2] }), path: "llm.latency", suggestion: undefined },
  ])("$where", ({ edit, path, suggestion }) => {
    const data = structuredClone(base);
    edit(data);
    const text = stringify(data);
    const loaded = parseInventory(text, "inv.yaml");
    const unknown = loaded.warnings.filter((w) => w.message.startsWith("unknown key"));
    expect(unknown).toHaveLength(1);
    const warning = unknown[0]!;
    expect(warning.path).toBe(path);
    const key = path
      .split(/[.[\]]/)
      .filter(Boolean)
      .at(-1)!;
    // The warning points at the key itself.
    const lines = text.split("\n");
    expect(lines[warning.line! - 1]!.slice(warning.column! - 1)).toMatch(new RegExp(`^${key}:`));
    if (suggestion) expect(warning.message).toContain(`did you mean \`${suggestion}\`?`);
    else expect(warning.message).not.toContain("did you mean");
    // Unknown keys are kept (looseObject) so later versions can read them.
    expect(JSON.stringify(loaded.inventory)).toContain(key);
  });

  it("keys named like Object's members (__proto__, constructor, toString) are unknown keys, and change nothing", () => {
    const text = [
      "apiVersion: infra-migrate/v1",
      "kind: Inventory",
      "metadata: { name: tiny }",
      "constructor: 1",
      "services:",
      "  - name: web",
      "    role: web",
      "    software: uvicorn",
      "    __proto__: { public: true, schedule: '* * * * *' }",
      "    toString: x",
    ].join("\n");
    const loaded = parseInventory(text, "inv.yaml");
    expect(loaded.warnings.map((w) => [w.path, w.line])).toEqual([
      ["constructor", 4],
      ["services[0].__proto__", 9],
      ["services[0].toString", 10],
    ]);
    const service = loaded.inventory.services[0]! as unknown as Record<string, unknown>;
    expect(Object.getPrototypeOf(service)).toBe(Object.prototype);
    expect(service.public).toBeUndefined();
    expect(service.schedule).toBeUndefined();
  });

  it("warns about a schedule on a role that has none", () => {
    const data = structuredClone(base) as any;
    data.services[0].schedule = "*/5 * * * *";
    const loaded = parseInventory(stringify(data), "inv.yaml");
    expect(loaded.warnings).toMatchObject([
      { path: "services[0].schedule", line: 9, message: expect.stringContaining("ignored for role `web`") },
    ]);
  });
});
