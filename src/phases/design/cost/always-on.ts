// Cost lines for what runs whether or not anyone calls it: worker pools (queue consumers, loops,
// schedulers) are billed for every second they exist, at the instance-based rate, and buckets for
// the files they hold. Both are flat: the same today and at the growth target.
import { type Inventory, storageOnVm } from "../../../inventory/schema.js";
import { memoryMiB, type Deployment, type DeployTarget } from "../../../contracts/deployment.js";
import { num } from "./assumptions.js";
import type { CostLine } from "./estimate-data.js";
import { cloudRunTier, pickRegion, type PriceBook } from "../../../contracts/gcp-prices.js";

const round2 = (x: number): number => Math.round(x * 100) / 100;
/** GiB of a Cloud Run memory value (0 for a form it does not take). */
export const memoryGib = (memory: string): number => (memoryMiB(memory) ?? 0) / 1024;

/** Monthly cost of `instances` instances that never stop, at the instance-based rate. */
export function alwaysOnCost(
  shape: { cpu: string; memory: string; instances: number },
  book: PriceBook,
  region: string,
): { monthlyUsd: number; formula: string } {
  const p = book.cloudRun.tiers[cloudRunTier(book, region)].instanceBased;
  const seconds = book.hoursPerMonth * 3600;
  const cpu = Number(shape.cpu);
  const gib = memoryGib(shape.memory);
  const usd = shape.instances * seconds * (cpu * p.cpuPerVcpuSecond + gib * p.memoryPerGibSecond);
  return {
    monthlyUsd: round2(usd),
    formula: `${shape.instances} instance${shape.instances === 1 ? "" : "s"} × ${num(seconds)} s × (${cpu} vCPU × $${p.cpuPerVcpuSecond} + ${num(gib)} GiB × $${p.memoryPerGibSecond}) (instance-based)`,
  };
}

export function workerPoolLines(deployment: Deployment, book: PriceBook): CostLine[] {
  return deployment.services
    .filter((s): s is DeployTarget => s.kind === "worker-pool")
    .map((s) => {
      const c = alwaysOnCost({ cpu: s.cpu, memory: s.memory, instances: s.minInstances }, book, deployment.region);
      return { component: s.name, item: "worker pool, always on", formula: c.formula, monthlyUsd: c.monthlyUsd };
    });
}

/** Default size for a folder whose size the inventory does not give. */
export const ASSUMED_STORAGE_GIB = 10;

export function bucketLines(
  inventory: Inventory,
  deployment: Deployment,
  book: PriceBook,
  warnings: string[],
): CostLine[] {
  const p = pickRegion(book.cloudStorage.regions, deployment.region);
  return (deployment.buckets ?? []).map((b) => {
    const folder = (inventory.storage ?? []).find((x) => storageOnVm(x) === b.sourcePath);
    const gib = folder?.sizeGiB ?? ASSUMED_STORAGE_GIB;
    if (folder?.sizeGiB === undefined)
      warnings.push(
        `storage ${b.sourcePath}: no size in the inventory; ${ASSUMED_STORAGE_GIB} GiB assumed (add storage[].sizeGiB).`,
      );
    return {
      component: `cloud storage ${b.name}`,
      item: "standard storage",
      formula: `${num(gib)} GiB × $${p.value.standardPerGibMonth}`,
      monthlyUsd: round2(gib * p.value.standardPerGibMonth),
    };
  });
}

/**
 * Filestore Basic HDD, per provisioned GiB-hour: $0.000274 in us-west1 (cloud.google.com/filestore/pricing,
 * its worked example). Not in the price book: it is quoted for that region alone; a share is billed
 * on what it provisions (1 TiB at least), not what it holds.
 */
const FILESTORE_BASIC_HDD_PER_GIB_HOUR = 0.000274;

export function filestoreLines(deployment: Deployment, book: PriceBook, warnings: string[]): CostLine[] {
  const shares = deployment.filestores ?? [];
  if (shares.length && deployment.region !== "us-west1")
    warnings.push(
      `Filestore is priced at its us-west1 Basic HDD rate ($${FILESTORE_BASIC_HDD_PER_GIB_HOUR}/GiB-hour); check ${deployment.region}'s on cloud.google.com/filestore/pricing.`,
    );
  return shares.map((f) => ({
    component: `filestore ${f.name}`,
    item: "Basic HDD share, provisioned",
    formula: `${num(f.capacityGiB)} GiB × ${book.hoursPerMonth} h × $${FILESTORE_BASIC_HDD_PER_GIB_HOUR}`,
    monthlyUsd: round2(f.capacityGiB * book.hoursPerMonth * FILESTORE_BASIC_HDD_PER_GIB_HOUR),
  }));
}
