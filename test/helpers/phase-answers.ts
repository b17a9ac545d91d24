// What a well-behaved model would answer in each phase: the offline rules' results chained the
// way the pipeline chains them. The fake Gemini server answers by persona with these.
import { readFileSync } from "node:fs";
import { parseInventory } from "../../src/inventory/load.js";
import { loadPersonas } from "../../src/personas/persona.js";
import { PHASE_IDS, loadPhase, type PhaseId } from "../../src/phases/registry.js";
import type { FakeReply, RecordedRequest } from "./fake-gemini.mjs";

/** Every registered phase's offline answer, each phase given its dependencies' answers. */
export async function offlineAnswers(inventoryFile: string, repoDir: string): Promise<Record<PhaseId, unknown>> {
  const loaded = parseInventory(readFileSync(inventoryFile, "utf8"), inventoryFile);
  const base = { inventory: loaded.inventory, inventoryHash: loaded.hash, options: {}, repoDir };
  const answers = {} as Record<PhaseId, unknown>;
  for (const id of PHASE_IDS) {
    const phase = await loadPhase(id);
    answers[id] = phase.offline({ ...base, upstream: Object.fromEntries(phase.dependsOn.map((d) => [d, answers[d]])) });
  }
  return answers;
}

/** Which phase a request is for, from its system instruction (the persona text). */
export async function phaseOfRequest(): Promise<(req: RecordedRequest) => PhaseId | undefined> {
  const byBody = new Map((await loadPersonas()).map((p) => [p.body.trim(), p.phase]));
  return (req) => {
    const parts = (req.body?.systemInstruction?.parts ?? []) as { text?: string }[];
    return byBody.get(
      parts
        .map((p) => p.text ?? "")
        .join("")
        .trim(),
    );
  };
}

export async function answerByPersona(answers: Record<PhaseId, unknown>, delayMs = 0): Promise<FakeReply> {
  const phaseOf = await phaseOfRequest();
  return (req) => {
    const phase = phaseOf(req);
    return phase ? { json: answers[phase], delayMs } : { status: 400, message: "unknown persona" };
  };
}
