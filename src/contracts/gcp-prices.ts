// The dated unit-price file (data/gcp-prices.json) and how a region picks its figures. Prices are
// data, not code: a reviewer updates the JSON (with its source and date) without touching the model.
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { z } from "zod";
import { packageRoot } from "../package-root.js";
import { PARSE_ONCE } from "./parse-once.js";

const dated = { source: z.url(), checked: z.string().regex(/^\d{4}-\d{2}-\d{2}$/), note: z.string().optional() };
const rate = z.number().nonnegative();

const requestBased = z.object({
  cpuPerVcpuSecond: rate,
  memoryPerGibSecond: rate,
  perMillionRequests: rate,
  idleCpuPerVcpuSecond: rate,
  idleMemoryPerGibSecond: rate,
});
const runTier = z.object({
  requestBased,
  instanceBased: z.object({ cpuPerVcpuSecond: rate, memoryPerGibSecond: rate }),
});
const connectionStep = z.object({ minMemoryGib: rate, max: z.number().int().positive() });

export const priceBookSchema = z.object({
  currency: z.literal("USD"),
  hoursPerMonth: z.number().positive(),
  cloudRun: z.object({
    ...dated,
    tier1Regions: z.array(z.string()),
    tiers: z.object({ tier1: runTier, tier2: runTier }),
    freeTierPerMonth: z.object({ vcpuSeconds: rate, gibSeconds: rate, requests: rate }),
  }),
  cloudSql: z.object({
    ...dated,
    regions: z.record(
      z.string(),
      z.object({
        vcpuPerHour: rate,
        memoryPerGibHour: rate,
        ssdPerGibMonth: rate,
        backupPerGibMonth: rate,
        haMultiplier: rate,
      }),
    ),
    maxConnectionsSource: z.url(),
    maxConnections: z.object({ postgres: z.array(connectionStep).min(1), mysql: z.array(connectionStep).min(1) }),
  }),
  cloudTasks: z.object({ ...dated, freeOperationsPerMonth: rate, perMillionOperations: rate }),
  loadBalancer: z.object({ ...dated, forwardingRulePerHour: rate, dataProcessingPerGib: rate }),
  secretManager: z.object({
    ...dated,
    activeVersionPerMonth: rate,
    per10kAccessOperations: rate,
    freeActiveVersions: rate,
    freeAccessOperations: rate,
  }),
  cloudScheduler: z.object({ ...dated, perJobPerMonth: rate, freeJobsPerBillingAccount: rate }),
  memorystore: z.object({
    ...dated,
    regions: z.record(z.string(), z.object({ basicPerGibHour: rate, standardPerGibHour: rate })),
    minimumGib: rate,
  }),
  computeEngine: z.object({
    ...dated,
    regions: z.record(
      z.string(),
      z.object({
        e2VcpuPerHour: rate,
        e2MemoryPerGibHour: rate,
        balancedDiskPerGibMonth: rate,
        e2SmallPerHour: rate,
        externalIpPerHour: rate,
      }),
    ),
  }),
  cloudStorage: z.object({
    ...dated,
    regions: z.record(z.string(), z.object({ standardPerGibMonth: rate })),
  }),
});
export type PriceBook = z.infer<typeof priceBookSchema>;

export const PRICE_FILE = join(packageRoot(), "data", "gcp-prices.json");
let cached: PriceBook | undefined;

/** The price book shipped with the package (read once; sync so offline rules can quote costs). */
export function loadPriceBook(file = PRICE_FILE): PriceBook {
  if (file === PRICE_FILE && cached) return cached;
  const book = priceBookSchema.parse(JSON.parse(readFileSync(file, "utf8")), PARSE_ONCE);
  if (file === PRICE_FILE) cached = book;
  return book;
}

/** Fallback region for services priced per region when the target region is not in the file. */
export const REFERENCE_REGION = "us-central1";

export interface RegionalPick<T> {
  value: T;
  /** Region whose figures were used (differs from the target when the file has no entry). */
  region: string;
}

export function pickRegion<T>(table: Record<string, T>, region: string): RegionalPick<T> {
  const own = table[region];
  if (own) return { value: own, region };
  const fallback = table[REFERENCE_REGION] ?? Object.values(table)[0];
  if (!fallback) throw new Error("price table has no regions");
  return { value: fallback, region: table[REFERENCE_REGION] ? REFERENCE_REGION : Object.keys(table)[0]! };
}

export function cloudRunTier(book: PriceBook, region: string): "tier1" | "tier2" {
  return book.cloudRun.tier1Regions.includes(region) ? "tier1" : "tier2";
}

/** Default max_connections for a Cloud SQL instance of this engine and memory size. */
export function maxConnections(book: PriceBook, engine: "mysql" | "postgres" | "sqlserver", memoryGib: number): number {
  const steps = engine === "postgres" ? book.cloudSql.maxConnections.postgres : book.cloudSql.maxConnections.mysql;
  let max = steps[0]!.max;
  for (const step of steps) if (memoryGib >= step.minMemoryGib) max = step.max;
  return max;
}

/** vCPU and memory (GiB) of a Cloud SQL tier name; undefined for tiers we cannot price. */
export function sqlTierShape(tier: string): { vcpu: number; memoryGib: number } | undefined {
  const custom = /^db-custom-(\d+)-(\d+)$/.exec(tier);
  if (custom) return { vcpu: Number(custom[1]), memoryGib: Number(custom[2]) / 1024 };
  const n1 = /^db-n1-(standard|highmem)-(\d+)$/.exec(tier);
  if (n1) return { vcpu: Number(n1[2]), memoryGib: Number(n1[2]) * (n1[1] === "standard" ? 3.75 : 6.5) };
  return undefined;
}
