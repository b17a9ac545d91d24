// From the findings of every file to the facts `init` proposes. With the VM read (`--from-host`),
// what is on the VM is the service list: the repository's Procfile, compose files, sample units
// and nginx configs only describe other ways to run the app (CI, Docker, Heroku), so they are
// evidence, never services. Without the VM, the repository is all there is and is merged.
import { readdir } from "node:fs/promises";
import path from "node:path";
import { emptyContext, hasPackage, readAppFiles, type AppContext, type Ecosystem } from "./app-context.js";
import { readHostFile } from "./host.js";
import { listRepoFiles, readSmallText } from "./walk.js";
import { enrichService, isGoBinary, settingsBase, settingsOf, type EnrichContext } from "./enrich.js";
import { mergeServices } from "./merge.js";
import { unionNames } from "./systemd.js";
import { sanitiseName } from "./procfile.js";
import type { DependencyFacts } from "./dependencies.js";
import { detectStorage, pythonFolderSettings, workingDirectoryFolders } from "./storage.js";
import { djangoStaticRoots } from "./django-static.js";
import { composeDirOnVm, composeStorage, isComposeLauncher } from "./compose-storage.js";
import { DATA_DIRECTORY_KEY, PHP_CONFIG_FILE, phpConfigFolders } from "./php-config-folders.js";
import { markInProcessScheduler, markSingleInstance } from "./single-instance.js";
import { NCONF_SEPARATOR, settingsFolders } from "./json-settings.js";
import { currentRelease, hasManifest, RELEASE_LINK } from "./release-dir.js";
import { amqpUses, deploymentEnv, engineFromEnv, redisUses } from "./store-uses.js";
import { listensFromPortNames } from "./server-config.js";
import { claimLastProxiedPort, dropRefusedWebsocket } from "./proxied-port.js";
import { plainEnvOf } from "./plain-values.js";
import { outboundMailOf } from "./outbound-mail.js";
import { frameworkMailDefault } from "./mail-defaults.js";
import type { LocalMta } from "./local-mta.js";
import { frameworkDefaultText } from "../contracts/process-homes.js";
import { detectSqlite, sqliteUsers } from "./sqlite.js";
import { detectCacheStore } from "./cache-store.js";
import { detectInProcessJobs } from "./in-process-jobs.js";
import { repositoryShipsUnit } from "./shipped-unit.js";
import { detectSessionStore } from "./session-store.js";
import { storesReached } from "./folder-stores.js";
import { absolutePaths } from "../image/app-root.js";
import { serverDatabases } from "./server-databases.js";
import type { DetectedFacts, DetectedService, Evidence, ServiceFinding } from "./types.js";
import type { Storage } from "../inventory/schema.js";

export interface AssembleInput {
  findings: ServiceFinding[];
  deps: DependencyFacts;
  nodeStart?: string;
  app: AppContext;
  hostRead: boolean;
  /** The app's folder on the VM, when the app files read are the VM's own. */
  appPath?: string;
  readConfig: EnrichContext["readConfig"];
  /** Lists a folder on the VM (a data folder a settings file names: settings-data-dir.ts). */
  listDir?: EnrichContext["listDir"];
  evidence: Evidence[];
  /** The mail server on the VM (local-mta.ts), which the app's mail may go through. */
  mta?: LocalMta;
}

export interface Assembled {
  services: DetectedService[];
  database?: DetectedFacts["database"];
  storage: Storage[];
}

const DATA_ENGINES = new Set(["postgres", "mysql", "mariadb", "mongodb"]);

/** `redash-worker@1.service` and `@2` are instances of one templated unit: one service. */
function oneInstancePerTemplate(findings: ServiceFinding[]): ServiceFinding[] {
  const seen = new Set<string>();
  return findings.filter((f) => {
    // An instance whose command names it (`--queue=%i`) is work of its own (systemd.ts templateInstances).
    if (!f.systemdUnit?.includes("@") || f.templateInstance) return true;
    const template = f.systemdUnit.replace(/@[^.]*\.service$/, "@.service");
    if (seen.has(template)) return false;
    seen.add(template);
    f.systemdUnit = template;
    f.name = sanitiseName(template.replace(/@\.service$/, "")) || f.name;
    return true;
  });
}

