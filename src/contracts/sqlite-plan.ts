// Where the data of an app's SQLite file goes, read from the inventory alone: the processes that open
// it, and whether the app's framework takes a server database through its settings (then Cloud SQL)
// or not (then those processes stay off Cloud Run). Outside the phases' folders: the phase registry
// asks nothingForCloudRun while the CLI starts, and must load no phase (test/e2e/startup.test.ts).
import type { DataStore, Inventory, Service } from "../inventory/schema.js";
import { fileDatabaseLabel, isFileDatabase } from "../inventory/file-database.js";

/** Roles of the processes the app runs (not its proxy or its stores). */
const PROCESS_ROLES: ReadonlySet<string> = new Set(["web", "worker", "scheduler", "cron", "other"]);

export type SqliteStack = "django" | "rails" | "laravel";

export interface SqlitePlan {
  store: DataStore;
  /** The inventory services that open the file. */
  openers: string[];
  /** cloud-sql: the app moves to Cloud SQL for PostgreSQL; decision: its openers stay off Cloud Run. */
  move: "cloud-sql" | "decision";
  /** The framework whose settings switch the engine (cloud-sql only). */
  stack?: SqliteStack;
}

/** The framework of a process that reads its database from settings, or undefined. */
export function sqliteStack(s: Service): SqliteStack | undefined {
  const text = `${s.framework ?? ""} ${s.software} ${s.command ?? ""}`.toLowerCase();
  if (/django|manage\.py/.test(text)) return "django";
  if (/\brails\b|puma|sidekiq|good_job|solid_queue/.test(text) && s.runtime === "ruby") return "rails";
  if (/laravel|artisan/.test(text)) return "laravel";
  return undefined;
}

/** The file database of the inventory, its openers, and where its data goes. */
export function planSqlite(inv: Inventory): SqlitePlan | undefined {
  const store = inv.data.find((d) => isFileDatabase(d.engine));
  if (!store) return undefined;
  const named = new Set([store.service, ...(store.services ?? [])]);
  // Without a list, every process of the app may open it (cron jobs run the same code).
  const openers = inv.services
    .filter(
      (s) => PROCESS_ROLES.has(s.role) && (store.services?.length ? named.has(s.name) : s.runtime || named.has(s.name)),
    )
    .map((s) => s.name);
  // Beside a server database its openers already use, the file is not the framework's database
  // (that one is the server's): it is a store of its own, such as Huey's SqliteHuey queue, which
  // no database setting moves.
  if (besideServerDatabase(inv, openers)) return { store, openers, move: "decision" };
  const stacks = inv.services.filter((s) => openers.includes(s.name)).map(sqliteStack);
  const stack = stacks.find((x) => x !== undefined);
  // Every opener must run the framework (a Node sidecar opening the same file cannot follow a Django switch).
  // The frameworks' switches are SQLite's (an H2 app is a JVM app with settings of its own).
  const switchable =
    stack !== undefined && stacks.every((x) => x === stack) && fileDatabaseLabel(store.engine) === "SQLite";
  return switchable ? { store, openers, move: "cloud-sql", stack } : { store, openers, move: "decision" };
}

/** Whether an opener of the file depends on a server database of the inventory (not a file). */
export function besideServerDatabase(inv: Inventory, openers: readonly string[]): boolean {
  const servers = new Set(inv.data.filter((x) => !isFileDatabase(x.engine)).map((x) => x.service));
  return inv.services.some((s) => openers.includes(s.name) && s.dependsOn.some((x) => servers.has(x)));
}

/** The file's engine in prose: "SQLite" or "H2". */
export const fileLabel = (p: SqlitePlan): string => fileDatabaseLabel(p.store.engine);

/** Where the file is, in words: "the SQLite file /opt/app/data/kuma.db" or "the H2 file (its path is not in the inventory)". */
export const sqliteFileText = (p: SqlitePlan): string =>
  p.store.path
    ? `the ${fileLabel(p)} file ${p.store.path}`
    : `the ${fileLabel(p)} file (its path is not in the inventory)`;

/**
 * Why nothing of this app can run on Cloud Run: every process opens a SQLite file the app cannot
 * move to a server database (Uptime Kuma). Then there is nothing to deploy or observe on Cloud Run,
 * and the design's open decision (a VM with a persistent disk, or a server database) comes first.
 */
export function nothingForCloudRun(inv: Inventory): string | undefined {
  const plan = planSqlite(inv);
  if (plan?.move !== "decision") return undefined;
  const processes = inv.services.filter((s) => PROCESS_ROLES.has(s.role));
  if (processes.length === 0 || !processes.every((s) => plan.openers.includes(s.name))) return undefined;
  return `every process (${plan.openers.join(", ")}) opens ${sqliteFileText(plan)}, which no Cloud Run volume keeps safely, so nothing runs on Cloud Run until the design's open decision is taken (docs/migration/design/architecture.md)`;
}
