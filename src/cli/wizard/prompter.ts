// The three kinds of question the wizard asks, behind a small interface: the real one uses
// inquirer (imported only when a person is actually being asked, so `--help` never loads it);
// unit tests pass a scripted one.

export interface Choice<T extends string> {
  name: string;
  value: T;
}

export interface Prompter {
  input(options: { message: string; default?: string; validate?: (text: string) => true | string }): Promise<string>;
  select<T extends string>(options: { message: string; choices: Choice<T>[]; default?: T }): Promise<T>;
  confirm(options: { message: string; default?: boolean }): Promise<boolean>;
}

export async function createInquirerPrompter(output: NodeJS.WritableStream = process.stdout): Promise<Prompter> {
  const { default: inquirer } = await import("inquirer");
  const prompt = inquirer.createPromptModule({ output });
  // Ctrl+C rejects with ExitPromptError; main() reports it like any other error. One question per
  // call keeps the flow (and its defaults, which depend on earlier answers) in our hands.
  async function ask<T>(question: Record<string, unknown>): Promise<T> {
    const answers = (await prompt([{ ...question, name: "value" } as never])) as { value: T };
    return answers.value;
  }
  return {
    input: (o) =>
      ask<string>({ type: "input", message: o.message, default: o.default, validate: o.validate }).then((v) =>
        String(v ?? ""),
      ),
    select: (o) => ask({ type: "select", message: o.message, choices: o.choices, default: o.default, loop: false }),
    confirm: (o) => ask<boolean>({ type: "confirm", message: o.message, default: o.default }),
  };
}