/** The VM's enabled container engine unit (docker.service, podman.service), when it has one. */
function dockerUnit(findings: readonly ServiceFinding[]): string | undefined {
  return findings.find(
    (f) => f.onHost && /^(docker|podman|containerd)\.(service|socket)$/.test(path.posix.basename(f.systemdUnit ?? "")),
  )?.systemdUnit;
}

const COMPOSE_FILE = /^(docker-)?compose(\.[\w-]+)?\.ya?ml$/;

/**
 * A VM whose app runs in containers (Docker enabled, and no unit, supervisor program, pm2 app or
 * web server process of the app on it) runs what its compose file says: the repository's compose
 * services are then what runs, not samples (a very common deployment: `docker compose up -d` with
 * restart policies, no unit of the app's own). Nothing is taken when the VM runs the app otherwise.
 */
function composeOnDocker(all: readonly ServiceFinding[], findings: readonly ServiceFinding[]): ServiceFinding[] {
  if (!dockerUnit(all)) return [];
  const app = findings.filter((f) => f.onHost && !f.packaged && ["web", "worker", "scheduler"].includes(f.role));
  if (app.length) return [];
  // The VM's own compose file (the one a unit starts) is what runs; the repository's is a copy.
  const onVm = findings.filter((f) => f.vmCompose);
  if (onVm.length) return onVm;
  return findings.filter((f) => !f.onHost && COMPOSE_FILE.test(path.posix.basename(f.source)));
}

