// A rerun of `init` starts from the answers already in the repository: the inventory and config
// it wrote before (or a person wrote by hand) are read back into answers, so each question
// offers the saved value and a person changes only what is wrong. A value the inventory marks as
// assumed was never given by anyone, so it is not offered as a saved answer.
import { readFile } from "node:fs/promises";
import path from "node:path";
import { parse as parseYaml } from "yaml";
import { CONFIG_FILE, DEFAULT_INVENTORY, loadConfig, type Config } from "../config/config.js";
import { InputError } from "../errors.js";
import { parseInventory } from "../inventory/load.js";
import { isFileDatabase, type Inventory, type Service } from "../inventory/schema.js";
import type { AnswerKey, Answers, ServiceAnswer } from "./answers.js";
import { provenanceKeyFor } from "./provenance.js";

export interface SavedFile {
  /** Repository-relative path. */
  path: string;
  text: string;
  /** The document as written (no defaults, no redaction): what a rerun must keep. */
  raw: unknown;
}

export interface SavedProject {
  answers: Answers;
  inventory?: SavedFile;
  config?: SavedFile & { config: Partial<Config> };
  /** Files that exist but could not be read back, with the reason: init starts from the repository instead. */
  unreadable: { path: string; reason: string }[];
}

const DATABASE_ENGINES = new Set([
  "mysql",
  "postgres",
  "postgresql",
  "mariadb",
  "mongodb",
  "sqlserver",
  "sqlite",
  "h2",
]);

function serviceAnswer(s: Service): ServiceAnswer {
  const { name, role, software, version, command, systemdUnit, listen, dependsOn, schedule, env } = s;
  const optional = {
    version,
    command,
    systemdUnit,
    envFile: s.envFile,
    workingDir: s.workingDir,
    emptyEnv: s.emptyEnv,
    plainEnv: s.plainEnv,
    unitEnv: s.unitEnv,
    schedule,
    runtime: s.runtime,
    framework: s.framework,
  };
  const extra = {
    packageManager: s.packageManager,
    protocols: s.protocols,
    rawPorts: s.rawPorts,
    longRunning: s.longRunning,
    usedFor: s.usedFor,
    maxRequestBodyMiB: s.maxRequestBodyMiB,
    internalFolders: s.internalFolders,
    servedFolders: s.servedFolders,
    urlPath: s.urlPath,
    phpIni: s.phpIni,
    sessionStore: s.sessionStore,
    cacheStore: s.cacheStore,
    inProcessJobs: s.inProcessJobs,
    outboundMail: s.outboundMail,
    singleInstance: s.singleInstance,
    runsOnce: s.runsOnce,
    build: s.build,
    image: s.image,
    extensions: s.extensions,
    beforeStart: s.beforeStart,
    instances: s.instances,
    capacity: s.capacity,
    routes: s.routes,
  };
  return {
    name,
    role,
    software,
    listen,
    dependsOn,
    ...(env.length ? { env } : {}),
    ...Object.fromEntries(Object.entries({ ...optional, ...extra }).filter(([, v]) => v !== undefined)),
  };
}

/** The inventory read back into answers, leaving out the values its provenance calls assumed. */
export function answersFromInventory(inv: Inventory): Answers {
  const services = inv.services.map(serviceAnswer);
  const roles = new Map(inv.services.map((s) => [s.name, s.role]));
  const db =
    inv.data.find((d) => roles.get(d.service) === "database") ?? inv.data.find((d) => DATABASE_ENGINES.has(d.engine));
  const answers: Answers = {
    name: inv.metadata.name,
    services,
    "database.engine": db?.engine ?? "none",
    ...(db ? { "database.version": db.version, "database.sizeGiB": db.sizeGiB, "database.backups": db.backups } : {}),
    ...(db && isFileDatabase(db.engine)
      ? { sqliteFile: { ...(db.path ? { path: db.path } : {}), ...(db.services ? { services: db.services } : {}) } }
      : {}),
    ...(db?.databases ? { serverDatabases: db.databases } : {}),
    "host.monthlyCostUsd": inv.host.monthlyCostUsd,
    "host.cpus": inv.host.cpus,
    "host.memoryGiB": inv.host.memoryGiB,
    "deploy.method": inv.deploy.method,
    "deploy.durationMinutes": inv.deploy.durationMinutes,
    "deploy.perWeek": inv.deploy.perWeek,
    "deploy.rollback": inv.deploy.rollback,
    "traffic.peakRps": inv.traffic.peakRps,
    "traffic.growth": inv.traffic.growth,
    "team.engineers": inv.team.engineers,
    "team.kubernetes": inv.team.kubernetes,
    "target.project": inv.target.project,
    "target.region": inv.target.region,
    "target.service": inv.target.service,
    "target.github": inv.target.github,
    "target.businessHours": inv.target.businessHours,
    ...(inv.llm?.useCase
      ? {
          "llm.useCase": inv.llm.useCase,
          "llm.latencySeconds": inv.llm.latencySeconds as [number, number] | undefined,
          "llm.provider": inv.llm.provider,
        }
      : {}),
  };
  for (const key of Object.keys(answers) as AnswerKey[]) {
    const at = provenanceKeyFor(key, answers);
    if (answers[key] === undefined || (at && inv.provenance?.[at]?.from === "assumed")) delete answers[key];
  }
  return answers;
}

async function readIfThere(file: string): Promise<string | undefined> {
  return readFile(file, "utf8").catch((error: NodeJS.ErrnoException) => {
    if (error.code === "ENOENT") return undefined;
    throw error;
  });
}

const reasonOf = (error: unknown) =>
  error instanceof InputError ? error.message.split("\n").slice(0, 3).join("; ") : String(error);

/** Reads the inventory and config in `outDir`, when there are any. Never throws on their content. */
export async function readSavedProject(outDir: string): Promise<SavedProject> {
  const saved: SavedProject = { answers: {}, unreadable: [] };
  const inventoryText = await readIfThere(path.join(outDir, DEFAULT_INVENTORY));
  if (inventoryText !== undefined) {
    try {
      const { inventory } = parseInventory(inventoryText, DEFAULT_INVENTORY);
      saved.answers = answersFromInventory(inventory);
      saved.inventory = { path: DEFAULT_INVENTORY, text: inventoryText, raw: parseYaml(inventoryText) };
    } catch (error) {
      saved.unreadable.push({ path: DEFAULT_INVENTORY, reason: reasonOf(error) });
    }
  }
  const configText = await readIfThere(path.join(outDir, CONFIG_FILE));
  if (configText !== undefined) {
    try {
      const { config } = await loadConfig(outDir, CONFIG_FILE);
      if (config.provider) saved.answers.provider = config.provider;
      saved.config = { path: CONFIG_FILE, text: configText, raw: parseYaml(configText), config };
    } catch (error) {
      saved.unreadable.push({ path: CONFIG_FILE, reason: reasonOf(error) });
    }
  }
  return saved;
}
