// Answers → an inventory v1 object (src/inventory/schema.ts), keys in the documented order so the
// written file reads like the example. The database answer becomes a `data` entry pointing at a
// database service, which is added when the service list has none for that engine.
import { DEFAULT_PORTS, uniqueName } from "../detect/merge.js";
import { isFileDatabase, type InventoryInput } from "../inventory/schema.js";
import type { Answers, ServiceAnswer } from "./answers.js";

const STORE_ROLES = new Set(["database", "cache", "broker"]);
const APP_ROLES = new Set(["web", "worker", "scheduler", "cron"]);

/** Keeps dependsOn pointing at services that still exist; services with none get them by role. */
export function linkServices(services: ServiceAnswer[]): ServiceAnswer[] {
  const names = new Set(services.map((s) => s.name));
  const stores = services.filter((s) => STORE_ROLES.has(s.role)).map((s) => s.name);
  const webs = services.filter((s) => s.role === "web").map((s) => s.name);
  return services.map((s) => {
    const kept = s.dependsOn.filter((d) => names.has(d) && d !== s.name);
    // A process from another checkout that names no store of its own reaches none (folder-stores.ts).
    if (kept.length || s.ownStores) return { ...s, dependsOn: kept };
    const byRole = s.role === "reverse-proxy" ? webs : APP_ROLES.has(s.role) ? stores : [];
    return { ...s, dependsOn: byRole.filter((d) => d !== s.name) };
  });
}

function withDatabaseService(
  services: ServiceAnswer[],
  answers: Answers,
): { services: ServiceAnswer[]; dbService?: string } {
  const engine = answers["database.engine"];
  if (!engine || engine === "none") return { services };
  if (isFileDatabase(engine)) return { services, dbService: fileDatabaseOpener(services, answers) };
  const version = answers["database.version"];
  const existing =
    services.find((s) => s.role === "database" && s.software === engine) ?? services.find((s) => s.role === "database");
  if (existing) {
    const updated = services.map((s) => (s === existing && !s.version && version ? { ...s, version } : s));
    return { services: updated, dbService: existing.name };
  }
  const name = uniqueName(engine, new Set(services.map((s) => s.name)));
  const port = DEFAULT_PORTS[engine];
  const added: ServiceAnswer = {
    name,
    role: "database",
    software: engine,
    ...(version ? { version } : {}),
    listen: port ? [`127.0.0.1:${port}`] : [],
    dependsOn: [],
  };
  return { services: [...services, added], dbService: name };
}

/** A SQLite file has no server: its `service` is the first process that opens it (the web process). */
function fileDatabaseOpener(services: ServiceAnswer[], answers: Answers): string | undefined {
  const names = new Set(services.map((s) => s.name));
  const openers = (answers.sqliteFile?.services ?? []).filter((n) => names.has(n));
  const app = services.filter((s) => APP_ROLES.has(s.role));
  return openers[0] ?? (app.find((s) => s.role === "web") ?? app[0] ?? services[0])?.name;
}

function fileDatabaseFields(services: ServiceAnswer[], answers: Answers): Record<string, unknown> {
  const names = new Set(services.map((s) => s.name));
  const openers = (answers.sqliteFile?.services ?? []).filter((n) => names.has(n));
  return { path: answers.sqliteFile?.path, ...(openers.length ? { services: openers } : {}) };
}

