// Completes each app process with what its command alone cannot say: the runtime and framework
// (from the app's manifests), the port (config file, environment, documented default), the
// protocols it speaks, whether it must always run, and its real role (a unit of the app's that
// runs and stays up without listening is a worker loop, not "other").
import { isSearchEngineSoftware } from "../contracts/search-engine.js";
import { hasPackage, type AppContext } from "./app-context.js";
import { basename, classifyCommand, portOf } from "./command.js";
import { GENERIC_LISTEN_ENV, listenFromConfig, listenFromEnv, proxiesToOwnPort, springPort } from "./server-config.js";
import { settingsListen } from "./json-settings.js";
import { iniFacts, type IniFacts } from "./ini-settings.js";
import { settingsFileIn, settingsFileListen } from "./settings-file.js";
import { dataDirFacts, settingsCronWorkers, settingsDataDir, settingsFilePorts } from "./settings-data-dir.js";
import { shebangRuntime } from "./shebang.js";
import { programPackage } from "./program-package.js";
import { serverCapacity } from "./server-capacity.js";
import type { ServiceFinding } from "./types.js";
import { mergeBinds, servedBind, uwsgiBindsFromArgs, uwsgiBindsFromConfig, uwsgiBindsFromEnv } from "./uwsgi-mode.js";
import type { Protocol, Runtime } from "../inventory/schema.js";

export interface EnrichContext {
  app: AppContext;
  /** Ports nginx proxies to. */
  proxyTargets: Set<number>;
  /** Ports the VM's nginx proxies to with the websocket Upgrade header passed on. */
  upgradedPorts?: Set<number>;
  /** Ports the VM's nginx gives a websocket location of their own (nginx-routes.ts websocketRoutePorts). */
  websocketRoutePorts?: Set<number>;
  /** Ports only the VM's nginx websocket locations reach (nginx-routes.ts websocketOnlyPorts). */
  websocketOnlyPorts?: Set<number>;
  /** Reads a config file named by a command, relative to the process's working directory. */
  readConfig: (service: ServiceFinding, file: string) => Promise<string | undefined>;
  /** The names of the subfolders of a folder on the VM (undefined when it cannot be read). */
  listDir?: (service: ServiceFinding, dir: string) => Promise<string[] | undefined>;
}

const STORE_ROLES = new Set(["database", "cache", "broker", "reverse-proxy"]);
const WORKER_WORDS = /\b(worker|workers|queue|queues|consumer|jobs?|cron|scheduler)\b/;
/**
 * A Java app's packages that serve HTTP: Spring's web starters, or an embedded server a plain
 * `java -jar` app starts itself (Jetty, Undertow, Tomcat, Javalin, Ktor, Jersey, Helidon).
 */
const JAVA_HTTP_SERVERS =
  /web|webflux|webmvc|^jetty-server$|^undertow-core$|^tomcat-embed-core$|^javalin$|^ktor-server-core$|^jersey-container-|^helidon-webserver$/;
/** Package → framework name, most specific first (NestJS runs on Express; Next has its own server). */
const NODE_WEB: [string, string][] = [
  ["@nestjs/core", "nestjs"],
  ["next", "next"],
  ["nuxt", "nuxt"],
  ["@remix-run/serve", "remix"],
  ["fastify", "fastify"],
  ["koa", "koa"],
  ["@hapi/hapi", "hapi"],
  ["express", "express"],
];
const NODE_WORKERS: [string, string][] = [
  ["bullmq", "bullmq"],
  ["bull", "bull"],
  ["bee-queue", "bee-queue"],
  ["agenda", "agenda"],
  ["pg-boss", "pg-boss"],
];
const NODE_WEBSOCKET = [
  "socket.io",
  "ws",
  "@hocuspocus/server",
  "@clusterws/cws",
  "uwebsockets.js",
  "faye-websocket",
  "sockjs",
];

/**
 * The JSON settings file a process reads (json-settings.ts): the one in its working directory, or
 * the only one read when the process names no folder.
 */
export function settingsOf(s: ServiceFinding, app: AppContext): AppContext["jsonSettings"][number] | undefined {
  const dir = s.workingDirectory?.replace(/\/+$/, "");
  return (
    app.jsonSettings.find((j) => dir && settingsBase(j.path) === dir) ??
    (app.jsonSettings.length === 1 && !dir ? app.jsonSettings[0] : undefined)
  );
}