export async function assemble(input: AssembleInput): Promise<Assembled> {
  const { app, hostRead, evidence } = input;
  // A packaged unit counts when it runs the app: its Go binary, or the unit the repository ships (shipped-unit.ts).
  let findings = oneInstancePerTemplate(input.findings).filter(
    (f) => !f.packaged || isGoBinary(f, app) || repositoryShipsUnit(f, input.findings),
  );
  // pm2 started the app N times (a dump holds one entry per process): N processes of one kind.
  for (const f of findings) if (f.pm2 && f.pm2.instances > 1) f.instances ??= f.pm2.instances;
  let composedStorage: Storage[] = [];
  if (hostRead) {
    const composed = composeOnDocker(input.findings, findings);
    for (const f of composed) f.onHost = true;
    if (composed.length)
      evidence.push({
        file: composed[0]!.source,
        found: `the VM runs Docker (${dockerUnit(input.findings)}) and no unit, supervisor program or pm2 app runs the app: ${composed.map((f) => f.name).join(", ")} from this compose file are taken as what runs there (check they are the VM's containers)`,
      });
    const { storage, unplaced } = composeStorage(composed, composeDirOnVm(input.findings));
    // The unit that runs `docker compose up` only starts the containers taken above.
    if (composed.length) findings = findings.filter((f) => !isComposeLauncher(f));
    composedStorage = storage;
    if (unplaced.length)
      evidence.push({
        file: composed[0]!.source,
        found: `user files in compose volumes (${unplaced.join(", ")}): the compose file's folder on the VM is not known, so neither is where they are on its disk; set storage[].hostPath before the copy`,
      });
    for (const sample of findings.filter((f) => !f.onHost))
      evidence.push({
        file: sample.source,
        found: `${sample.name} (${sample.software}): a sample in the repository, not on the VM`,
      });
    findings = findings.filter((f) => f.onHost);
  }
  const proxyTargets = new Set(findings.flatMap((f) => f.proxiesToPorts ?? []));
  // Only the VM's own sites say whether the Upgrade header reaches the app (a repository's sample may not).
  const onHostProxies = findings.filter((f) => f.onHost && f.software === "nginx" && f.proxiesToPorts?.length);
  const upgradedPorts = onHostProxies.length
    ? new Set(onHostProxies.flatMap((f) => f.websocketPorts ?? []))
    : undefined;
  const websocketRoutePorts = new Set(onHostProxies.flatMap((f) => f.websocketRoutePorts ?? []));
  const websocketOnlyPorts = new Set(onHostProxies.flatMap((f) => f.websocketOnlyPorts ?? []));
  for (const finding of findings)
    await enrichService(finding, {
      app: contextOf(finding, app),
      proxyTargets,
      upgradedPorts,
      websocketRoutePorts,
      websocketOnlyPorts,
      readConfig: input.readConfig,
      ...(input.listDir ? { listDir: input.listDir } : {}),
    });
  // A process from another checkout reaches the stores its own packages and settings name, not all.
  for (const finding of findings) {
    const own = contextOf(finding, app);
    if (own !== app && !finding.dependsOn?.length) {
      finding.dependsOn = storesReached(finding, own, findings);
      finding.ownStores = true;
    }
  }
  for (const finding of findings) addAppEnvFile(finding, app, evidence);
  // A web process still without an address: the ports its own env file names (server-config.ts).
  for (const finding of findings.filter((f) => f.role === "web" && f.listen.length === 0)) {
    const file = app.hostEnvFiles.find((f) => f.path === finding.envFile);
    finding.listen = listensFromPortNames({ ...file?.values, ...finding.envValues }, proxyTargets);
  }
  claimLastProxiedPort(findings, proxyTargets);
  for (const finding of findings.filter((f) => f.role === "web"))
    dropRefusedWebsocket(finding, proxyTargets, upgradedPorts);
  for (const finding of findings) addJsonSettingNames(finding, app, evidence);
  markSingleInstance(findings, app, evidence);
  markInProcessScheduler(findings, app, evidence);
  for (const finding of findings) markEmptyEnv(finding, app);
  for (const finding of findings) markOutboundMail(finding, findings, app, input.mta, evidence);

  // On the VM, nothing is guessed from packages: a process that is not there does not run.
  const merged = mergeServices(
    findings,
    hostRead ? { frameworks: [], versions: input.deps.versions } : input.deps,
    input.nodeStart,
  );
  if (hostRead) {
    // Drivers for several engines (an ORM's dialects): the database is expected only when none of
    // those engines runs on the VM.
    const runs = (e: string) => merged.some((s) => s.software === e || (e === "mysql" && s.software === "mariadb"));
    const dbExpected = input.deps.database && !(input.deps.databases ?? []).some(runs);
    const expected = [
      ...(dbExpected ? [input.deps.database!] : []),
      ...(input.deps.frameworks.includes("redis") ? ["redis"] : []),
    ];
    // Packages name a web framework but nothing on the VM runs the app (no unit, supervisor program
    // or pm2 app): it may run in containers or under a manager init does not read; say so instead
    // of inventing a service.
    const appFramework = input.deps.frameworks.find((f) =>
      ["django", "flask", "fastapi", "express", "next", "koa", "fastify", "nestjs"].includes(f),
    );
    if (appFramework && !merged.some((s) => s.role === "web" || s.role === "worker"))
      evidence.push({
        file: "dependencies",
        found: `the app's packages name ${appFramework}, but no unit on the VM runs the app, nor a supervisor program or a pm2 app (containers, or pm2 without a saved process list?): add its services (--service)`,
      });
    for (const store of expected.filter((e) => !runs(e)))
      evidence.push({
        file: "dependencies",
        found: `the app's packages use ${store}, but none runs on the VM: add it (--service) if it runs on another machine`,
      });
  }
  const env = deploymentEnv(findings, app);
  const redis = merged.filter((s) => s.software === "redis");
  if (redis.length) {
    const uses = redisUses(findings, app, env);
    for (const r of redis) {
      if (uses.length) r.usedFor = uses;
      r.role = uses.includes("broker") ? "broker" : "cache";
    }
  }
  for (const r of merged.filter((s) => s.software === "rabbitmq")) {
    const uses = amqpUses(findings, app, env);
    if (uses.length) r.usedFor = uses;
  }
  addSessionStore(merged, app, env, evidence, findings.find((f) => f.phpSessionHandler)?.phpSessionHandler);
  addCacheStore(merged, app, env, evidence);
  addInProcessJobs(merged, app, evidence);
  const db = merged.find((s) => s.role === "database" && DATA_ENGINES.has(s.software));
  const engine = db?.software ?? engineFromEnv(env) ?? (hostRead ? undefined : input.deps.database);
  const sqlite = detectSqlite(env, app, engine, input.appPath);
  const databases = engine ? serverDatabases(findings, app.env, APP_ROLES) : undefined;
  for (const x of databases ?? []) {
    const first = findings.find((f) => f.name === x.services[0]);
    evidence.push({
      file: first?.envFile ?? first?.source ?? "environment",
      found: `${x.services.join(", ")}: database ${x.name} of the ${engine} server (data[].databases)`,
    });
  }
  const database = engine
    ? {
        engine,
        ...(db?.version ? { version: db.version } : {}),
        source: db?.source ?? (engineFromEnv(env) ? "environment" : "dependencies"),
        ...(databases ? { databases } : {}),
      }
    : sqlite
      ? {
          engine: sqlite.engine ?? "sqlite",
          source: sqlite.source,
          ...(sqlite.path ? { path: sqlite.path } : {}),
          services: sqliteUsers(merged),
        }
      : undefined;
  if (sqlite)
    evidence.push({
      file: sqlite.path ?? sqlite.source,
      found: `${sqlite.engine === "h2" ? "H2" : "SQLite"} database${sqlite.path ? "" : " (file not found: give its path)"}, from ${sqlite.source}: its data lives on this disk`,
    });
  const appFiles = [...app.files];
  const named: Storage[] = app.jsonSettings
    .filter((j) => j.path.startsWith("/"))
    .flatMap((j) =>
      settingsFolders(j.values, settingsBase(j.path)).map((f) => ({
        path: f.path,
        purpose: `${f.key.split(NCONF_SEPARATOR).join(".")} in ${path.posix.basename(j.path)}`,
        ...(f.absolute ? { absoluteSetting: true as const } : {}),
      })),
    );
  for (const f of findings) named.push(...(f.settingsFolders ?? []));
  // Folders a Python settings file sets to an absolute path (storage.ts pythonFolderSettings).
  named.push(...pythonFolderSettings(app.configTexts));
  named.push(...composedStorage);
  // The data folder a PHP app's installer wrote into its config.php (php-config-folders.ts).
  for (const { file, text } of app.configTexts.filter((c) => PHP_CONFIG_FILE.test(c.file)))
    for (const f of phpConfigFolders(text))
      named.push({
        path: f.path,
        purpose: `${f.key} in ${file}`,
        absoluteSetting: true,
        // The app's data directory is a tree it manages as a filesystem: never a bucket.
        ...(DATA_DIRECTORY_KEY.test(f.key) ? { inPlace: [{ path: ".", kind: "files" as const }] } : {}),
      });
  // A template that never got an instance keeps `%i` in its folders: those name no folder.
  for (const f of findings.filter((f) => APP_ROLES.has(f.role)))
    named.push(...(f.stateFolders ?? []).filter((s) => !s.path.includes("%")));
  named.push(
    ...workingDirectoryFolders(
      env,
      findings.filter((f) => APP_ROLES.has(f.role)),
    ),
  );
  // The folders app units run in on the VM, when the repository is read elsewhere and the folder is
  // an installed release (/opt/<app>, no manifest): their conventional upload folders are as much the app's as a checkout's.
  const workDirs = new Set(
    findings
      .filter((f) => APP_ROLES.has(f.role) && f.onHost)
      .map((f) => f.workingDirectory?.replace(/\/+$/, ""))
      .filter((d): d is string => d !== undefined && d.startsWith("/") && d !== input.appPath),
  );
  for (const dir of workDirs) {
    const inside = (app.vmFiles ?? []).filter((f) => f.startsWith(`${dir}/`)).map((f) => f.slice(dir.length + 1));
    // Only an installed release (no manifest: a checkout's own folders are read with its framework).
    if (inside.length && !hasManifest(inside)) named.push(...detectStorage({}, dir, inside));
  }
  const storage = detectStorage(env, input.appPath, appFiles, app.configTexts, named, app.gitignore);
  for (const s of storage) evidence.push({ file: s.path, found: `user files (${s.purpose})` });
  // The folder a proxy serves that Django's settings make STATIC_ROOT holds files built from the
  // code, wherever it sits (Weblate's DATA_DIR/cache/static): never user files (django-static.ts).
  const staticRoots = djangoStaticRoots(app.configTexts, input.appPath, env);
  for (const f of merged)
    for (const served of f.servedFolders ?? [])
      if (staticRoots.includes(served.folder.replace(/(.)\/+$/, "$1"))) {
        served.built = true;
        evidence.push({
          file: served.folder,
          found: `Django's STATIC_ROOT, served at ${served.path}: files built from the code`,
        });
      }
  return { services: merged, ...(database ? { database } : {}), storage };
}

