// The observe phase's part of docs/migration/README.md: monitoring goes up after the first deploy
// (uptime checks need the services' URLs) and before any user traffic, so the cut-over is watched
// by the same SLOs and alerts the team keeps afterwards; the first weeks are read against budgets.
import type { PlanStep } from "../../contracts/plan.js";
import type { PhaseInput } from "../../contracts/phase.js";
import { pct } from "../../contracts/service-levels.js";
import { hasCanary } from "../../contracts/deployment.js";
import { buildObserveContext } from "./context.js";
import { OBSERVE_PATHS } from "./names.js";
import { buildPlan } from "./plan.js";
import { heldNote } from "./offline.js";
import type { ObserveResult } from "./schema.js";

const count = (n: number, one: string, many = `${one}s`): string => `${n} ${n === 1 ? one : many}`;

export function observePlanSteps(result: ObserveResult, input: PhaseInput): PlanStep[] {
  const ctx = buildObserveContext(input);
  const plan = buildPlan(ctx, result);
  const script = OBSERVE_PATHS.script;
  // Only public APIs roll out as a canary (cicd's rolloutStrategy, hasCanary); the others deploy directly.
  const canaries = new Set(ctx.deployment.services.filter((s) => hasCanary(s)).map((s) => s.name));
  const gates = [...ctx.levels.values()].filter((l) => canaries.has(l.service));
  const gateText = gates.length
    ? ` The deploy pipeline's canary reads the same request metrics at every step and rolls back on either (${gates
        .map(
          (l) =>
            `\`${l.service}\`: more than ${pct(l.canary.max5xxRatio)} 5xx, or p${l.canary.latencyPercentile} over ${l.canary.maxLatencyMs} ms`,
        )
        .join("; ")}).`
    : "";
  return [
    {
      stage: "first-deploy",
      order: 50,
      title: "Monitoring: SLOs, alerts and dashboards",
      body:
        `Once the services are deployed (uptime checks need their URLs) and before any user traffic: \`${script}\` creates ` +
        `${count(plan.slos.length, "SLO")}, ${count(plan.policies.length, "alert policy", "alert policies")}, ` +
        `${count(plan.uptimeChecks.length, "uptime check")} and ${count(plan.dashboards.length, "dashboard")}, all alerting one notification channel (an e-mail address, or Slack with a bot token). ` +
        "It needs curl and gcloud's alpha and beta components (the script says how to install what is missing). " +
        `The cut-over is then watched by the alerts the team keeps.${gateText}${heldNote(ctx)}`,
      commands: [`bash ${script} --dry-run --email ONCALL_EMAIL`, `bash ${script} --email ONCALL_EMAIL`],
      files: [script, OBSERVE_PATHS.scriptLib, OBSERVE_PATHS.readme, OBSERVE_PATHS.slosDoc],
    },
    {
      stage: "verify",
      order: 15,
      title: "Read the first weeks against the error budgets",
      body:
        "Open the dashboards daily: a fast burn pages, a slow burn opens a ticket, and the error-budget policy says who " +
        "does what (roll back first). Check once that an alert reaches the channel (the uptime check of a stopped " +
        "service, or a test notification) before the VM is retired.",
      files: [OBSERVE_PATHS.slosDoc, OBSERVE_PATHS.policyDoc],
    },
  ];
}