/** The folder a JSON settings file belongs to: its own, or the app's above a `config/` folder. */
export function settingsBase(file: string): string {
  return file.slice(0, file.lastIndexOf("/")).replace(/(^|\/)config$/, "");
}

/** The app's own Go binary: named after the module (`miniflux.app/v2` → miniflux) or its repository. */
export function isGoBinary(s: ServiceFinding, app: AppContext): boolean {
  const exe = basename((s.command ?? "").split(/\s+/)[0] ?? "");
  const module = app.goModule?.split("/").filter((p) => !/^v\d+$/.test(p));
  return Boolean(exe && module?.length && [module.at(-1), module.at(-1)?.split(".")[0]].includes(exe));
}

/** A program in `bin/` of a Ruby app is Ruby; the binary named after the Go module is Go. */
function runtimeOfProgram(s: ServiceFinding, app: AppContext): Runtime | undefined {
  const exe = (s.command ?? "").replace(/^cd\s+\S+\s*(&&|;)\s*/, "").split(/\s+/)[0] ?? "";
  if (isGoBinary(s, app)) return "go";
  if (/(^|\/)bin\/[\w-]+$/.test(exe) && app.packages.ruby.size) return "ruby";
  return undefined;
}

function frameworkOf(s: ServiceFinding, runtime: Runtime | undefined, app: AppContext): string | undefined {
  if (s.process?.framework) return s.process.framework;
  // One of several apps one server serves (apache.ts): its own composer.json named none.
  if (s.servedApp) return undefined;
  const has = (eco: Parameters<typeof hasPackage>[1], name: string) => hasPackage(app, eco, name);
  const worker = s.role === "worker" || s.role === "scheduler";
  switch (runtime) {
    case "python":
      if (s.software === "django") return "django";
      if (has("python", "django") && (app.files.has("manage.py") || !has("python", "flask"))) return "django";
      return ["fastapi", "flask", "django", "starlette", "sanic", "aiohttp"].find((f) => has("python", f));
    case "ruby":
      return ["rails", "sinatra", "hanami", "roda"].find((f) => has("ruby", f));
    case "node":
      return (worker ? NODE_WORKERS : NODE_WEB).find(([pkg]) => has("node", pkg))?.[1];
    case "php":
      return has("php", "laravel/framework")
        ? "laravel"
        : has("php", "symfony/framework-bundle")
          ? "symfony"
          : undefined;
    case "java":
      return [...app.packages.java].some((p) => p.startsWith("spring-boot")) ? "spring" : undefined;
    default:
      return undefined;
  }
}

/**
 * A websocket package is a guess; the VM's nginx in front of the port without the Upgrade header
 * is a fact: no client reaches a websocket there (Ghost lists `ws`, ghost-cli's site passes no Upgrade).
 */
export function proxyRefusesWebsocket(
  s: ServiceFinding,
  ctx: { proxyTargets: ReadonlySet<number>; upgradedPorts?: ReadonlySet<number> | undefined },
): boolean {
  const ports = s.listen.map(portOf);
  return Boolean(
    ctx.upgradedPorts && ports.some((p) => ctx.proxyTargets.has(p)) && !ports.some((p) => ctx.upgradedPorts!.has(p)),
  );
}

function websocket(s: ServiceFinding, runtime: Runtime | undefined, ctx: EnrichContext): boolean {
  const { app } = ctx;
  if (s.process?.protocols?.includes("websocket")) return true;
  if (proxyRefusesWebsocket(s, ctx)) return false;
  if (s.listen.some((l) => ctx.websocketRoutePorts?.has(portOf(l)))) return true;
  // A program whose language nothing on the VM shows (a pulled image, a prebuilt binary) has no
  // packages to read: the VM's proxy passing the Upgrade header to its port is the only word on it,
  // set up for the app's websocket (Immich's reverse-proxy docs: "enable websockets").
  if (!runtime) return s.listen.some((l) => ctx.upgradedPorts?.has(portOf(l)) ?? false);
  if (runtime === "node") return NODE_WEBSOCKET.some((p) => hasPackage(app, "node", p));
  if (runtime === "python")
    return ["daphne", "uvicorn", "hypercorn"].includes(s.software) && hasPackage(app, "python", "channels");
  if (runtime === "ruby") return app.files.has("config/cable.yml");
  // Spring's websocket starter, Jetty's or Undertow's websocket server, Tyrus.
  if (runtime === "java") return [...app.packages.java].some((p) => /websocket|^tyrus-server$/.test(p));
  return false;
}

