// The design's part of docs/migration/README.md: review the target, lower the DNS TTL early, make
// the application changes the mapping lists, then the runbook's data copy, cut-over and rollback,
// and decommissioning the VM.
import type { PlanStep } from "../../contracts/plan.js";
import type { PhaseInput } from "../../contracts/phase.js";
import { DESIGN_DIR } from "./render.js";
import { cutoverHolds, decisionsTaken, listNames } from "../../contracts/held-targets.js";
import type { DesignResult } from "./schema.js";

type RunbookStep = DesignResult["runbook"]["database"][number];

const TTL = /\bTTL\b/i;

function fromRunbook(step: RunbookStep, stage: PlanStep["stage"], order: number): PlanStep {
  const body = step.verify ? `${step.detail}\n\nCheck: ${step.verify}` : step.detail;
  return { stage, order, title: step.title, body, commands: step.commands, files: [`${DESIGN_DIR}/runbook.md`] };
}

export function designPlanSteps(result: DesignResult, input: PhaseInput): PlanStep[] {
  const { runbook, deployment } = result;
  const changes = result.mapping.filter((m) => m.appChanges.length > 0);
  const steps: PlanStep[] = [
    {
      stage: "prepare",
      order: 20,
      title: "Review the target design and its cost",
      body: `${result.summary}\n\nRead the decisions and the cost estimate with the team before anything is created.`,
      files: [
        `${DESIGN_DIR}/architecture.md`,
        `${DESIGN_DIR}/target-architecture.mmd`,
        `${DESIGN_DIR}/decisions.md`,
        `${DESIGN_DIR}/cost-estimate.md`,
        `${DESIGN_DIR}/mapping.json`,
      ],
    },
  ];
  // Lowering the TTL only helps once the old TTL has expired everywhere: do it first, not at the cut-over.
  runbook.cutover.filter((s) => TTL.test(s.title)).forEach((s, i) => steps.push(fromRunbook(s, "prepare", 30 + i)));
  if (changes.length > 0) {
    steps.push({
      stage: "prepare",
      order: 40,
      title: "Make the application changes",
      body:
        (deployment.services.length
          ? "The code must fit Cloud Run before its first deploy; ship these changes to the VM first where you can (each works there too):\n\n"
          : "Nothing is deployed to Cloud Run; these changes go with what moves, and ship to the VM:\n\n") +
        changes.map((m) => m.appChanges.map((c) => `- **${m.service}**: ${c}`).join("\n")).join("\n"),
      files: [`${DESIGN_DIR}/mapping.json`],
    });
  }
  // For MySQL and PostgreSQL the plan's Day 1 runs scripts/setup-database.sh (cicd), which creates
  // the instance: the runbook's own `gcloud sql instances create` would fail on it (it exists).
  // Nothing on Cloud Run: cicd is skipped and writes no setup-database.sh, so the runbook's command stays.
  const scripted =
    deployment.database !== undefined && deployment.database.engine !== "sqlserver" && deployment.services.length > 0;
  const db = runbook.database.filter(
    (s) => !(scripted && s.commands.some((c) => /^gcloud sql instances create /.test(c))),
  );
  // The last database step promotes the copy: that is the cut-over. While a held service keeps it
  // waiting there is no cut-over yet (runbook: held-cutover.ts), so every step of the copy is rehearsal.
  const waiting = cutoverHolds(deployment).length > 0;
  const heldTargets = deployment.services.filter((t) => t.held);
  const held = heldTargets.map((t) => t.name);
  const rehearsed = waiting ? db : db.slice(0, -1);
  rehearsed.forEach((s, i) => steps.push(fromRunbook(s, "rehearse", 10 + i * 10)));
  if (db.length > 0 && !waiting) steps.push(fromRunbook(db[db.length - 1]!, "cutover", 10));
  runbook.cutover
    .filter((s) => !TTL.test(s.title))
    .forEach((s, i) => steps.push(fromRunbook(s, "cutover", 20 + i * 10)));
  steps.push({
    stage: "verify",
    order: 10,
    title: "Watch the first week",
    body: runbook.firstWeek.map((w) => `- ${w}`).join("\n"),
    files: [`${DESIGN_DIR}/runbook.md`],
  });
  runbook.rollback.forEach((s, i) => steps.push(fromRunbook(s, "rollback", 10 + i * 10)));
  const vm = input.inventory.host.hostname ?? "the VM";
  steps.push({
    stage: "decommission",
    order: 10,
    title: `Retire ${vm}`,
    body: [
      held.length
        ? `Not yet: ${listNames(held)} still run${held.length === 1 ? "s" : ""} on ${vm} until ${decisionsTaken(heldTargets)}${waiting ? " and the cut-over done" : " and the move done"}. Then, two weeks of clean running later:`
        : deployment.services.length
          ? "Two weeks of clean running later (no rollback needed, backups restored once as a test):"
          : `Not yet: nothing runs on Cloud Run, so ${vm} keeps running the app's processes until the open decisions in architecture.md are taken and carried out. Then, two weeks of clean running later:`,
      "",
      "- take a final snapshot or image of the VM's disk and keep it as long as your retention policy says;",
      `- stop the VM, then delete it with its public IP; remove DNS records that still name it;`,
      "- revoke the SSH keys and deploy credentials that reached it, and close its firewall rules;",
      `- delete the secrets it held that ${deployment.services.length ? "the Cloud Run services no longer need" : "the app no longer needs"}, and rotate the ones that moved.`,
    ].join("\n"),
  });
  return steps;
}
