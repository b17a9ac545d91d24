import { mkdtemp, readdir, readFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import path from "node:path";
import { describe, expect, it } from "vitest";
import { z } from "zod";
import { InternalError, ProviderError } from "../../src/errors.js";
import { withCache } from "../../src/model/cache.js";
import { createOfflineClient } from "../../src/model/offline.js";
import type { GenerateJsonRequest, ModelClient } from "../../src/model/types.js";
import type { Persona } from "../../src/personas/persona.js";

const persona: Persona = {
  id: "p",
  version: "1.0.0",
  title: "P",
  phase: "audit",
  model: "m",
  body: "be good\n",
  sha256: "x",
  file: "p.md",
};
const schema = z.object({ answer: z.number() });
const request = (
  prompt: string,
  extra: Partial<GenerateJsonRequest<{ answer: number }>> = {},
): GenerateJsonRequest<{ answer: number }> => ({
  phase: "audit",
  persona,
  prompt,
  schema,
  offline: () => ({ answer: 0 }),
  ...extra,
});

function countingClient(model = "gemini-x", answer = 42): ModelClient & { calls: number } {
  const client = {
    provider: "gemini" as const,
    model,
    calls: 0,
    async generateJson<T>(req: GenerateJsonRequest<T>) {
      client.calls++;
      return {
        value: req.schema.parse({ answer }),
        provider: "gemini" as const,
        model,
        cached: false,
        usage: { inputTokens: 10, outputTokens: 5, totalTokens: 15 },
        calls: 1,
      };
    },
  };
  return client;
}

const tmp = () => mkdtemp(path.join(tmpdir(), "im-cache-"));

describe("response cache", () => {
  it("makes zero model calls on a rerun with unchanged input", async () => {
    const dir = await tmp();
    const inner = countingClient();
    const client = withCache(inner, { dir });
    const first = await client.generateJson(request("same"));
    const second = await client.generateJson(request("same"));
    expect(inner.calls).toBe(1);
    expect(first.cached).toBe(false);
    expect(second).toMatchObject({ value: { answer: 42 }, cached: true, calls: 0 });
  });

  it.each([
    ["prompt", request("other")],
    ["persona version", request("same", { persona: { ...persona, version: "1.0.1" } })],
    ["schema", { ...request("same"), schema: z.object({ answer: z.number().max(100) }) }],
  ])("asks again when the %s changes", async (_what, changed) => {
    const dir = await tmp();
    const inner = countingClient();
    const client = withCache(inner, { dir });
    await client.generateJson(request("same"));
    await client.generateJson(changed as GenerateJsonRequest<{ answer: number }>);
    expect(inner.calls).toBe(2);
  });

  it("keys by model too", async () => {
    const dir = await tmp();
    const a = countingClient("model-a");
    const b = countingClient("model-b");
    await withCache(a, { dir }).generateJson(request("same"));
    await withCache(b, { dir }).generateJson(request("same"));
    expect(b.calls).toBe(1);
    expect((await readdir(dir)).length).toBe(2);
  });

  it("does not cache an answer that `accept` rejects", async () => {
    const dir = await tmp();
    const inner = countingClient();
    const client = withCache(inner, { dir });
    await expect(
      client.generateJson(
        request("p", {
          accept: async () => {
            throw new Error("bad file");
          },
        }),
      ),
    ).rejects.toThrow("bad file");
    expect(await readdir(dir).catch(() => [])).toEqual([]);
  });

  it("replay answers from the cache whatever model produced it, and misses exit 3", async () => {
    const dir = await tmp();
    await withCache(countingClient("model-a"), { dir }).generateJson(request("same"));
    const never = countingClient("model-z");
    const replay = withCache(never, { dir, replay: true });
    const hit = await replay.generateJson(request("same"));
    expect(hit).toMatchObject({ provider: "gemini", model: "model-a", value: { answer: 42 }, cached: true });
    const miss = await replay.generateJson(request("new prompt")).catch((e: unknown) => e);
    expect(miss).toBeInstanceOf(ProviderError);
    expect((miss as ProviderError).exitCode).toBe(3);
    expect((miss as ProviderError).message).toMatch(/phase audit/);
    expect(never.calls).toBe(0);
  });

  it("ignores a cache entry that no longer fits the schema", async () => {
    const dir = await tmp();
    await withCache(countingClient("m", 500), { dir }).generateJson(request("same"));
    const inner = countingClient("m", 7);
    const result = await withCache(inner, { dir }).generateJson({
      ...request("same"),
      schema: z.object({ answer: z.number().max(100) }),
    });
    expect(result.value.answer).toBe(7);
    const files = await readdir(dir);
    const entries = await Promise.all(files.map((f) => readFile(path.join(dir, f), "utf8")));
    expect(entries.every((e) => !e.includes("be good"))).toBe(true); // the persona text is not copied into the cache
  });
});

describe("offline client", () => {
  it("returns the rules' answer validated by the schema", async () => {
    const result = await createOfflineClient().generateJson(request("x", { offline: () => ({ answer: 3 }) }));
    expect(result).toMatchObject({ provider: "offline", value: { answer: 3 }, calls: 0 });
  });

  it("clips prose that outgrew the schema's limit, and nothing else", async () => {
    const prose = z.object({ text: z.string().max(10), items: z.array(z.object({ note: z.string().max(5) })) });
    const req = {
      phase: "audit",
      persona,
      prompt: "x",
      schema: prose,
      offline: () => ({ text: "a".repeat(50), items: [{ note: "bbbbbbbb" }] }),
    };
    const result = await createOfflineClient().generateJson(req);
    expect(result.value).toEqual({ text: `${"a".repeat(9)}…`, items: [{ note: "bbbb…" }] });
    const wrongType = { ...req, offline: () => ({ text: "a".repeat(50), items: "nope" }) as never };
    await expect(createOfflineClient().generateJson(wrongType)).rejects.toBeInstanceOf(InternalError);
  });

  it("reports rules that break their schema as a bug (internal, exit 70; never a provider failure)", async () => {
    const error = await createOfflineClient()
      .generateJson(request("x", { offline: () => ({ answer: "no" }) as never }))
      .catch((e: unknown) => e);
    expect(error).toBeInstanceOf(InternalError);
    expect(error).toMatchObject({ exitCode: 70, code: "internal.generator" });
    expect((error as InternalError).message).toMatch(/answer/);
  });
});
