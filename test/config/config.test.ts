import { mkdtemp, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import path from "node:path";
import { describe, expect, it } from "vitest";
import { resolveSettings } from "../../src/cli/common.js";
import { loadConfig } from "../../src/config/config.js";
import { InputError } from "../../src/errors.js";

const HEAD = "apiVersion: infra-migrate/v1\nkind: Config\n";

async function configIn(text: string): Promise<string> {
  const dir = await mkdtemp(path.join(tmpdir(), "im-config-"));
  await writeFile(path.join(dir, "infra-migrate.config.yaml"), text);
  return dir;
}

describe("infra-migrate.config.yaml", () => {
  it("is optional", async () => {
    const dir = await mkdtemp(path.join(tmpdir(), "im-config-"));
    expect(await loadConfig(dir)).toEqual({ config: {} });
  });

  it("loads a valid file", async () => {
    const dir = await configIn(
      `${HEAD}provider: offline\nmodel: gemini-3.5-flash-lite\nphases:\n  audit: { top: 3 }\n`,
    );
    expect((await loadConfig(dir)).config).toMatchObject({ provider: "offline", phases: { audit: { top: 3 } } });
  });

  it.each([
    ["a bad provider", `${HEAD}provider: gemni\n`, "3:11", "provider"],
    ["a number out of range", `${HEAD}phases:\n  audit:\n    top: 0\n`, "5:10", "phases.audit.top"],
    ["an unknown key", `${HEAD}phases:\n  llmops: { workerdir: x }\n`, "4:3", "phases.llmops"],
    ["a wrong kind", "apiVersion: infra-migrate/v1\nkind: Inventory\n", "2:7", "kind"],
    ["an unknown thinking level", `${HEAD}phases:\n  design: { thinking: max }\n`, "4:23", "phases.design.thinking"],
    [
      "an output budget above Gemini's 65,536",
      `${HEAD}phases:\n  design:\n    maxOutputTokens: 100000\n`,
      "5:22",
      "phases.design.maxOutputTokens",
    ],
    [
      "a YAML syntax error (reported where the flow sequence should end)",
      `${HEAD}provider: [offline\n`,
      "4:1",
      undefined,
    ],
    ["a duplicate key", `${HEAD}provider: offline\nprovider: gemini\n`, "4:", undefined],
  ])("reports %s with file:line:col and exit 2", async (_name, text, where, keyPath) => {
    const dir = await configIn(text);
    const error = await loadConfig(dir).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(InputError);
    expect((error as InputError).exitCode).toBe(2);
    expect((error as InputError).message).toContain(`infra-migrate.config.yaml:${where}`);
    if (keyPath) expect((error as InputError).issues[0]!.path).toBe(keyPath);
  });

  it("per-phase thinking and output budget reach the settings the Gemini client gets", async () => {
    const dir = await configIn(
      `${HEAD}phases:\n  audit: { top: 3, thinking: high }\n  design: { thinking: medium, maxOutputTokens: 60000 }\n`,
    );
    const settings = await resolveSettings({}, {}, dir);
    expect(settings.generation).toEqual({
      audit: { thinking: "high", maxOutputTokens: undefined },
      design: { thinking: "medium", maxOutputTokens: 60_000 },
    });
    expect(settings.options).toEqual({ top: 3 });
  });

  it("an explicit --config that does not exist is an error", async () => {
    const dir = await mkdtemp(path.join(tmpdir(), "im-config-"));
    await expect(loadConfig(dir, "missing.yaml")).rejects.toBeInstanceOf(InputError);
  });
});
