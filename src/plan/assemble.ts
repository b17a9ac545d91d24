// docs/migration/README.md: every phase's plan steps in one ordered list, day by day, each step
// numbered and linked to the files it uses, then an index of every generated file. Pure: the
// same steps and files give the same bytes.
import path from "node:path";
import { PLAN_STAGES, type PlanStep } from "../contracts/plan.js";
import type { Inventory } from "../inventory/schema.js";
import type { Artifact } from "../write/plan.js";

export const PLAN_PATH = "docs/migration/README.md";

/** A Markdown link from the plan to a repository file. */
const link = (file: string): string => `[\`${file}\`](${path.posix.relative(path.posix.dirname(PLAN_PATH), file)})`;

export interface PlanFile {
  path: string;
  phase: string;
}

function stepText(n: number, step: PlanStep): string {
  const lines = [`### ${n}. ${step.title}`, "", step.body.trim()];
  // No language: steps mix shell with SQL and other consoles.
  if (step.commands?.length) lines.push("", "```", ...step.commands, "```");
  if (step.files?.length) lines.push("", `Files: ${step.files.map(link).join(", ")}`);
  return lines.join("\n");
}

export function assemblePlan(inventory: Inventory, steps: PlanStep[], files: PlanFile[]): Artifact {
  const byStage = PLAN_STAGES.map((stage) => ({
    stage,
    steps: steps.filter((s) => s.stage === stage.id).sort((a, b) => a.order - b.order || (a.title < b.title ? -1 : 1)),
  })).filter((s) => s.steps.length > 0);
  const target = inventory.target;
  const out: string[] = [
    `# Migration plan: ${inventory.metadata.name}`,
    "",
    `From ${inventory.host.hostname ?? "the VM"} to Google Cloud (project \`${target.project ?? "see design"}\`, region \`${target.region}\`), in order.`,
    "Do the steps one after the other: each says what it needs, and every script takes `--dry-run` first to",
    "print its commands. The days are the earliest each stage can start; the gaps are waiting time (DNS",
    "caches expiring, the data copy catching up), not work.",
    "",
    "| Day | Stage | Steps |",
    "|---|---|---|",
  ];
  let n = 0;
  const numbered = byStage.map(({ stage, steps: list }) => {
    const first = n + 1;
    const texts = list.map((step) => stepText(++n, step));
    return { stage, first, last: n, texts };
  });
  for (const { stage, first, last } of numbered) {
    out.push(`| ${stage.day} | ${stage.title} | ${first === last ? first : `${first}-${last}`} |`);
  }
  for (const { stage, texts } of numbered) out.push("", `## ${stage.day}: ${stage.title}`, "", texts.join("\n\n"));
  out.push("", "## Every generated file", "", "| File | Phase |", "|---|---|");
  for (const file of [...files].sort((a, b) => (a.path < b.path ? -1 : 1)))
    out.push(`| ${link(file.path)} | ${file.phase} |`);
  return { path: PLAN_PATH, kind: "markdown", content: `${out.join("\n")}\n` };
}
