// The cost lines the design prompt carries: the same estimate cost-estimate.md prints, computed
// for the rule-based draft from the price book. Without them the model invents monthly figures
// that contradict the cost file written next to its decisions.
import type { Deployment } from "../../contracts/deployment.js";
import type { Inventory } from "../../inventory/schema.js";
import { num } from "./cost/assumptions.js";
import { estimateCost } from "./cost/estimate.js";
import { loadPriceBook } from "../../contracts/gcp-prices.js";

/** At most this many itemised lines (a 200-service inventory would otherwise fill the prompt). */
const MAX_LINES = 40;

const dollars = (x: number) => `$${x.toFixed(2)}`;

export function promptCostLines(inventory: Inventory, deployment: Deployment): string[] {
  const cost = estimateCost(inventory, deployment, loadPriceBook());
  const [today, growth] = cost.scenarios;
  const out: string[] = [];
  if (today) out.push(`Today (${num(today.averageRps)} requests/s on average): ${dollars(today.totalUsd)}/month.`);
  if (growth) {
    out.push(`${growth.label} (${num(growth.averageRps)} requests/s): ${dollars(growth.totalUsd)}/month, of which:`);
    const items = growth.lines.filter((l) => l.monthlyUsd > 0);
    for (const line of items.slice(0, MAX_LINES))
      out.push(`  - ${line.component}, ${line.item}: ${dollars(line.monthlyUsd)} (${line.formula})`);
    if (items.length > MAX_LINES) out.push(`  - … and ${items.length - MAX_LINES} smaller lines`);
  }
  // A held target (the deploy skips it) is priced apart: the totals above are what deploys.
  const held = cost.held?.scenarios[1];
  if (cost.held && held)
    out.push(
      `Held on the VM, not in the totals above: ${cost.held.names.join(", ")}; if the open decision moves them to Cloud Run, +${dollars(held.totalUsd)}/month at the growth target.`,
    );
  const warm = cost.warmInstances
    .filter((l) => !cost.held?.names.includes(l.component))
    .reduce((sum, l) => sum + l.monthlyUsd, 0);
  if (warm > 0) out.push(`Warm (minimum) instances, billed while idle, included above: ${dollars(warm)}/month.`);
  out.push(
    `The VM today: ${dollars(cost.vm.totalUsd)}/month${cost.vm.fromInventory ? " (from the inventory)" : " (estimated)"}.`,
  );
  for (const warning of cost.warnings) out.push(`Note: ${warning}`);
  return out;
}
