// What the held targets would add once their open decision moves them to Cloud Run
// (contracts/held-targets.ts). The deploy skips them, their queues and schedules, and a load
// balancer one of them is a backend of, so the estimate's totals price what deploys; this prices
// the difference, line by line: the whole design's lines less what deploys. A line both have (Cloud
// Tasks operations over several queues, the Scheduler's jobs) adds only its difference.
import type { Deployment } from "../../../contracts/deployment.js";
import { heldDecisions } from "../../../contracts/held-targets.js";
import type { CostLine } from "./estimate-data.js";

const round2 = (x: number): number => Math.round(x * 100) / 100;

interface Priced {
  label: string;
  lines: CostLine[];
  totalUsd: number;
}

export interface HeldCost {
  /** The held targets, and the open decisions they wait for. */
  names: string[];
  decisions: string[];
  /** One per scenario of the estimate, in its order: what the held targets would add. */
  scenarios: Priced[];
}

/** `deployed` and `full`: the same scenarios priced on what deploys and on the whole design. */
export function heldCost(deployment: Deployment, deployed: Priced[], full: Priced[]): HeldCost | undefined {
  const held = deployment.services.filter((s) => s.held);
  if (held.length === 0) return undefined;
  return {
    names: held.map((s) => s.name),
    decisions: heldDecisions(held),
    scenarios: full.map((all, i) => {
      const left = [...(deployed[i]?.lines ?? [])];
      const lines: CostLine[] = [];
      for (const line of all.lines) {
        const at = left.findIndex((l) => l.component === line.component && l.item === line.item);
        const mine = at < 0 ? undefined : left.splice(at, 1)[0]!;
        if (!mine) lines.push(line);
        else if (mine.monthlyUsd !== line.monthlyUsd)
          lines.push({
            ...line,
            formula: `${line.formula} = $${line.monthlyUsd.toFixed(2)}, less the $${mine.monthlyUsd.toFixed(2)} priced above`,
            monthlyUsd: round2(line.monthlyUsd - mine.monthlyUsd),
          });
      }
      return { label: all.label, lines, totalUsd: round2(all.totalUsd - (deployed[i]?.totalUsd ?? 0)) };
    }),
  };
}