/**
 * The `host:port` a settings file the process's command names gives it (listmonk's
 * `--config /etc/listmonk/main.toml` with `[app] address = "localhost:9000"`), when nginx proxies there.
 */
async function namedSettingsListen(s: ServiceFinding, ctx: EnrichContext): Promise<string | undefined> {
  const words = s.process?.words ?? (s.command ?? "").split(/\s+/);
  const file = s.process?.configFile ?? settingsFileIn(words);
  if (!file || !/\.(toml|ya?ml|json|conf|cfg)$/i.test(file)) return undefined;
  const text = await ctx.readConfig(s, file);
  const found = text ? settingsFileListen(text, file, s.runtime, ctx.proxyTargets) : undefined;
  return found && ctx.proxyTargets.has(portOf(found.listen)) ? found.listen : undefined;
}

/**
 * The ports a settings file the process's command names gives it as bare numbers that nginx
 * proxies to, all of them (Odoo's odoo.conf: http_port 8069 and gevent_port 8072), as addresses.
 */
async function namedSettingsPorts(s: ServiceFinding, ctx: EnrichContext): Promise<string[]> {
  const words = s.process?.words ?? (s.command ?? "").split(/\s+/);
  const file = s.process?.configFile ?? settingsFileIn(words);
  if (!file || !/\.(toml|ya?ml|json|conf|cfg)$/i.test(file)) return [];
  const text = await ctx.readConfig(s, file);
  return text ? settingsFilePorts(text, file, s.runtime, ctx.proxyTargets).map((p) => `127.0.0.1:${p.port}`) : [];
}

/** The absolute settings file of plain settings the process's command names, read. */
async function namedSettingsText(s: ServiceFinding, ctx: EnrichContext) {
  const words = s.process?.words ?? (s.command ?? "").split(/\s+/);
  const file = s.process?.configFile ?? settingsFileIn(words);
  if (!file?.startsWith("/") || !/\.(toml|ya?ml|json|conf|cfg)$/i.test(file)) return undefined;
  const text = await ctx.readConfig(s, file);
  return text ? { file, text } : undefined;
}

/** The data folder that settings file gives the process (settings-data-dir.ts), sorted by its subfolders. */
async function namedSettingsDataDir(s: ServiceFinding, named: { file: string; text: string }, ctx: EnrichContext) {
  const dir = settingsDataDir(named.text, named.file, s.runtime);
  return dir ? dataDirFacts(dir, named.file, await ctx.listDir?.(s, dir.path)) : undefined;
}

/** A program on the VM that is a script: the interpreter its `#!` line names (shebang.ts). */
async function scriptRuntime(s: ServiceFinding, ctx: EnrichContext): Promise<Runtime | undefined> {
  const program = (s.command ?? "").split(/\s+/)[0] ?? "";
  if (!s.onHost || !program.startsWith("/")) return undefined;
  const text = await ctx.readConfig(s, program);
  return text ? shebangRuntime(text) : undefined;
}

/** The app.ini-style settings file the process's command names (`--config /etc/gitea/app.ini`), read. */
async function iniOf(s: ServiceFinding, ctx: EnrichContext): Promise<IniFacts | undefined> {
  const words = s.process?.words ?? (s.command ?? "").split(/\s+/);
  const file = s.process?.configFile ?? settingsFileIn(words);
  if (!file?.endsWith(".ini")) return undefined;
  const text = await ctx.readConfig(s, file);
  return text ? iniFacts(text) : undefined;
}

/**
 * uWSGI whose command line names no socket takes it from its config file (`socket = …` in the
 * --ini, or an emperor's vassal) or its environment (UWSGI_SOCKET): a `socket` there speaks the
 * uwsgi protocol, not HTTP (uwsgi-mode.ts). The environment's options come on top of the file's.
 */
async function uwsgiSocketElsewhere(s: ServiceFinding, env: Record<string, string>, ctx: EnrichContext) {
  if (s.process?.protocols?.length || uwsgiBindsFromArgs(s.process?.words ?? []).binds.length) return;
  const file = s.process?.configFile;
  const text = file ? await ctx.readConfig(s, file) : undefined;
  const fromEnv = uwsgiBindsFromEnv(env);
  const served = servedBind(mergeBinds(fromEnv, text ? uwsgiBindsFromConfig(text) : { binds: [] }));
  if (served?.protocol !== "uwsgi") return;
  const inEnv = fromEnv.binds.some((b) => b.address === served.address && b.mode === served.mode);
  const uwsgiSocket: ServiceFinding["uwsgiSocket"] = inEnv
    ? { setIn: "env", addressEnv: served.mode === "socket" && env.UWSGI_SOCKET ? "UWSGI_SOCKET" : "UWSGI_UWSGI_SOCKET" }
    : { setIn: "config", ...(file ? { file } : {}) };
  s.process = { ...s.process, protocols: ["uwsgi"], uwsgiSocket };
}