const SESSION_RUNTIME = {
  laravel: "php",
  symfony: "php",
  php: "php",
  django: "python",
  express: "node",
  rails: "ruby",
  flask: "python",
  spring: "java",
} as const;

/** The web processes of the framework's runtime keep sessions where its settings say. */
function addSessionStore(
  services: DetectedService[],
  app: AppContext,
  env: Record<string, string>,
  evidence: Evidence[],
  phpHandler: string | undefined,
): void {
  const found = detectSessionStore(app, env, phpHandler);
  if (!found) return;
  const web = services.filter((s) => s.role === "web" && s.runtime === SESSION_RUNTIME[found.framework]);
  for (const s of web) s.sessionStore = found.store;
  if (web.length)
    evidence.push({
      file: found.source,
      found: `${found.framework} sessions: ${found.store} (${web.map((s) => s.name).join(", ")})`,
    });
}

const CACHE_RUNTIME = { laravel: "php", rails: "ruby", django: "python" } as const;

/**
 * Laravel's and Rails' processes all share the cache (the web's rate limits, the workers' unique
 * jobs and locks, the scheduler's overlap guard); django-ratelimit counts in the web processes only.
 */
function addCacheStore(
  services: DetectedService[],
  app: AppContext,
  env: Record<string, string>,
  evidence: Evidence[],
): void {
  const found = detectCacheStore(app, env);
  if (!found) return;
  const roles = found.framework === "django" ? new Set(["web"]) : APP_ROLES;
  const users = services.filter((s) => roles.has(s.role) && s.runtime === CACHE_RUNTIME[found.framework]);
  for (const s of users) s.cacheStore = found.store;
  if (users.length)
    evidence.push({
      file: found.source,
      found: `${found.framework} cache: ${found.store}, holding ${found.reliedOn} (${users.map((s) => s.name).join(", ")})`,
    });
}

