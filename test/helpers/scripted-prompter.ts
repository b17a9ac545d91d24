// A Prompter that answers from a script keyed by a fragment of each question's message, the way a
// person would: "" takes the default, BACK presses Esc, typed text must pass the question's check
// (a refusal is recorded and the next script line for that question is used).
import { GoBack, type Prompter } from "../../src/cli/wizard/prompter.js";

export const BACK = Symbol("back");
export type ScriptAnswer = string | boolean | typeof BACK;

export function scripted(script: [string, ScriptAnswer][]) {
  const asked: string[] = [];
  const rejected: string[] = [];
  const next = (message: string): ScriptAnswer => {
    const index = script.findIndex(([fragment]) => message.includes(fragment));
    if (index < 0) throw new Error(`unexpected question: ${message}`);
    asked.push(message);
    const answer = script.splice(index, 1)[0]![1];
    if (answer === BACK) throw new GoBack();
    return answer;
  };
  const prompter: Prompter = {
    async input({ message, default: def, validate }) {
      for (;;) {
        const answer = next(message);
        const text = answer === "" ? (def ?? "") : String(answer);
        const verdict = validate ? validate(text) : true;
        if (verdict === true) return text;
        rejected.push(`${text}: ${verdict}`);
      }
    },
    async select({ message, default: def, choices }) {
      const answer = next(message);
      const value = answer === "" ? (def ?? choices[0]!.value) : String(answer);
      if (!choices.some((c) => c.value === value)) throw new Error(`${value} is not a choice of ${message}`);
      return value as never;
    },
    async confirm({ message, default: def }) {
      const answer = next(message);
      return answer === "" ? def === true : answer === true;
    },
  };
  return { prompter, asked, rejected, left: script };
}