function serviceEntry(s: ServiceAnswer): Record<string, unknown> {
  return {
    name: s.name,
    role: s.role,
    software: s.software,
    ...(s.version ? { version: s.version } : {}),
    ...(s.systemdUnit ? { systemdUnit: s.systemdUnit } : {}),
    ...(s.command ? { command: s.command } : {}),
    ...(s.listen.length ? { listen: s.listen } : {}),
    ...(s.dependsOn.length ? { dependsOn: s.dependsOn } : {}),
    ...(s.env?.length ? { env: s.env } : {}),
    ...(s.emptyEnv?.length ? { emptyEnv: s.emptyEnv } : {}),
    ...(s.plainEnv?.length ? { plainEnv: s.plainEnv } : {}),
    ...(s.unitEnv?.length ? { unitEnv: s.unitEnv } : {}),
    ...(s.envFile ? { envFile: s.envFile } : {}),
    ...(s.workingDir ? { workingDir: s.workingDir } : {}),
    ...(s.schedule ? { schedule: s.schedule } : {}),
    ...(s.runtime ? { runtime: s.runtime } : {}),
    ...(s.framework ? { framework: s.framework } : {}),
    ...(s.packageManager ? { packageManager: s.packageManager } : {}),
    ...(s.protocols?.length ? { protocols: s.protocols } : {}),
    ...(s.uwsgiSocket ? { uwsgiSocket: s.uwsgiSocket } : {}),
    ...(s.rawPorts?.length ? { rawPorts: s.rawPorts } : {}),
    ...(s.longRunning !== undefined ? { longRunning: s.longRunning } : {}),
    ...(s.usedFor?.length ? { usedFor: s.usedFor } : {}),
    ...(s.maxRequestBodyMiB !== undefined ? { maxRequestBodyMiB: s.maxRequestBodyMiB } : {}),
    ...(s.internalFolders?.length ? { internalFolders: s.internalFolders } : {}),
    ...(s.servedFolders?.length ? { servedFolders: s.servedFolders } : {}),
    ...(s.urlPath ? { urlPath: s.urlPath } : {}),
    ...(s.phpIni ? { phpIni: s.phpIni } : {}),
    ...(s.sessionStore ? { sessionStore: s.sessionStore } : {}),
    ...(s.cacheStore ? { cacheStore: s.cacheStore } : {}),
    ...(s.inProcessJobs ? { inProcessJobs: s.inProcessJobs } : {}),
    ...(s.outboundMail ? { outboundMail: s.outboundMail } : {}),
    ...(s.singleInstance ? { singleInstance: s.singleInstance } : {}),
    ...(s.runsOnce ? { runsOnce: true } : {}),
    ...(s.build ? { build: s.build } : {}),
    ...(s.image ? { image: s.image } : {}),
    ...(s.extensions?.length ? { extensions: s.extensions } : {}),
    ...(s.beforeStart?.length ? { beforeStart: s.beforeStart } : {}),
    ...(s.instances ? { instances: s.instances } : {}),
    ...(s.capacity ? { capacity: s.capacity } : {}),
    ...(s.routes?.length ? { routes: s.routes } : {}),
  };
}

/** The server's databases, each with the processes the inventory still has; only when two or more remain. */
function serverDatabaseFields(services: ServiceAnswer[], answers: Answers): Record<string, unknown> {
  const names = new Set(services.map((s) => s.name));
  const databases = (answers.serverDatabases ?? [])
    .map((x) => ({ name: x.name, services: x.services.filter((n) => names.has(n)) }))
    .filter((x) => x.services.length > 0);
  return databases.length >= 2 ? { databases } : {};
}

const defined = (o: Record<string, unknown>) =>
  Object.fromEntries(Object.entries(o).filter(([, v]) => v !== undefined));

export function buildInventory(answers: Answers): InventoryInput {
  const { services, dbService } = withDatabaseService(answers.services ?? [], answers);
  const linked = linkServices(services);
  const data = dbService
    ? [
        defined({
          service: dbService,
          engine: answers["database.engine"],
          version: answers["database.version"],
          sizeGiB: answers["database.sizeGiB"],
          backups: answers["database.backups"] ?? "none",
          ...(isFileDatabase(answers["database.engine"] ?? "") ? fileDatabaseFields(linked, answers) : {}),
          ...serverDatabaseFields(linked, answers),
        }),
      ]
    : [];
  const llm = answers["llm.useCase"]
    ? defined({
        useCase: answers["llm.useCase"],
        latencySeconds: answers["llm.latencySeconds"],
        provider: answers["llm.provider"] ?? "vertex-ai",
      })
    : undefined;
  return defined({
    apiVersion: "infra-migrate/v1",
    kind: "Inventory",
    metadata: { name: answers.name! },
    ...(answers.host && Object.keys(answers.host).length ? { host: defined({ ...answers.host }) } : {}),
    services: linked.map(serviceEntry),
    data,
    deploy: defined({
      method: answers["deploy.method"],
      durationMinutes: answers["deploy.durationMinutes"],
      perWeek: answers["deploy.perWeek"],
      rollback: answers["deploy.rollback"],
    }),
    traffic: defined({ peakRps: answers["traffic.peakRps"], growth: answers["traffic.growth"] }),
    team: defined({ engineers: answers["team.engineers"], kubernetes: answers["team.kubernetes"] ?? false }),
    target: defined({
      cloud: "gcp",
      project: answers["target.project"],
      region: answers["target.region"],
      service: answers["target.service"],
      github: answers["target.github"],
      businessHours: answers["target.businessHours"],
    }),
    llm,
    ...(answers.storage?.length ? { storage: answers.storage.map((s) => defined({ ...s })) } : {}),
    ...(answers.secretFiles?.length ? { secretFiles: answers.secretFiles.map((s) => defined({ ...s })) } : {}),
    ...(answers.buildInputs?.length ? { buildInputs: answers.buildInputs.map((b) => defined({ ...b })) } : {}),
    ...(answers.provenance && Object.keys(answers.provenance).length ? { provenance: answers.provenance } : {}),
  }) as InventoryInput;
}