/** Rails' web processes run Active Job's :async work on their own threads. */
function addInProcessJobs(services: DetectedService[], app: AppContext, evidence: Evidence[]): void {
  const found = detectInProcessJobs(app);
  if (!found) return;
  const web = services.filter((s) => s.role === "web" && s.runtime === "ruby");
  for (const s of web) s.inProcessJobs = found.reason.slice(0, 400);
  if (web.length)
    evidence.push({
      file: found.source,
      found: `in-process jobs: ${found.reason} (${web.map((s) => s.name).join(", ")})`,
    });
}

const APP_ROLES = new Set(["web", "worker", "scheduler", "cron", "other"]);

/** Packages that load a .env file into the process's environment, per ecosystem. */
const ENV_LOADERS: Partial<Record<Ecosystem, string[]>> = {
  php: ["laravel/framework", "vlucas/phpdotenv", "symfony/dotenv"],
  ruby: ["dotenv", "dotenv-rails"],
  node: ["dotenv", "dotenv-flow", "@dotenvx/dotenvx", "@nestjs/config", "next", "nuxt", "@adonisjs/core"],
  python: ["python-dotenv", "django-environ", "environs", "python-decouple", "pydantic-settings", "dynaconf"],
};

/**
 * Whether the process loads its folder's env file itself: a loader among the app's packages, or
 * `node --env-file`. Where the app's packages for its runtime are not known (a Go binary, a Java
 * jar, no manifest read), the file beside it is taken to be its settings: a name carried over for
 * nothing costs a secret, a name left behind costs a start.
 */
function loadsEnvFile(finding: ServiceFinding, app: AppContext): boolean {
  const runtime = finding.runtime as Ecosystem;
  if (/--env-file(=|\s)/.test(finding.command ?? "")) return true;
  const loaders = ENV_LOADERS[runtime];
  if (!loaders || app.packages[runtime]?.size === 0) return true;
  return loaders.some((name) => hasPackage(app, runtime, name));
}

