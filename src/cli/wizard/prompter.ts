// The three kinds of question the wizard asks, behind a small interface: the real one uses
// inquirer (imported only when a person is actually being asked, so `--help` never loads it);
// unit tests pass a scripted one. Two ways out of any question: Esc (or typing "<") goes back to
// the previous one (GoBack), Ctrl-C cancels the whole run (CancelledError, exit 130).
import { emitKeypressEvents } from "node:readline";
import { CancelledError } from "../../errors.js";

export interface Choice<T extends string> {
  name: string;
  value: T;
  /** Plain-language help, shown under the list while the choice is highlighted. */
  description?: string;
}

export interface Prompter {
  input(options: { message: string; default?: string; validate?: (text: string) => true | string }): Promise<string>;
  select<T extends string>(options: {
    message: string;
    choices: Choice<T>[];
    default?: T;
    pageSize?: number;
  }): Promise<T>;
  confirm(options: { message: string; default?: boolean }): Promise<boolean>;
}

/** Thrown by a prompter when the person asks for the previous question. */
export class GoBack extends Error {
  constructor() {
    super("back to the previous question");
    this.name = "GoBack";
  }
}

/** Typed alone at a text prompt, "<" goes back (for terminals where Esc is awkward). */
export const BACK_TEXT = "<";

export async function createInquirerPrompter(
  output: NodeJS.WritableStream = process.stdout,
  input: NodeJS.ReadStream = process.stdin,
): Promise<Prompter> {
  const { default: inquirer } = await import("inquirer");
  emitKeypressEvents(input);
  // One question per call keeps the flow (and its defaults, which depend on earlier answers) in our hands.
  async function ask<T>(question: Record<string, unknown>): Promise<T> {
    const back = new AbortController();
    const onKey = (_text: string, key?: { name?: string }) => {
      if (key?.name === "escape") back.abort();
    };
    input.on("keypress", onKey);
    try {
      const prompt = inquirer.createPromptModule({ output, signal: back.signal });
      const answers = (await prompt([{ ...question, name: "value" } as never])) as { value: T };
      return answers.value;
    } catch (error) {
      const name = (error as Error).name;
      if (name === "AbortPromptError" && back.signal.aborted) throw new GoBack();
      if (name === "ExitPromptError") throw new CancelledError();
      throw error;
    } finally {
      input.off("keypress", onKey);
    }
  }
  return {
    input: async (o) => {
      const text = await ask<string>({
        type: "input",
        message: o.message,
        default: o.default,
        validate: (value: string) => (value.trim() === BACK_TEXT ? true : o.validate ? o.validate(value) : true),
      });
      if (String(text ?? "").trim() === BACK_TEXT) throw new GoBack();
      return String(text ?? "");
    },
    select: (o) =>
      ask({
        type: "select",
        message: o.message,
        choices: o.choices,
        default: o.default,
        loop: false,
        pageSize: o.pageSize ?? 10,
      }),
    confirm: (o) => ask<boolean>({ type: "confirm", message: o.message, default: o.default }),
  };
}
