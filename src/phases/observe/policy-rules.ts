// The error-budget policy in plain language, fitted to who the team is: one engineer cannot run a
// rotation, a small team cannot answer pages around the clock, and business hours decide which
// alerts may wait for the morning (with the share of budget that waiting costs, computed).
import { BURN_RATES, budgetShare, hoursToExhaust } from "../../contracts/burn-rate.js";
import { SLO_WINDOW_DAYS } from "../../contracts/service-levels.js";
import { businessHoursLength } from "../../contracts/business-hours.js";
import type { ObserveContext } from "./context.js";
import type { ObserveResult } from "./schema.js";

const percent = (share: number) => `${Math.round(share * 100)}%`;

function responder(engineers: number | undefined): string {
  if (engineers === undefined) return "The engineer on duty this week";
  if (engineers === 1) return "You (the only engineer)";
  if (engineers <= 3) return `The engineer on duty this week (rotate weekly between the ${engineers} of you)`;
  return `The on-call engineer (a weekly rotation of ${engineers})`;
}

export function offlinePolicy(ctx: ObserveContext): ObserveResult["errorBudgetPolicy"] {
  const { inventory } = ctx;
  const engineers = inventory.team.engineers;
  const hours = businessHoursLength(inventory.target.businessHours);
  const night = hours === undefined ? undefined : 24 - hours;
  const fast = BURN_RATES.fast;
  const slow = BURN_RATES.slow;
  const days = Math.round(hoursToExhaust(fast.threshold, SLO_WINDOW_DAYS) / 24);
  const api = ctx.deployment.services.find((s) => s.kind === "api")?.name ?? "the service";
  const deploys = inventory.deploy.perWeek;
  const fastBurn =
    `A fast burn would spend the whole ${SLO_WINDOW_DAYS}-day budget in about ${days} days. ` +
    `${responder(engineers)} acknowledges it in the alert channel within 15 minutes in business hours, ` +
    `rolls back first (gcloud run services update-traffic ${api} --region ${ctx.deployment.region} ` +
    `--project ${ctx.deployment.project} --to-revisions PREVIOUS_REVISION=100) and investigates after. ` +
    "The canary already rolls back a bad revision during a deploy, so a fast burn afterwards points at the database, a dependency or traffic.";
  const slowBurn =
    `A slow burn spends ${percent(budgetShare(slow.threshold, slow.longMinutes / 60, SLO_WINDOW_DAYS))} of the budget in ${slow.longMinutes / 60} hours: ` +
    "it opens a ticket, not a page. Look at it the same business day, find the cause in the dashboards, and fix it before it becomes a fast burn." +
    (night !== undefined
      ? ` Left overnight (${night} hours outside business hours) it costs at most ${percent(budgetShare(slow.threshold, night, SLO_WINDOW_DAYS))} of the budget.`
      : "");
  const exhausted =
    `When an SLO is below target over the last ${SLO_WINDOW_DAYS} days, feature deploys to that service stop until it is back above target; fixes, rollbacks and reliability work still ship` +
    (deploys !== undefined ? ` (today's ${deploys} deploy(s) a week become fixes only)` : "") +
    ". " +
    (engineers !== undefined && engineers <= 1
      ? "You lift the freeze yourself, after writing down the cause and the fix."
      : "The freeze lifts when the team agrees the cause is fixed and has written it down.");
  const outsideBusinessHours =
    hours !== undefined
      ? `Outside ${inventory.target.businessHours} only the fast-burn availability alert of a public service is worth a phone notification: ` +
        `left for the ${night}-hour night it would spend ${percent(budgetShare(fast.threshold, night!, SLO_WINDOW_DAYS))} of the budget. ` +
        `Slow burns, queue, ${ctx.deployment.services.some((s) => s.kind === "worker-pool") ? "worker pool, " : ""}database and scheduled-job alerts wait for the morning.`
      : `The inventory gives no business hours, so the service is treated as used around the clock. ` +
        (engineers !== undefined && engineers >= 4
          ? "Run a weekly on-call rotation for fast-burn alerts; everything else waits for the morning."
          : engineers === 1
            ? "One person cannot answer pages around the clock: let fast-burn alerts reach your phone, roll back when you see one, and let everything else wait for the morning."
            : "A team this size cannot answer pages around the clock: fast-burn alerts reach everyone's phone and whoever sees one first rolls back; everything else waits for the morning.");
  const review =
    "Review the SLOs two weeks after cut-over, with the real latency and error numbers Cloud Monitoring then has (the thresholds here are estimates from the inventory), " +
    `then every quarter${engineers !== undefined && engineers > 1 ? " together" : ""}: tighten a target the service beats easily, loosen one that pages for nothing users notice.`;
  return { fastBurn, slowBurn, exhausted, outsideBusinessHours, review };
}