/**
 * An app process on the VM whose folder holds an env file the app loads itself (dotenv, Laravel's
 * .env, paperless.conf) gets that file's names: on Cloud Run the file is gone (it is not in git, so
 * not in the image), and a name nobody carries over is a setting the app starts without (Laravel's
 * APP_KEY, Mastodon's SECRET_KEY_BASE). The file is the one in the process's folder (working
 * directory, `cd` target or a path in its command), or the only app folder's when there is one.
 */
function addAppEnvFile(finding: ServiceFinding, app: AppContext, evidence: Evidence[]): void {
  const envFiles = app.hostEnvFiles;
  if (!finding.onHost || !finding.runtime || !APP_ROLES.has(finding.role) || envFiles.length === 0) return;
  // Whether it loads the file is read from its own checkout's packages (python-dotenv, dotenv).
  if (!loadsEnvFile(finding, contextOf(finding, app))) return;
  const dirOf = (file: string) => file.slice(0, file.lastIndexOf("/"));
  const dirs = [...new Set(envFiles.map((f) => dirOf(f.path)))];
  // The working directory, and every path the command names (`cd DIR &&`, the script it runs).
  const places = [...(finding.workingDirectory ? [finding.workingDirectory] : []), ...absolutePaths(finding.command)];
  const inside = (place: string, dir: string) => place === dir || place.startsWith(`${dir}/`);
  // One of several apps (Apache serving two folders) takes only its own folder's file.
  const only = dirs.length === 1 && !finding.servedApp ? dirs[0] : undefined;
  const dir = dirs.find((d) => places.some((p) => inside(p, d))) ?? only;
  if (!dir) return;
  // .env.production before .env: dotenv gives the first file's value, and the plan names one file.
  const files = envFiles
    .filter((f) => dirOf(f.path) === dir)
    .sort((a, b) => Number(/\/\.env$/.test(a.path)) - Number(/\/\.env$/.test(b.path)));
  // A compose service's container gets the variables its `environment:` lists, not the project's
  // .env (compose reads that file to fill `${…}` in the compose file): the file holds their values.
  if (COMPOSE_FILE.test(path.posix.basename(finding.source))) {
    const named = files.filter((f) => f.names.some((n) => finding.env?.includes(n)));
    if (named.length) finding.envFile ??= named[0]!.path;
    return;
  }
  const before = new Set(finding.env ?? []);
  finding.env = unionNames(
    finding.env,
    files.flatMap((f) => f.names),
  );
  finding.envFile ??= files[0]!.path;
  const added = finding.env.filter((n) => !before.has(n));
  if (added.length)
    evidence.push({
      file: files.map((f) => f.path).join(", "),
      found: `${finding.name} runs beside this env file: its ${added.length} setting name(s) join the service's env (on Cloud Run the file is gone, not being in git: each must come from Secret Manager or plain env)`,
    });
}

/**
 * A Node process that reads its settings with nconf from a JSON file in its working directory
 * (Ghost's config.production.json) reads the same keys from the environment first, named with
 * `__` between the parts (json-settings.ts): those names are its settings on Cloud Run, where the
 * file (written on the VM by ghost-cli, not in any repository) is gone.
 */
function addJsonSettingNames(finding: ServiceFinding, app: AppContext, evidence: Evidence[]): void {
  if (!finding.onHost || finding.runtime !== "node" || !APP_ROLES.has(finding.role)) return;
  const settings = settingsOf(finding, app);
  if (!settings || !hasPackage(app, "node", "nconf")) return;
  const before = new Set(finding.env ?? []);
  finding.env = unionNames(finding.env, Object.keys(settings.values));
  // Where the values are on the VM: scripts/setup-secrets.sh --env-file reads the JSON file too.
  if (settings.path.startsWith("/")) finding.envFile ??= settings.path;
  const added = finding.env.filter((n) => !before.has(n));
  if (added.length)
    evidence.push({
      file: settings.path,
      found: `${finding.name} reads these settings with nconf, which takes each from the environment first as ${added[0]} and the like: its ${added.length} setting name(s) join the service's env`,
    });
}

/**
 * The names the process gets as an empty string: its unit's values over the app's env files', as
 * enrich reads them. Only the names are kept; the design sets them empty on Cloud Run, since
 * Secret Manager refuses an empty secret version (a copied `REDIS_PASSWORD=` would stop the setup).
 * And the names whose value is plain by its shape (plain-values.ts): plain env, not secrets.
 */
