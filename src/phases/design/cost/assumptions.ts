// The numbers the cost model needs but an inventory does not hold. Each one is printed in
// cost-estimate.md next to its reason, so a reader can disagree with it and redo the arithmetic.
import { businessHoursLength } from "../../../contracts/business-hours.js";
import { enUsNumber } from "../../../contracts/en-us-number.js";
import { ASSUMED_LLM_LATENCY_SECONDS, type Inventory } from "../../../inventory/schema.js";

/** A figure for the formulas: thousands separated, at most four decimals. */
export const num = (x: number): string => enUsNumber(x, 4);

export interface CostAssumptions {
  /** Average API request duration in seconds. */
  requestSeconds: number;
  /** Average RPS as a share of peak, used only when the inventory gives no averageRps. */
  averageToPeak: number;
  /** Background tasks enqueued per API request (when there is a worker). */
  tasksPerRequest: number;
  /** Average duration of a plain background task (not a model call), in seconds. */
  taskSeconds: number;
  /** Average duration of one AI worker task (a model call plus bookkeeping), in seconds. */
  aiTaskSeconds: number;
  /** Model calls per second today (llm.requestsPerMinute ÷ 60); without it, tasksPerRequest × RPS. */
  aiTasksPerSecond?: number;
  /** Bytes through the load balancer per request (request + response), in KiB. */
  kibPerRequest: number;
  /** Hours a day the API keeps a warm instance (from target.businessHours). */
  businessHoursPerDay: number;
  /** Days in a month (hoursPerMonth / 24, Google's 730-hour month). */
  daysPerMonth: number;
  /** Traffic multiple for the growth scenario (traffic.growth). */
  growth: number;
}

export interface AssumptionRow {
  name: string;
  value: string;
  why: string;
}

export function defaultAssumptions(inventory: Inventory, hoursPerMonth: number): CostAssumptions {
  const [low, high] = inventory.llm?.latencySeconds ?? ASSUMED_LLM_LATENCY_SECONDS;
  const rpm = inventory.llm?.requestsPerMinute;
  return {
    requestSeconds: 0.2,
    averageToPeak: 0.25,
    tasksPerRequest: 0.02,
    // Model calls leave the task queue for the AI worker, so the remaining jobs are short ones.
    taskSeconds: 2,
    aiTaskSeconds: (low + high) / 2,
    ...(rpm !== undefined ? { aiTasksPerSecond: rpm / 60 } : {}),
    kibPerRequest: 20,
    businessHoursPerDay: businessHoursLength(inventory.target.businessHours) ?? 0,
    daysPerMonth: hoursPerMonth / 24,
    growth: inventory.traffic.growth,
  };
}

export function describeAssumptions(a: CostAssumptions, inventory: Inventory, hasAiWorker = false): AssumptionRow[] {
  const rows: AssumptionRow[] = [
    {
      name: "average request duration",
      value: `${a.requestSeconds} s`,
      why: "typical for a JSON API backed by one database; measure p50 after the first week and redo",
    },
    {
      name: "average RPS",
      value:
        inventory.traffic.averageRps !== undefined
          ? `${inventory.traffic.averageRps} (inventory)`
          : `${a.averageToPeak} × peak`,
      why:
        inventory.traffic.averageRps !== undefined
          ? "traffic.averageRps from the inventory"
          : "the inventory gives only a peak; business traffic averages about a quarter of its peak",
    },
    { name: "growth target", value: `${a.growth}×`, why: "traffic.growth from the inventory (default 10)" },
    {
      name: "days per month",
      value: a.daysPerMonth.toFixed(4),
      why: "730-hour month, the convention of Google's price lists",
    },
    {
      name: "load balancer data per request",
      value: `${a.kibPerRequest} KiB`,
      why: "request plus JSON response; static files served by a CDN do not count",
    },
  ];
  if (a.businessHoursPerDay > 0) {
    rows.push({
      name: "business hours",
      value: `${a.businessHoursPerDay} h/day, every day`,
      why: `target.businessHours "${inventory.target.businessHours}"; counting weekends too makes the warm-instance line an upper bound`,
    });
  }
  rows.push(
    {
      name: "tasks per API request",
      value: String(a.tasksPerRequest),
      why: "only when there is a worker: one background job per fifty requests",
    },
    {
      name: "average task duration",
      value: `${a.taskSeconds} s`,
      why: hasAiWorker
        ? "short background jobs (emails, webhooks); model calls are counted on the AI worker"
        : "short background jobs (emails, webhooks)",
    },
    ...(hasAiWorker
      ? [
          {
            name: "AI task duration",
            value: `${a.aiTaskSeconds} s`,
            why: inventory.llm?.latencySeconds
              ? "midpoint of llm.latencySeconds"
              : "no llm.latencySeconds: midpoint of the assumed 5–15 s",
          },
          {
            name: "AI tasks (model calls) per second",
            value: a.aiTasksPerSecond !== undefined ? `${num(a.aiTasksPerSecond)} today` : `${a.tasksPerRequest} × RPS`,
            why:
              a.aiTasksPerSecond !== undefined
                ? "llm.requestsPerMinute ÷ 60, times the growth target in that scenario"
                : "no llm.requestsPerMinute: one model call per fifty API requests",
          },
        ]
      : []),
    {
      name: "free tiers",
      value: "not applied",
      why: "list prices before the monthly free tiers, so the figures are an upper bound",
    },
  );
  return rows;
}
