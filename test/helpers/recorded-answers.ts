// Recorded Gemini answers (test/fixtures/gemini-answers/<example>/<phase>.yaml): realistic answers
// written to each phase's schema, replayed through the real SDK. See the folder's README.md.
import { readFile } from "node:fs/promises";
import path from "node:path";
import { parse } from "yaml";
import { PHASE_IDS, type PhaseId } from "../../src/phases/registry.js";
import { ROOT } from "./phase-input.js";

export const ANSWERS_DIR = path.join(ROOT, "test/fixtures/gemini-answers");

/** Every registered phase's recorded answer for one example; a missing one is named in the error. */
export async function recordedAnswers(example: string): Promise<Record<PhaseId, unknown>> {
  const answers = {} as Record<PhaseId, unknown>;
  for (const phase of PHASE_IDS) {
    const file = path.join(ANSWERS_DIR, example, `${phase}.yaml`);
    let text: string;
    try {
      text = await readFile(file, "utf8");
    } catch {
      throw new Error(
        `No recorded Gemini answer for phase ${phase} on example ${example}: write ${path.relative(ROOT, file)}, ` +
          "a realistic answer to that phase's prompt matching its schema (see test/fixtures/gemini-answers/README.md).",
      );
    }
    answers[phase] = parse(text);
  }
  return answers;
}