function markEmptyEnv(finding: ServiceFinding, app: AppContext): void {
  const values = { ...app.env, ...finding.envValues };
  const empty = (finding.env ?? []).filter((name) => values[name] === "");
  if (empty.length) finding.emptyEnv = empty;
  const plain = plainEnvOf(finding, app).filter((name) => !empty.includes(name));
  if (plain.length) finding.plainEnv = plain;
}

/**
 * How the process sends mail when Cloud Run would stop it (outbound-mail.ts): from its settings, or,
 * with an MTA on the VM and no mail host set, its framework's default (mail-defaults.ts).
 */
function markOutboundMail(
  finding: ServiceFinding,
  findings: readonly ServiceFinding[],
  app: AppContext,
  mta: LocalMta | undefined,
  evidence: Evidence[],
) {
  if (!APP_ROLES.has(finding.role)) return;
  const names = finding.env ?? [];
  const json = hasPackage(app, "node", "nconf") ? settingsOf(finding, app)?.values : undefined;
  const values = { ...json, ...app.env, ...finding.envValues };
  // A worker (Sidekiq, Celery) sends the mail its web framework queues: that framework's default.
  const own = contextOf(finding, app);
  const framework =
    finding.role === "web"
      ? finding.framework
      : findings.find((f) => f.role === "web" && f.runtime === finding.runtime && contextOf(f, app) === own)?.framework;
  const frameworkDefault = mta ? frameworkMailDefault(framework, own, names) : undefined;
  const mail = outboundMailOf(names, values, { mta, frameworkDefault });
  if (!mail) return;
  finding.outboundMail = mail;
  if (mail.frameworkDefault)
    evidence.push({
      file: mta!.source,
      found: `${finding.name} sends mail through ${mta!.name} on the VM: ${frameworkDefaultText(mail.frameworkDefault)} (${mail.via === "sendmail" ? "sendmail" : "SMTP to localhost"}) with no mail host set; ${mta!.name} stays behind at the cut-over`,
    });
}

/** The app folder's path on the VM when it lies inside the host root (the VM's own copy). */
export function appPathOnHost(appDir: string, hostRoot: string | undefined): string | undefined {
  if (!hostRoot) return undefined;
  const relative = path.relative(path.resolve(hostRoot), appDir);
  return relative && !relative.startsWith("..") && !path.isAbsolute(relative)
    ? `/${relative.split(path.sep).join("/")}`
    : undefined;
}

/** The app's own files: the repository, and the VM's copy where the units run (WorkingDirectory). */
export async function readAppContext(
  root: string,
  files: string[],
  hostRoot: string | undefined,
  workDirs: Iterable<string>,
): Promise<AppContext> {
  const app = emptyContext();
  const onHostApp = appPathOnHost(root, hostRoot);
  await readAppFiles(app, { files, read: (f) => readSmallText(root, f), hostDir: onHostApp });
  await readRelease(app, files, onHostApp ?? root, onHostApp ? hostRoot : undefined);
  for (const dir of hostRoot ? workDirs : []) {
    if (dir === onHostApp) continue;
    const base = path.join(hostRoot!, dir);
    const files = await listRepoFiles(base);
    const other = onHostApp !== undefined && isOtherCheckout(dir, onHostApp) && hasManifest(files);
    // A folder that holds the app's checkout (a unit run in the user's home, the checkout below it):
    // its files are not the checkout's, and read as the checkout's they would name folders under the
    // checkout that do not exist (its data/media as <checkout>/data/media).
    const parent = onHostApp !== undefined && isAncestor(dir, onHostApp);
    const into = other || parent ? emptyContext() : app;
    await readAppFiles(into, { files, read: (f) => readSmallText(base, f), hostDir: dir });
    app.vmFiles = [...(app.vmFiles ?? []), ...files.map((f) => path.posix.join(dir, f))];
    await readRelease(into, files, dir, hostRoot);
    if (parent) {
      app.hostEnvFiles.push(...into.hostEnvFiles);
      app.jsonSettings.push(...into.jsonSettings);
      Object.assign(app.env, { ...into.env, ...app.env });
    }
    if (!other) continue;
    // Its packages, scripts and files stay its own; its env files and settings, named by their
    // path on the VM, are still the app's to copy (setup-secrets reads every env file).
    app.hostEnvFiles.push(...into.hostEnvFiles);
    app.jsonSettings.push(...into.jsonSettings);
    Object.assign(app.env, { ...into.env, ...app.env });
    (app.folders ??= []).push({ dir, context: into });
  }
  return app;
}

