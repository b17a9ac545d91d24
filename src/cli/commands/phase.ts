// audit, design, cicd, llmops, observe: one command each, same shape. A phase reuses the stored result of
// the phases it depends on (or runs them when there is none or their inputs changed).
import type { Command } from "commander";
import type { PhaseId } from "../../phases/registry.js";
import { addTargetOptions, addWriteOptions } from "../options.js";
import type { GlobalFlags } from "../output.js";
import { setExitCode, terminal } from "../terminal.js";

const PHASES: { id: PhaseId; summary: string; example: string; extra?: (cmd: Command) => Command }[] = [
  {
    id: "audit",
    summary:
      "cloud solutions architect: the most urgent risks for the growth target, MTTR, business impact, today's diagram",
    example: "infra-migrate audit --inventory examples/seed-vm/inventory.yaml --out /tmp/acme --top 5",
    extra: (cmd) => cmd.option("--top <n>", "how many of the most urgent risks the report details [default: 5]"),
  },
  {
    id: "design",
    summary: "serverless SRE: GCP target architecture, decisions, cost estimate, runbook",
    example: "infra-migrate design --out /tmp/acme",
  },
  {
    id: "cicd",
    summary: "DevOps security engineer: deploy.yml with WIF, canary 10→50→100 and rollback",
    example: "infra-migrate cicd --out /tmp/acme --dry-run",
  },
  {
    id: "llmops",
    summary: "AI/ML architect: async Vertex AI worker behind Cloud Tasks, with tests",
    example: "infra-migrate llmops --out /tmp/acme --worker-dir services/ai-worker",
    extra: (cmd) => cmd.option("--worker-dir <dir>", "where the AI worker code goes [default: services/ai-worker]"),
  },
  {
    id: "observe",
    summary: "SRE for observability: SLOs, burn-rate alerts, dashboards (Cloud Monitoring, Grafana), setup script",
    example: "infra-migrate observe --out /tmp/acme",
  },
];

export function registerPhaseCommands(program: Command): void {
  for (const phase of PHASES) {
    let cmd = program.command(phase.id).description(phase.summary);
    cmd = addWriteOptions(addTargetOptions(cmd));
    if (phase.extra) cmd = phase.extra(cmd);
    cmd.addHelpText("after", `\nExample:\n  $ ${phase.example}`);
    cmd.action(async (_opts, command: Command) => {
      const all = command.optsWithGlobals<Record<string, unknown> & GlobalFlags>();
      const [{ createOutput }, { resolveSettings }, { runGenerate }] = await Promise.all([
        import("../output.js"),
        import("../common.js"),
        import("../generate.js"),
      ]);
      const out = createOutput(all);
      const settings = await resolveSettings(all, terminal().env);
      setExitCode(await runGenerate({ phases: [phase.id], settings, out, command: phase.id }));
    });
  }
}
