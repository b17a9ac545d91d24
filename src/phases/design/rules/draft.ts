// The working state the offline rules fill in, one concern per rule file, before offline.ts turns
// it into a DesignResult.
import type { Inventory, Storage } from "../../../inventory/schema.js";
import type { AuditResult } from "../../../contracts/audit-result.js";
import type {
  Bucket,
  Filestore,
  SecretFileMount,
  Cache,
  DatabaseTarget,
  DeployTarget,
  LoadBalancer,
  Network,
  Queue,
  Schedule,
} from "../../../contracts/deployment.js";
import type { MappingEntry } from "../schema.js";
import { type Topology, topology } from "./classify.js";
import { baseName, projectId } from "./names.js";
import { type CeleryMode, type ProcessPlan, planProcesses } from "./processes.js";
import { planStoreHomes, type StoreHome } from "./store-homes.js";
import { planSqlite, type SqlitePlan } from "./sqlite.js";
import type { ImagePlan } from "../../../image/plan.js";

/** Averages the sizing rules share with the cost model (see cost/assumptions.ts). */
/** The AI worker the design planned, for the decisions and the narrative. */
export interface AiWorkerNote {
  worker: string;
  queue: string;
  serviceAccount: string;
  invoker: string;
  /** LLM credential env vars removed from the other services. */
  keyEnv: string[];
  /** Inventory services that held a model credential (or, without one, the web services). */
  holders: string[];
  /** The AI gateway service, when the API cannot mount the FastAPI router (rules/ai-gateway.ts). */
  gateway?: { name: string; serviceAccount: string; why: string };
}

/** The environment a target starts with (rules/app-env.ts). */
export interface EnvPlan {
  /** Values the design sets, with why. */
  set: Record<string, { value: string; why: string }>;
  /** Names not passed on, with why (Cloud Run's own, a web server's settings on a worker). */
  dropped: Array<{ name: string; why: string }>;
  /** Names the design adds that the VM did not set (the database URL of an app configured by a file). */
  added: Array<{ name: string; why: string }>;
  /** Names whose VM value is carried over through Secret Manager. */
  carried: string[];
  /** Carried names that hold the VM's address of a store the design fills in no new one for (vm-store-address.ts). */
  readdressed?: string[];
  /** Where each readdressed name's new value comes from (deployment.repointed), for setup-secrets.sh. */
  newValues?: Record<string, string>;
  /** Non-secret names whose VM value is carried over as a plain env var (deploy/cloud-run.env). */
  plain: string[];
  /** Database settings scripts/setup-database.sh stores for the Cloud SQL user it creates (never the VM's). */
  stored?: string[];
  /** Changes without which the target cannot reach Cloud SQL (a client that takes no socket path). */
  changes?: string[];
  /** Set when the target reaches Cloud SQL's private IP: the host settings the deploy sets to it. */
  privateHost?: string[];
  /** The VM's engine flags carried as plain settings: they name the engine Cloud SQL keeps. */
  keptEngine?: string[];
  /** Public settings the front end's bundler inlines at build time (build args, not runtime env), with the bundler. */
  buildTime?: Array<{ name: string; bundler: string }>;
}

/** A user-file folder moved to Cloud Storage (rules/storage.ts). */
export interface StoragePlan {
  storage: Storage;
  bucket: string;
  /** Where the app finds the folder inside the container. */
  mountPath: string;
  /** Cloud Run targets that mount it. */
  targets: string[];
  /** The subfolders mounted, each from its folder of the bucket, when not the whole folder. */
  folders?: string[];
  /** The folder is inside an app process's working directory: where it is in the image's (storage.ts). */
  workingDir?: WorkingDirMove;
}

/** A folder inside a process's working directory on the VM, and that directory in the image. */
export interface WorkingDirMove {
  service: string;
  /** The process's working directory on the VM. */
  vm: string;
  /** The image's WORKDIR, where the process runs on Cloud Run. */
  image: string;
  /** The folder relative to both. */
  relative: string;
}

/** A storage folder holding data written in place (git, indexes, SQLite): a decision, never a bucket. */
/** Where a folder the proxy served from disk goes (rules/served-folders.ts). */
export type FolderHome =
  /**
   * `built`: marked as built from the code wherever it sits (inventory servedFolders[].built);
   * `hiddenBy`: the storage folder whose mount covers it, hiding the image's copy.
   */
  | {
      kind: "image";
      built?: true;
      hiddenBy?: string;
      /** A Django app whose dependencies name no WhiteNoise: nothing in the image serves the folder (served-folders.ts). */
      noServer?: true;
    }
  | { kind: "uploads"; storage: string; bucket?: string; filestore?: string }
  | { kind: "bucket"; bucket: string; backendBucket: string }
  | { kind: "nowhere"; why: string };

export interface ServedFolder {
  path: string;
  folder: string;
  home: FolderHome;
}

export interface InPlacePlan {
  storage: Storage;
  /** Where the app finds the folder inside the container. */
  mountPath: string;
  /** Its subfolders mounted from a bucket all the same (uploads beside the data). */
  mounted: string[];
  /** Inventory services that use it. */
  services: string[];
  /** Its decision is taken: a Filestore share (storage[].inPlaceHome). */
  decided?: boolean;
}

export const REQUEST_SECONDS = 0.2;
export const TASKS_PER_REQUEST = 0.02;
/** Cloud Run scales out before an instance is full; plan for 60 % of the concurrency setting. */
export const TARGET_UTILISATION = 0.6;
export const PORT = 8080;
export const HEALTH_PATH = "/healthz";