/** A folder the app's own folder is inside (`/home/weblate` of `/home/weblate/weblate-src`). */
function isAncestor(dir: string, appDir: string): boolean {
  const clean = (p: string) => p.replace(/\/+$/, "");
  return clean(appDir).startsWith(`${clean(dir)}/`);
}

/** A folder beside the app's own on the VM (same parent), not inside it: another repository's checkout. */
function isOtherCheckout(dir: string, appDir: string): boolean {
  const clean = (p: string) => p.replace(/\/+$/, "");
  return path.posix.dirname(clean(dir)) === path.posix.dirname(clean(appDir)) && clean(dir) !== clean(appDir);
}

/** The files a process's runtime and framework are read from: its own checkout's, else the app's. */
export function contextOf(finding: ServiceFinding, app: AppContext): AppContext {
  const dir = finding.workingDirectory?.replace(/\/+$/, "");
  return app.folders?.find((f) => f.dir.replace(/\/+$/, "") === dir)?.context ?? app;
}

/**
 * A folder with no manifest of its own whose `current` leads to a release (ghost-cli, Capistrano):
 * the release's files are the app's code. Read as `dir/current`, the path that survives a deploy.
 */
async function readRelease(app: AppContext, files: string[], dir: string, hostRoot: string | undefined): Promise<void> {
  if (hasManifest(files)) return;
  const release = await currentRelease(dir, hostRoot);
  if (!release) return;
  const base = hostRoot ? path.join(hostRoot, release) : release;
  const releaseFiles = await listRepoFiles(base);
  const current = path.posix.join(dir, RELEASE_LINK);
  await readAppFiles(app, {
    files: releaseFiles,
    read: (f) => readSmallText(base, f),
    hostDir: hostRoot ? current : undefined,
  });
  if (hostRoot) app.vmFiles = [...(app.vmFiles ?? []), ...releaseFiles.map((f) => path.posix.join(current, f))];
  app.release = { link: current, target: release };
}

/**
 * gunicorn -c, uwsgi --ini, puma -C, a program's package.json: relative to the unit's
 * WorkingDirectory on the VM (else the repository's copy there), else to the repo.
 */
/** The subfolders of a folder on the VM, for a process read there (undefined elsewhere). */
export function dirLister(hostRoot: string | undefined): EnrichContext["listDir"] {
  return async (service, dir) => {
    if (!service.onHost || !hostRoot || !dir.startsWith("/")) return undefined;
    const entries = await readdir(path.join(hostRoot, path.posix.normalize(dir)), { withFileTypes: true }).catch(
      () => undefined,
    );
    return entries
      ?.filter((e) => e.isDirectory())
      .map((e) => e.name)
      .sort();
  };
}

export function configReader(root: string, hostRoot: string | undefined): EnrichContext["readConfig"] {
  return async (service, file) => {
    if (service.onHost && hostRoot) {
      const onHost = file.startsWith("/")
        ? file
        : service.workingDirectory
          ? `${service.workingDirectory}/${file}`
          : undefined;
      const text = onHost
        ? await readHostFile(hostRoot, path.posix.normalize(onHost).slice(1)).catch(() => undefined)
        : undefined;
      // Not among what the VM read sent (an ssh read sends manifests at the app folder's top only):
      // the repository's copy at the same place under the unit's WorkingDirectory, the app's
      // checkout (a monorepo package's package.json, packages/cli/package.json).
      const dir = service.workingDirectory?.replace(/\/+$/, "");
      const inRepo = onHost && dir && path.posix.normalize(onHost).startsWith(`${dir}/`);
      // An ssh read leaves a file it only names empty: the repository's copy says more.
      if (text || !inRepo) return text;
      return readSmallText(root, path.posix.relative(dir, path.posix.normalize(onHost)));
    }
    return file.startsWith("/") ? undefined : readSmallText(root, path.posix.normalize(file));
  };
}
