// personas: list the expert personas (id, version, phase, model) or print one.
import type { Command } from "commander";
import type { GlobalFlags } from "../output.js";

export function registerPersonas(program: Command): void {
  const personas = program.command("personas").description("list the expert personas and their versions");
  personas.action(async (_opts, command: Command) => {
    const [{ createOutput }, { loadPersonas }] = await Promise.all([
      import("../output.js"),
      import("../../personas/persona.js"),
    ]);
    const out = createOutput(command.optsWithGlobals<GlobalFlags>());
    const list = await loadPersonas();
    if (out.json) {
      out.emitJson({
        ok: true,
        personas: list.map(({ id, version, title, phase, model, sha256 }) => ({
          id,
          version,
          title,
          phase,
          model,
          sha256,
        })),
      });
      return;
    }
    for (const p of list)
      out.print(
        `${out.c.bold(p.id.padEnd(26))} ${p.version.padEnd(7)} ${p.phase.padEnd(7)} ${out.c.dim(p.model.padEnd(24))} ${p.title}`,
      );
  });
  personas
    .command("show <id>")
    .description("print one persona's system prompt")
    .action(async (id: string, _opts, command: Command) => {
      const [{ createOutput }, { loadPersona }] = await Promise.all([
        import("../output.js"),
        import("../../personas/persona.js"),
      ]);
      const out = createOutput(command.optsWithGlobals<GlobalFlags>());
      const p = await loadPersona(id);
      if (out.json) {
        out.emitJson({
          ok: true,
          persona: {
            id: p.id,
            version: p.version,
            title: p.title,
            phase: p.phase,
            model: p.model,
            sha256: p.sha256,
            body: p.body,
          },
        });
        return;
      }
      out.print(`# ${p.title} (${p.id}@${p.version}, phase ${p.phase}, model ${p.model})\n\n${p.body}`);
    });
}
