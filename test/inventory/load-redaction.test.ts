// Planted secrets in every free-text field of an inventory never survive loading: not in the
// inventory, the warnings, the redaction report or the hash input.
import { readFile } from "node:fs/promises";
import { parse, stringify } from "yaml";
import { describe, expect, it } from "vitest";
import { InputError } from "../../src/errors.js";
import { parseInventory } from "../../src/inventory/load.js";
import { PLANTED_SECRETS } from "../fixtures/secrets.js";

async function plantedInventory(): Promise<{ text: string; data: any }> {
  const data = parse(await readFile("examples/seed-vm/inventory.yaml", "utf8"));
  PLANTED_SECRETS.forEach((planted, i) => {
    const service: Record<string, unknown> = { name: `svc-${i}`, role: "other", software: "custom" };
    if (planted.plantIn.includes("command")) service.command = planted.text;
    if (planted.plantIn.includes("unknownKey")) service.notes = planted.text;
    data.services.push(service);
  });
  data.metadata.description = PLANTED_SECRETS.filter((p) => p.plantIn.includes("description"))
    .map((p) => p.text)
    .join(" | ");
  data.deploy.testCommand = PLANTED_SECRETS.find((p) => p.kind === "password")!.text;
  // A secret as a key name: the warning about the unknown key must not repeat it.
  data.host[PLANTED_SECRETS.find((p) => p.kind === "aws-access-key-id")!.secret] = "oops";
  return { text: stringify(data), data };
}

describe("secrets planted in an inventory", () => {
  it("never survive loading, each replaced by its marker", async () => {
    const { text } = await plantedInventory();
    for (const planted of PLANTED_SECRETS) expect(text).toContain(planted.secret); // really planted
    const loaded = parseInventory(text, "planted.yaml");
    const everything = JSON.stringify(loaded);
    for (const planted of PLANTED_SECRETS) expect(everything, planted.kind).not.toContain(planted.secret);

    PLANTED_SECRETS.forEach((planted, i) => {
      const service = loaded.inventory.services.find((s) => s.name === `svc-${i}`)!;
      const marker = `<redacted:${planted.kind}>`;
      if (planted.plantIn.includes("command")) {
        expect(service.command).toContain(marker);
        expect(loaded.redactions).toContainEqual({ path: `services[${i + 5}].command`, kind: planted.kind });
      }
      expect(service.notes).toContain(marker);
      expect(loaded.redactions).toContainEqual({ path: `services[${i + 5}].notes`, kind: planted.kind });
      expect(loaded.inventory.metadata.description).toContain(marker);
    });
    expect(loaded.inventory.deploy.testCommand).toContain("<redacted:password>");
    expect(loaded.redactions).toContainEqual({
      path: 'host["<redacted:aws-access-key-id>"]',
      kind: "aws-access-key-id",
    });
    expect(loaded.warnings.some((w) => w.message.includes("<redacted:aws-access-key-id>"))).toBe(true);
  });

  it("the hash covers the redacted inventory, so the secret's value does not change it", async () => {
    const { data } = await plantedInventory();
    const a = parseInventory(stringify(data), "a.yaml");
    const i = PLANTED_SECRETS.findIndex((p) => p.secret === "FakePassw0rd");
    data.services.find((s: any) => s.name === `svc-${i}`).command =
      "DATABASE_URL=postgres://app:AnotherFake9@db.internal:5432/app";
    const b = parseInventory(stringify(data), "b.yaml");
    expect(b.hash).toBe(a.hash);
  });

  it("error messages quoting a bad value do not repeat a secret in it", () => {
    const gh = PLANTED_SECRETS.find((p) => p.kind === "github-token")!;
    const text = stringify({
      apiVersion: "infra-migrate/v1",
      kind: "Inventory",
      metadata: { name: "x" },
      services: [{ name: "web", role: gh.secret, software: "x" }],
    });
    let error: unknown;
    try {
      parseInventory(text, "bad.yaml");
    } catch (e) {
      error = e;
    }
    expect(error).toBeInstanceOf(InputError);
    expect((error as InputError).message).toContain("<redacted:github-token>");
    expect(JSON.stringify((error as InputError).toJSON())).not.toContain(gh.secret);
  });
});
