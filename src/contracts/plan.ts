// The one ordered migration plan (docs/migration/README.md) is assembled after every phase ran,
// from the steps each phase contributes: a phase says what a person must do with its files and
// when (the stage), the assembler orders, numbers and links them. A new phase adds its steps
// through PhaseImplementation.planSteps; nothing else changes.

/** The migration's days, in order. A step belongs to exactly one. */
export const PLAN_STAGES = [
  { id: "prepare", day: "Day 0", title: "Prepare" },
  { id: "foundations", day: "Day 1", title: "Google Cloud foundations" },
  { id: "first-deploy", day: "Day 2", title: "First deploy, before any user traffic" },
  { id: "rehearse", day: "Day 3", title: "Copy the data and rehearse" },
  { id: "cutover", day: "Day 5", title: "Cut-over" },
  { id: "verify", day: "Days 5-19", title: "Verify" },
  { id: "rollback", day: "Any day until the VM is gone", title: "Roll back" },
  { id: "decommission", day: "Day 19", title: "Decommission the VM" },
] as const;

export type PlanStage = (typeof PLAN_STAGES)[number]["id"];

export interface PlanStep {
  stage: PlanStage;
  /** Order within the stage (phases leave gaps: 10, 20… so others can slot in). */
  order: number;
  title: string;
  /** Markdown: what to do and why. */
  body: string;
  /** Shell commands, shown in a code block in order. */
  commands?: string[];
  /** Generated files the step uses (repository-relative paths); the plan links them. */
  files?: string[];
}
