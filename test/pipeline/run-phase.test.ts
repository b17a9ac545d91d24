// A file that fails our own validation is a provider failure when a model answered (exit 3), and a
// bug in infra-migrate when the offline rules did (exit 70).
import { describe, expect, it } from "vitest";
import { z } from "zod";
import { ExitCode, GenerationError, InternalError } from "../../src/errors.js";
import { createOfflineClient } from "../../src/model/offline.js";
import { ZERO_USAGE, type ModelClient } from "../../src/model/types.js";
import type { Persona } from "../../src/personas/persona.js";
import type { PhaseDefinition } from "../../src/phases/registry.js";
import { runPhase } from "../../src/pipeline/run-phase.js";
import { inputFromFile, SEED_INVENTORY } from "../helpers/phase-input.js";

const persona = { id: "tester", version: "1.0.0", model: "m", body: "You test." } as unknown as Persona;
const input = inputFromFile(SEED_INVENTORY);

const phase = (findings: string[]): PhaseDefinition => ({
  id: "audit",
  personaId: "tester",
  dependsOn: [],
  resultSchema: z.object({ ok: z.boolean() }),
  buildPrompt: () => "prompt",
  offline: () => ({ ok: true }),
  render: () => [{ path: "docs/x.md", kind: "markdown", content: "# x\n" }],
  validate: async () => findings,
});

/** A "model" that answers like the offline rules but says it is Gemini, so validation runs on a model answer. */
const modelClient: ModelClient = {
  provider: "gemini",
  model: "gemini-test",
  async generateJson(request) {
    const value = request.offline();
    await request.accept?.(value);
    const usage = { inputTokens: 1, outputTokens: 1, totalTokens: 2 };
    return { value, provider: "gemini", model: "gemini-test", cached: false, calls: 1, usage };
  },
};

describe("runPhase", () => {
  it("returns the plan when the files validate", async () => {
    const run = await runPhase(phase([]), persona, createOfflineClient(), input);
    expect(run.plan.artifacts.map((a) => a.path)).toEqual(["docs/x.md"]);
    expect(run.plan.provenance).toMatchObject({ phase: "audit", persona: "tester@1.0.0", provider: "offline" });
  });

  // The offline rules never read a prompt; a model gets the one the phase builds.
  it("builds the prompt for a model only", async () => {
    const prompts: string[] = [];
    const built = { ...phase([]), buildPrompt: () => (prompts.push("built"), "the prompt") };
    const offlineRun = await runPhase(built, persona, createOfflineClient(), input);
    expect(prompts).toEqual([]);
    expect(offlineRun.promptChars).toBeUndefined();
    const sent: string[] = [];
    const watching: ModelClient = {
      ...modelClient,
      generateJson: (request) => (sent.push(request.prompt), modelClient.generateJson(request)),
    };
    const modelRun = await runPhase(built, persona, watching, input);
    expect(prompts).toEqual(["built"]);
    expect(sent).toEqual(["the prompt"]);
    expect(modelRun.promptChars).toBe("the prompt".length);
  });

  it("an invalid file from the offline rules is an internal error (exit 70)", async () => {
    const error = await runPhase(phase(["docs/x.md: bad"]), persona, createOfflineClient(), input).catch((e) => e);
    expect(error).toBeInstanceOf(InternalError);
    expect(error.exitCode).toBe(ExitCode.internal);
    expect(error.message).toContain("docs/x.md: bad");
  });

  it("an invalid file from a model's answer is a provider failure (exit 3)", async () => {
    const error = await runPhase(phase(["docs/x.md: bad"]), persona, modelClient, input).catch((e) => e);
    expect(error).toBeInstanceOf(GenerationError);
    expect(error.exitCode).toBe(ExitCode.provider);
  });

  // Dependent phases start on an offline result while its files are still being checked; a
  // model's answer is only final once its files pass, so it is handed on with the run.
  it("hands an offline result on before its files are validated, a model's only after", async () => {
    const seen: string[] = [];
    const watched: PhaseDefinition = {
      ...phase([]),
      validate: async () => {
        seen.push("validate");
        return [];
      },
    };
    const release = (value: unknown) => seen.push(`result ${JSON.stringify(value)}`);
    await runPhase(watched, persona, createOfflineClient(), input, release);
    expect(seen).toEqual(['result {"ok":true}', "validate"]);
    seen.length = 0;
    await runPhase(watched, persona, modelClient, input, release);
    expect(seen).toEqual(["validate"]);
  });

  it("an offline result handed on early still fails the phase when its files do not validate", async () => {
    const released: unknown[] = [];
    const error = await runPhase(phase(["docs/x.md: bad"]), persona, createOfflineClient(), input, (v) =>
      released.push(v),
    ).catch((e) => e);
    expect(released).toEqual([{ ok: true }]);
    expect(error).toBeInstanceOf(InternalError);
  });

  it("a model that answers part of the result gets the rest merged before render; offline answers all of it", async () => {
    const answerSchema = z.object({ ok: z.boolean() });
    const rendered: unknown[] = [];
    const split: PhaseDefinition = {
      ...phase([]),
      resultSchema: z.object({ ok: z.boolean(), filled: z.number() }),
      offline: () => ({ ok: true, filled: 1 }),
      modelAnswer: { schema: answerSchema, complete: (answer) => ({ ...(answer as object), filled: 2 }) },
      render: (value) => (rendered.push(value), [{ path: "docs/x.md", kind: "markdown", content: "# x\n" }]),
    };
    const asked: unknown[] = [];
    const partial: ModelClient = {
      ...modelClient,
      async generateJson(request) {
        asked.push(request.schema);
        const value = { ok: false } as never;
        await request.accept?.(value);
        return { value, provider: "gemini", model: "m", cached: false, calls: 1, usage: ZERO_USAGE };
      },
    };
    const run = await runPhase(split, persona, partial, input);
    expect(asked).toEqual([answerSchema]);
    expect(run.result).toEqual({ ok: false, filled: 2 });
    expect(rendered).toEqual([{ ok: false, filled: 2 }]);
    const offline = await runPhase(split, persona, createOfflineClient(), input);
    expect(offline.result).toEqual({ ok: true, filled: 1 });
  });
});