export async function enrichService(s: ServiceFinding, given: EnrichContext): Promise<void> {
  // A search engine is a store beside the app (contracts/search-engine.ts), not a program of it.
  if (STORE_ROLES.has(s.role) || isSearchEngineSoftware(s.software)) return;
  // A bin of a package in the app (a monorepo's packages/cli/bin/n8n): Node, with that package's
  // dependencies beside the root manifest's.
  const own = s.process?.runtime ? undefined : await programPackage(s, given.readConfig);
  const ctx: EnrichContext = own
    ? {
        ...given,
        app: {
          ...given.app,
          packages: { ...given.app.packages, node: new Set([...given.app.packages.node, ...own.dependencies]) },
        },
      }
    : given;
  const { app } = ctx;
  // `npm run start`: the script package.json runs is the real command.
  const script = s.process?.script ? app.nodeScripts[s.process.script] : undefined;
  if (script) {
    const { software: _s, role: _r, listen, ...process } = classifyCommand(script);
    s.process = { ...s.process, ...process };
    if (listen && !s.listen.length) s.listen = [listen];
  }
  const runtime = s.process?.runtime ?? (own ? "node" : runtimeOfProgram(s, app)) ?? (await scriptRuntime(s, ctx));
  if (runtime) s.runtime = runtime;
  const env = { ...app.env, ...s.envValues };
  // A job (a timer's unit, a crontab line, a oneshot unit) runs and exits: it serves no port and works no queue.
  const scheduled = s.scheduled || s.oneShot || s.role === "cron";
  // The process's words, to see whether it says it works a queue (`yarn worker:prod`, `sidekiq`).
  const words = (s.process?.words ?? []).join(" ");
  const ini = runtime && !scheduled ? await iniOf(s, ctx) : undefined;
  if (ini?.listen.length && s.listen.length === 0) {
    s.listen = [...ini.listen];
    if (s.role === "other" && ini.listen[0] !== ini.rawTcp) s.role = "web";
  }
  if (ini?.folders.length) s.settingsFolders = ini.folders;
  const named = runtime && !scheduled && !ini ? await namedSettingsText(s, ctx) : undefined;
  const dataDir = named ? await namedSettingsDataDir(s, named, ctx) : undefined;
  if (dataDir?.folders.length) s.settingsFolders = dataDir.folders;
  const cron = named ? settingsCronWorkers(named.text, named.file, s.runtime) : undefined;
  if (cron) s.inProcessJobs ??= cron.slice(0, 400);
  // A program of unknown kind that nginx proxies to at the address its settings or its environment
  // give (Mattermost's config/config.json ListenAddress ":8065"; Metabase's MB_JETTY_PORT=3000 in
  // the unit's environment file): it serves HTTP there.
  // (The environment's ports become its addresses in assemble.ts, all of them, as for any web process.)
  if (s.role === "other" && !scheduled && s.listen.length === 0) {
    const settings = settingsOf(s, app);
    const fromJson = settings && settingsListen(settings.values, ctx.proxyTargets);
    const listen = fromJson && ctx.proxyTargets.has(portOf(fromJson)) ? fromJson : await namedSettingsListen(s, ctx);
    const ports = listen ? [] : await namedSettingsPorts(s, ctx);
    if (listen || ports.length) {
      s.listen = listen ? [listen] : ports;
      s.role = "web";
    } else if (!WORKER_WORDS.test(words) && proxiesToOwnPort(env, ctx.proxyTargets))
      // Not a process that says it works a queue: a worker reading the web server's env file
      // (Twenty's `yarn worker:prod` beside NODE_PORT=3000 in the shared .env) does not serve that port.
      s.role = "web";
  }

  // A program that does not say what it is: Node and Java apps serve HTTP unless they say they work a
  // queue; a Go binary or any app program that nginx proxies to, or that has an address, is web.
  if (s.role === "other" && !scheduled && !s.process?.protocols?.length) {
    if (runtime === "node") s.role = WORKER_WORDS.test(words) ? "worker" : "web";
    else if (runtime === "java")
      s.role = [...app.packages.java].some((p) => JAVA_HTTP_SERVERS.test(p)) ? "web" : "worker";
    else if (runtime === "go" && listenFromEnv(GENERIC_LISTEN_ENV, env)) s.role = "web";
  }
  if (s.role === "web" && s.listen.length === 0) {
    const config = s.process?.configFile ? await ctx.readConfig(s, s.process.configFile) : undefined;
    const fromConfig = config ? listenFromConfig(config, env) : undefined;
    const fromEnv = listenFromEnv(s.process?.portEnv ?? GENERIC_LISTEN_ENV, env);
    const spring =
      runtime === "java" ? springPort(app.configTexts, (env.SPRING_PROFILES_ACTIVE ?? "").split(",")) : undefined;
    const javaDefault = runtime === "java" && frameworkOf(s, runtime, app) === "spring" ? 8080 : undefined;
    const port = spring ?? s.process?.defaultPort ?? javaDefault;
    const settings = settingsOf(s, app);
    const fromSettings = settings ? settingsListen(settings.values, ctx.proxyTargets) : undefined;
    const listen = fromConfig ?? fromEnv ?? fromSettings ?? (port ? `127.0.0.1:${port}` : undefined);
    if (listen) s.listen = [listen];
  }
  // Workers × threads of a synchronous server: the requests one copy of it serves at once.
  if (s.role === "web") {
    const capacity = await serverCapacity(s, env, (file) => ctx.readConfig(s, file));
    if (capacity) s.capacity = capacity;
    // A Node server is one event loop: it runs more processes by clustering, sized by
    // WEB_CONCURRENCY in Node's clustering guides (devcenter.heroku.com/articles/node-concurrency)
    // as pm2's `instances` does: N processes of one kind, which the design scales to.
    const cluster = /^\d{1,3}$/.test(env.WEB_CONCURRENCY ?? "") ? Number(env.WEB_CONCURRENCY) : 0;
    if (runtime === "node" && cluster > 1) s.instances ??= cluster;
  }
  // A unit of the app's that stays up without serving anything is a loop: a worker.
  if (s.role === "other" && !scheduled && runtime && s.listen.length === 0) s.role = "worker";
  // The VM's proxy forwards to its port: it serves HTTP there, whatever it is written in (a pulled
  // image or a prebuilt binary says no language: Immich's immich-server behind the docs' nginx site).
  if (s.role === "other" && !scheduled && s.listen.some((l) => ctx.proxyTargets.has(Number(l.split(":").pop()))))
    s.role = "web";

  const framework = frameworkOf(s, runtime, app);
  if (framework) s.framework = framework;
  const manager = runtime && runtime !== "other" ? app.packageManagers[runtime] : undefined;
  if (manager) s.packageManager = manager;
  if (s.role === "web" && s.software === "uwsgi") await uwsgiSocketElsewhere(s, env, ctx);
  if (s.process?.uwsgiSocket) s.uwsgiSocket = s.process.uwsgiSocket;
  const protocols: Protocol[] = [...(s.process?.protocols ?? [])];
  if (s.role === "web") {
    // Reached only through the proxy's websocket location (Zammad's websocket server behind /ws): no HTTP.
    const websocketOnly =
      !protocols.length && s.listen.length > 0 && s.listen.every((l) => ctx.websocketOnlyPorts?.has(portOf(l)));
    if (!websocketOnly && !protocols.includes("http") && !(protocols.length && !protocols.includes("websocket")))
      protocols.unshift("http");
    if (websocket(s, runtime, ctx) && !protocols.includes("websocket")) protocols.push("websocket");
  }
  // Its own SSH server (git over SSH) beside HTTP: a listener Cloud Run cannot take.
  if (ini?.rawTcp && !protocols.includes("tcp")) protocols.push("tcp");
  if (ini?.sessionStore && s.role === "web") s.sessionStore = ini.sessionStore;
  if (dataDir?.sessionStore && s.role === "web") s.sessionStore ??= dataDir.sessionStore;
  if (ini?.singleInstance && s.role === "web") s.singleInstance = ini.singleInstance;
  // An app process that listens but is neither HTTP nor a known protocol: a raw TCP listener.
  if (s.role === "other" && runtime && s.listen.length && protocols.length === 0) protocols.push("tcp");
  if (protocols.length) s.protocols = [...new Set(protocols)];
  if (!scheduled && (runtime || s.role === "web" || s.role === "worker" || s.role === "scheduler"))
    s.longRunning = true;
}
