// A Gemini client on the real SDK, pointed at a fresh fake server, with recorded sleeps and events.
import { afterEach, beforeEach, expect } from "vitest";
import { z } from "zod";
import { ProviderError, type InfraMigrateError } from "../../src/errors.js";
import { createGeminiClient, type GeminiClientOptions, type GeminiEvent } from "../../src/model/gemini.js";
import type { GenerateJsonRequest } from "../../src/model/types.js";
import type { Persona } from "../../src/personas/persona.js";
import { startFakeGemini, type FakeGemini } from "./fake-gemini.mjs";

export const TEST_KEY = "AIza-test-SECRET-key-123";

export const testPersona: Persona = {
  id: "tester",
  version: "1.0.0",
  title: "Tester",
  phase: "audit",
  model: "gemini-test",
  body: "You are a meticulous cloud auditor.\n",
  sha256: "0".repeat(64),
  file: "personas/tester.md",
};

export const testSchema = z.object({
  summary: z.string().min(3).max(200),
  risks: z.array(z.object({ id: z.string().regex(/^R\d+$/), severity: z.enum(["low", "high"]) })).min(1),
});
export type TestAnswer = z.infer<typeof testSchema>;
export const VALID: TestAnswer = { summary: "one VM", risks: [{ id: "R1", severity: "high" }] };

export function testRequest(overrides: Partial<GenerateJsonRequest<TestAnswer>> = {}) {
  return {
    phase: "audit",
    persona: testPersona,
    prompt: "Audit this VM: nginx + uvicorn + celery + mysql.",
    schema: testSchema,
    offline: (): TestAnswer => {
      throw new Error("the gemini provider must not call offline()");
    },
    ...overrides,
  };
}

export interface Harness {
  fake: FakeGemini;
  delays: number[];
  events: GeminiEvent[];
  client(overrides?: Partial<GeminiClientOptions>): ReturnType<typeof createGeminiClient>;
}

/** Registers beforeEach/afterEach: a new fake server and fresh records for every test. */
export function useGeminiHarness(): Harness {
  const harness = { delays: [] as number[], events: [] as GeminiEvent[] } as Harness;
  beforeEach(async () => {
    harness.fake = await startFakeGemini();
    harness.delays.length = 0;
    harness.events.length = 0;
  });
  afterEach(() => harness.fake.close());
  harness.client = (overrides = {}) =>
    createGeminiClient({
      model: "gemini-test",
      apiKey: TEST_KEY,
      baseUrl: harness.fake.url,
      timeoutMs: 2000,
      maxAttempts: 4,
      baseDelayMs: 100,
      random: () => 1,
      sleep: async (ms) => void harness.delays.push(ms),
      onEvent: (e) => harness.events.push(e),
      ...overrides,
    });
  return harness;
}

/** The error a promise rejects with; fails the test when it resolves. */
export async function rejection(promise: Promise<unknown>): Promise<InfraMigrateError> {
  const error = await promise.then(
    () => undefined,
    (e: unknown) => e,
  );
  expect(error, "expected the call to fail").toBeDefined();
  return error as InfraMigrateError;
}

export { ProviderError };