export interface Draft {
  inv: Inventory;
  audit: AuditResult | undefined;
  topo: Topology;
  /** What each process becomes (processes.ts), in inventory order. */
  plans: ProcessPlan[];
  /** Where each broker and cache goes, use by use (store-homes.ts). */
  stores: StoreHome[];
  celery: CeleryMode;
  /** The app's images per runtime (src/image): each process's argv in its image. */
  images: ImagePlan;
  base: string;
  project: { id: string; placeholder: boolean };
  services: DeployTarget[];
  queues: Queue[];
  schedules: Schedule[];
  database?: DatabaseTarget;
  /** The app's SQLite file and where its data goes (rules/sqlite.ts). */
  sqlite?: SqlitePlan;
  loadBalancer?: LoadBalancer;
  caches: Cache[];
  network?: Network;
  buckets: Bucket[];
  /** Filestore shares for data written in place whose decision chose Filestore (rules/in-place-home.ts). */
  filestores?: Filestore[];
  /** Files on the VM holding a secret the repository lacks (rules/secret-files.ts). */
  secretFiles: SecretFileMount[];
  /** The app's repository (read-only), when at hand: its config files name the settings it reads. */
  repoDir?: string;
  mapping: MappingEntry[];
  assumptions: string[];
  /**
   * Why no process runs on Cloud Run, when none does (contracts/process-homes.ts): the design then
   * says what still moves (the database, the files) and leaves the rest to its open decisions.
   */
  nothing?: string;
  /** Facts the decisions and narrative quote (connection budget, worker model, …). */
  notes: {
    connectionBudget?: {
      perInstance: Record<string, number>;
      total: number;
      max: number;
      capped: string[];
      /** The tier the traffic alone asked for, when the connections needed a larger one. */
      raisedFrom?: string;
      /**
       * Targets whose client library opens more than the budget counts by default (or has no
       * limit): the design tells each to set its pool to `count` (rules/client-pools.ts).
       */
      pools?: Record<string, { library: string; max: number | undefined; setting: string; count: number }>;
    };
    /** Worker pools whose thread count is known (a flag, Sidekiq's config file or default), each thread a connection. */
    workerThreads?: Record<string, { threads: number; source: string; connections?: number }>;
    /** Dispatch deadline of the Cloud Tasks queue that replaces the broker (Celery pushed). */
    taskDeadlineSeconds?: number;
    dbHaReason?: string;
    databaseService?: string;
    /** Set when the source is not the target's engine (MariaDB → Cloud SQL for MySQL): "MariaDB 10.11". */
    sourceEngine?: string;
    replicaReason?: string;
    /** The AI worker planned for model calls (rules/ai-worker.ts), when the inventory calls a model. */
    ai?: AiWorkerNote;
    /** User-file folders moved to Cloud Storage (rules/storage.ts). */
    storage?: StoragePlan[];
    /** Folders whose data is written in place: no bucket carries them (rules/in-place-decision.ts). */
    inPlace?: InPlacePlan[];
    /** Where each folder the proxy served from disk goes (rules/served-folders.ts). */
    servedFolders?: ServedFolder[];
    /** Environment values the design set per target (rules/app-env.ts). */
    env?: Record<string, EnvPlan>;
    /** What the web service's image start also runs, and what it runs instead, by target (rules/supervised-start.ts). */
    startNotes?: Record<string, string>;
  };
}

export function newDraft(
  inv: Inventory,
  audit: AuditResult | undefined,
  celery: CeleryMode = "keep",
  images: ImagePlan = { images: [], health: {}, mainDockerfile: "Dockerfile" },
): Draft {
  const project = projectId(inv);
  const assumptions: string[] = [];
  if (project.placeholder)
    assumptions.push(
      `The inventory names no GCP project; "${project.id}" is a placeholder to replace in target.project.`,
    );
  const sqlite = planSqlite(inv);
  // Processes that open a SQLite file the app cannot move to a server database stay off Cloud Run.
  const plans = planProcesses(inv, celery).map((p) =>
    sqlite?.move === "decision" && sqlite.openers.includes(p.service.name)
      ? { service: p.service, target: { kind: "decision" as const, topic: "sqlite-file" as const } }
      : p,
  );
  return {
    ...(sqlite ? { sqlite } : {}),
    inv,
    audit,
    topo: topology(inv),
    plans,
    stores: planStoreHomes(inv, plans),
    celery,
    images,
    base: baseName(inv),
    project,
    services: [],
    queues: [],
    schedules: [],
    caches: [],
    buckets: [],
    secretFiles: [],
    mapping: [],
    assumptions,
    notes: {},
  };
}

export function taskSeconds(inv: Inventory): number {
  const l = inv.llm?.latencySeconds;
  return l ? (l[0] + l[1]) / 2 : 2;
}

export const clamp = (x: number, lo: number, hi: number): number => Math.min(hi, Math.max(lo, x));

/** Argv for the container, or undefined when a token would not pass the contract's pattern. */
export function safeArgv(tokens: (string | number)[]): string[] | undefined {
  const argv = tokens.map(String);
  return argv.length > 0 && argv.length <= 40 && argv.every((t) => /^[A-Za-z0-9_.:=\/@%+,-]{1,200}$/.test(t))
    ? argv
    : undefined;
}
