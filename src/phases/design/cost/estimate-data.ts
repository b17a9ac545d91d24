// Cost lines that do not move with traffic: the database, Memorystore, and the VM being replaced.
import type { Inventory } from "../../../inventory/schema.js";
import { type Deployment, isAiWorkerTarget } from "../../../contracts/deployment.js";
import { pickRegion, sqlTierShape, type PriceBook } from "../../../contracts/gcp-prices.js";
import { type CeleryMode, planProcesses } from "../rules/processes.js";
import { queueSystem } from "../../../contracts/queue-systems.js";
import { memorystoreSizeGiB, planStoreHomes } from "../rules/store-homes.js";

const round2 = (x: number): number => Math.round(x * 100) / 100;

export interface CostLine {
  component: string;
  item: string;
  /** Human-readable formula with the inputs, e.g. "1,314,000 s × (2 vCPU × $0.0000025 + 2 GiB × $0.0000025)". */
  formula: string;
  monthlyUsd: number;
}

export function databaseLines(deployment: Deployment, book: PriceBook, warnings: string[]): CostLine[] {
  const db = deployment.database;
  if (!db) return [];
  const shape = sqlTierShape(db.tier);
  if (!shape) {
    warnings.push(
      `Cloud SQL tier ${db.tier} is not in the cost model (db-custom-N-M or db-n1-*); its line is left out.`,
    );
    return [];
  }
  const p = pickRegion(book.cloudSql.regions, deployment.region).value;
  const h = book.hoursPerMonth;
  const ha = db.highAvailability ? p.haMultiplier : 1;
  const haNote = db.highAvailability ? ` × ${p.haMultiplier} (HA standby)` : "";
  const computePerHour = shape.vcpu * p.vcpuPerHour + shape.memoryGib * p.memoryPerGibHour;
  const name = `cloud sql ${db.instance}`;
  const lines: CostLine[] = [
    {
      component: name,
      item: `${db.tier} compute`,
      formula: `${h} h × (${shape.vcpu} vCPU × $${p.vcpuPerHour} + ${shape.memoryGib} GiB × $${p.memoryPerGibHour})${haNote}`,
      monthlyUsd: round2(h * computePerHour * ha),
    },
    {
      component: name,
      item: "SSD storage",
      formula: `${db.storageGiB} GiB × $${p.ssdPerGibMonth}${haNote}`,
      monthlyUsd: round2(db.storageGiB * p.ssdPerGibMonth * ha),
    },
    {
      component: name,
      item: "backups",
      formula: `${db.storageGiB} GiB (7 daily backups, incremental, about one full copy) × $${p.backupPerGibMonth}`,
      monthlyUsd: round2(db.storageGiB * p.backupPerGibMonth),
    },
  ];
  if (db.readReplicas > 0) {
    lines.push({
      component: name,
      item: `${db.readReplicas} read replica${db.readReplicas > 1 ? "s" : ""}`,
      formula: `${db.readReplicas} × (${h} h × $${round2(computePerHour * 10000) / 10000}/h + ${db.storageGiB} GiB × $${p.ssdPerGibMonth})`,
      monthlyUsd: round2(db.readReplicas * (h * computePerHour + db.storageGiB * p.ssdPerGibMonth)),
    });
  }
  return lines;
}

/** Celery pushed through Cloud Tasks when a queue feeds a worker that replaces a Celery process. */
function celeryModeOf(inventory: Inventory, deployment: Deployment): CeleryMode {
  const pushed = new Set(deployment.queues.map((q) => q.target));
  const celery = new Set(inventory.services.filter((s) => queueSystem(s) === "celery").map((s) => s.name));
  // The AI worker "replaces" the services that held a model key (maybe the Celery worker): not a push rewrite.
  return deployment.services.some(
    (t) => !isAiWorkerTarget(t) && pushed.has(t.name) && t.replaces.some((r) => celery.has(r)),
  )
    ? "push"
    : "keep";
}

/** Memorystore lines for every broker or cache that keeps a home there (store-homes.ts). */
export function cacheServices(inventory: Inventory, deployment: Deployment, book: PriceBook): CostLine[] {
  // Nothing runs on Cloud Run: nothing would use a Memorystore, and the design plans none.
  if (deployment.services.length === 0) return [];
  const p = pickRegion(book.memorystore.regions, deployment.region).value;
  const homes = planStoreHomes(inventory, planProcesses(inventory, celeryModeOf(inventory, deployment)));
  return homes
    .filter((h) => h.home === "memorystore-redis" || h.home === "memorystore-memcached")
    .map((h) => {
      const size = Math.max(book.memorystore.minimumGib, memorystoreSizeGiB(inventory, h.service).sizeGiB);
      const standard = h.tier === "STANDARD_HA";
      const rate = standard ? p.standardPerGibHour : p.basicPerGibHour;
      return {
        component: `memorystore ${h.service.name}`,
        item: `${standard ? "standard (HA)" : "basic"} tier capacity`,
        formula: `${size} GiB × ${book.hoursPerMonth} h × $${rate}`,
        monthlyUsd: round2(size * book.hoursPerMonth * rate),
      };
    });
}

export function vmLines(
  inventory: Inventory,
  region: string,
  book: PriceBook,
  warnings: string[],
): { lines: CostLine[]; totalUsd: number; fromInventory: boolean } {
  const host = inventory.host;
  if (host.monthlyCostUsd !== undefined) {
    const line = {
      component: "vm",
      item: `${host.hostname ?? "the VM"} (from the inventory)`,
      formula: "host.monthlyCostUsd",
      monthlyUsd: host.monthlyCostUsd,
    };
    return { lines: [line], totalUsd: host.monthlyCostUsd, fromInventory: true };
  }
  if (!host.cpus || !host.memoryGiB) {
    warnings.push(
      "The inventory gives neither host.monthlyCostUsd nor host.cpus/memoryGiB: the VM comparison is missing.",
    );
    return { lines: [], totalUsd: 0, fromInventory: false };
  }
  const p = pickRegion(book.computeEngine.regions, region).value;
  const h = book.hoursPerMonth;
  const lines: CostLine[] = [
    {
      component: "vm",
      item: `E2 equivalent of ${host.cpus} vCPU / ${host.memoryGiB} GiB`,
      formula: `${h} h × (${host.cpus} vCPU × $${p.e2VcpuPerHour} + ${host.memoryGiB} GiB × $${p.e2MemoryPerGibHour})`,
      monthlyUsd: round2(h * (host.cpus * p.e2VcpuPerHour + host.memoryGiB * p.e2MemoryPerGibHour)),
    },
  ];
  if (host.diskGiB) {
    lines.push({
      component: "vm",
      item: "balanced persistent disk",
      formula: `${host.diskGiB} GiB × $${p.balancedDiskPerGibMonth}`,
      monthlyUsd: round2(host.diskGiB * p.balancedDiskPerGibMonth),
    });
  }
  return { lines, totalUsd: round2(lines.reduce((t, l) => t + l.monthlyUsd, 0)), fromInventory: false };
}
