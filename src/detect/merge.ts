// Several files describe the same VM: systemd units, docker-compose, a Procfile, the nginx site
// and the dependency list. This folds them into one service list: the most concrete source wins
// (a unit file over a Procfile over a guess from packages), gaps are filled from the others, and
// services are linked (proxy → the app on its upstream port; apps → their data stores).
import path from "node:path";
import { isSearchEngineSoftware, SEARCH_ENGINE_PORTS } from "../contracts/search-engine.js";
import { SERVICE_ROLES, teamBuildSchema, type ProxyRoute, type ServiceRole } from "../inventory/schema.js";
import { afterWaiter, portOf } from "./command.js";
import type { DependencyFacts } from "./dependencies.js";
import { largerLimit } from "./body-limit.js";
import { isGuarded } from "./route-access.js";
import { agreeing, routeKey } from "./route-keys.js";
import { unionNames } from "./systemd.js";
import type { DetectedService, PortRoute, ServiceFinding, TeamBuild } from "./types.js";

export const DEFAULT_PORTS: Record<string, number> = {
  mysql: 3306,
  mariadb: 3306,
  postgres: 5432,
  redis: 6379,
  rabbitmq: 5672,
  mongodb: 27017,
  memcached: 11211,
};
const DATA_ROLES: ServiceRole[] = ["database", "cache", "broker"];
const APP_PROCESS: ServiceRole[] = ["web", "worker", "scheduler", "cron", "other"];
const ROLE_ORDER: ServiceRole[] = [
  "reverse-proxy",
  "web",
  "worker",
  "scheduler",
  "cron",
  "other",
  "broker",
  "cache",
  "database",
];

/**
 * What a command runs, without paths, flags, addresses or numbers: `/srv/venv/bin/celery -A app
 * worker --loglevel=info` and `celery -A app worker -c 4` are both "celery app worker"; queue lists
 * stay (`-Q ocr,mail` and `-Q uploads` are two workers).
 */
export function commandSignature(command: string): string {
  // `wait-for-it.sh db:5432 -- /entrypoint-web.sh` is the script it waits to run (two services wait
  // for the same database before running different things).
  const words = afterWaiter(
    command
      .replace(/^cd\s+\S+\s*(&&|;)\s*/, "")
      .split(/\s+/)
      .filter(Boolean),
  );
  const exe = words[0]?.slice(words[0].lastIndexOf("/") + 1) ?? "";
  const kept = words
    .slice(1)
    .filter((w) => /^[A-Za-z_][\w.:,-]*$/.test(w) && !/^(\d+\.){3}\d+$/.test(w) && !/^(localhost|exec)$/.test(w));
  return [exe, ...kept].join(" ");
}

/** true: the same process; false: two different ones; undefined: the findings cannot tell. */
function sameProcess(a: ServiceFinding, b: ServiceFinding): boolean | undefined {
  // One Apache serving two PHP apps: one unit, two services.
  if (a.servedApp && b.servedApp) return a.servedApp === b.servedApp;
  // `celery multi`'s nodes share their unit, each a worker of its own (celery-multi.ts).
  if (a.celeryNode !== b.celeryNode && a.systemdUnit === b.systemdUnit) return false;
  if (a.systemdUnit && b.systemdUnit) return a.systemdUnit === b.systemdUnit;
  // Supervisor's programs are distinct processes, like units, even when they run the same command.
  if (a.supervisorProgram && b.supervisorProgram) return a.supervisorProgram === b.supervisorProgram;
  if (a.pm2App && b.pm2App) return a.pm2App === b.pm2App;
  if (a.command && b.command) return commandSignature(a.command) === commandSignature(b.command);
  return undefined;
}

function inferred(name: string, role: ServiceRole, software: string, listen: string[] = []): ServiceFinding {
  return { name, role, software, listen, source: "dependencies" };
}

export function uniqueName(wanted: string, taken: Set<string>): string {
  let name = wanted;
  for (let i = 2; taken.has(name); i++) name = `${wanted}-${i}`;
  return name;
}

/** Findings in priority order (most concrete first) plus what the dependency files say. */
export function mergeServices(
  findings: ServiceFinding[],
  deps: DependencyFacts,
  nodeStart?: string,
): DetectedService[] {
  const merged: ServiceFinding[] = [];
  for (const finding of findings) {
    const same =
      merged.find((s) => s.name === finding.name && sameProcess(s, finding) !== false) ??
      merged.find((s) => sameProcess(s, finding)) ??
      // Two cron jobs run by the same interpreter are still two jobs.
      merged.find(
        (s) =>
          sameProcess(s, finding) === undefined &&
          s.software === finding.software &&
          s.role === finding.role &&
          s.role !== "other" &&
          s.role !== "cron",
      );
    if (!same) {
      merged.push({ ...finding, listen: [...finding.listen] });
      continue;
    }
    // One nginx on the VM with a site per port (ghost-cli writes site.conf for 80 and site-ssl.conf
    // for 443) listens on every site's ports.
    const sitesOfOneProxy =
      same.role === "reverse-proxy" && finding.role === "reverse-proxy" && same.onHost && finding.onHost;
    same.listen = sitesOfOneProxy
      ? [...new Set([...same.listen, ...finding.listen])].sort((a, b) => portOf(a) - portOf(b) || (a < b ? -1 : 1))
      : same.listen.length
        ? same.listen
        : [...finding.listen];
    // A compose file's image tag is not the version of the VM's own server.
    if (!same.onHost || finding.onHost) same.version ??= finding.version;
    same.command ??= finding.command;
    same.systemdUnit ??= finding.systemdUnit;
    same.schedule ??= finding.schedule;
    // Plain only where every source that sets the name says so (a wrong "plain" leaks a secret).
    if (same.plainEnv?.length || finding.plainEnv?.length) same.plainEnv = plainInBoth(same, finding);
    if (finding.env?.length) same.env = unionNames(same.env, finding.env);
    if (finding.emptyEnv?.length) same.emptyEnv = unionNames(same.emptyEnv, finding.emptyEnv);
    if (finding.unitEnv?.length) same.unitEnv = unionNames(same.unitEnv, finding.unitEnv);
    same.envFile ??= finding.envFile;
    // One nginx with a site per app proxies to every site's upstream, not only the first one's.
    if (finding.proxiesToPorts?.length)
      same.proxiesToPorts = [...new Set([...(same.proxiesToPorts ?? []), ...finding.proxiesToPorts])];
    if (finding.routesToPorts?.length) same.routesToPorts = [...(same.routesToPorts ?? []), ...finding.routesToPorts];
    if (finding.proxiesToServices?.length)
      same.proxiesToServices = [...new Set([...(same.proxiesToServices ?? []), ...finding.proxiesToServices])];
    same.urlPath ??= finding.urlPath;
    same.sessionStore ??= finding.sessionStore;
    same.cacheStore ??= finding.cacheStore;
    same.inProcessJobs ??= finding.inProcessJobs;
    same.outboundMail ??= finding.outboundMail;
    same.singleInstance ??= finding.singleInstance;
    same.beforeStart ??= finding.beforeStart;
    same.instances ??= finding.instances;
    same.capacity ??= finding.capacity;
    // Two sites of one nginx: uploads go to the one that takes the most.
    const bodyLimit = largerLimit(same.maxRequestBodyMiB, finding.maxRequestBodyMiB);
    if (bodyLimit !== undefined) same.maxRequestBodyMiB = bodyLimit;
    if (finding.internalFolders?.length)
      same.internalFolders = [...new Set([...(same.internalFolders ?? []), ...finding.internalFolders])].sort();
    for (const f of finding.servedFolders ?? [])
      if (!same.servedFolders?.some((x) => x.path === f.path))
        same.servedFolders = [...(same.servedFolders ?? []), f].sort((a, b) => (a.path < b.path ? -1 : 1));
  }
  const has = (pred: (s: ServiceFinding) => boolean) => merged.some(pred);
  const names = () => new Set(merged.map((s) => s.name));
  const fw = new Set(deps.frameworks);
  const server = fw.has("fastapi")
    ? fw.has("uvicorn")
      ? "uvicorn"
      : fw.has("gunicorn")
        ? "gunicorn"
        : "fastapi"
    : fw.has("gunicorn")
      ? "gunicorn"
      : fw.has("django")
        ? "django"
        : fw.has("flask")
          ? "flask"
          : undefined;
  const nodeWeb = ["express", "fastify", "koa", "next", "nestjs"].some((f) => fw.has(f)) || nodeStart !== undefined;

  // A compose service built from the repo with published ports and no command is the app itself.
  for (const s of merged) {
    if (s.role === "other" && s.software === "unknown" && s.listen.length && (server || nodeWeb)) {
      s.role = "web";
      s.software = server ?? "node";
    }
  }
  if (!has((s) => s.role === "web") && (server || nodeWeb)) {
    const software = server ?? "node";
    const listen = software === "uvicorn" || software === "gunicorn" ? ["127.0.0.1:8000"] : [];
    merged.push({
      ...inferred(uniqueName("web", names()), "web", software, listen),
      ...(server ? {} : nodeStart ? { command: nodeStart } : {}),
    });
  }
  if (fw.has("celery") && !has((s) => s.software === "celery" && s.role === "worker")) {
    merged.push(inferred(uniqueName("worker", names()), "worker", "celery"));
  }
  if (deps.database && !has((s) => s.role === "database")) {
    merged.push(
      inferred(uniqueName(deps.database, names()), "database", deps.database, [
        `127.0.0.1:${DEFAULT_PORTS[deps.database]}`,
      ]),
    );
  }
  if (fw.has("redis") && !has((s) => s.software === "redis")) {
    merged.push(
      inferred(uniqueName("redis", names()), fw.has("celery") ? "broker" : "cache", "redis", ["127.0.0.1:6379"]),
    );
  }
  // With Celery in the project, Redis is its broker (it may cache too; broker is the role that matters).
  if ((fw.has("celery") || has((s) => s.software === "celery")) && !has((s) => s.role === "broker")) {
    const redis = merged.find((s) => s.software === "redis");
    if (redis) redis.role = "broker";
  }
  // A pinned package is the version of the process it runs (uvicorn==0.23.2), but `redis==5` is the
  // client library, not the server: only app servers and workers take a version from the pins.
  for (const s of merged) {
    const runsPackage = s.role === "web" || s.role === "worker" || s.role === "scheduler";
    if (runsPackage && !s.version && deps.versions[s.software]) s.version = deps.versions[s.software];
    // A store started by a unit file (mysqld, redis-server /etc/redis/redis.conf) listens on its
    // documented default port on the VM unless its command says otherwise.
    // A search engine's unit likewise (Elasticsearch's systemd-entrypoint names no port: 9200).
    const port = isSearchEngineSoftware(s.software) ? SEARCH_ENGINE_PORTS[s.software] : DEFAULT_PORTS[s.software];
    const store = DATA_ROLES.includes(s.role) || isSearchEngineSoftware(s.software);
    if (store && s.listen.length === 0 && s.systemdUnit && port) s.listen = [`127.0.0.1:${port}`];
  }
  return link(merged);
}

/**
 * A proxy's location paths as services: the process listening on each path's port. Only worth
 * keeping when the proxy fronts more than one service by path or asks for a login somewhere. The
 * sites' host names stay on the routes only when the proxy routes by host (one path, two hosts,
 * two services); otherwise the same paths on every host are one rule.
 */
function routesOf(routes: PortRoute[], services: ServiceFinding[], proxy: ServiceFinding): ProxyRoute[] {
  const resolved = routes.flatMap((r): ProxyRoute[] => {
    const to = services.filter((t) => t !== proxy && t.listen.some((l) => portOf(l) === r.port));
    const { port: _port, ...rest } = r;
    return to.length === 1 ? [{ ...rest, service: to[0]!.name }] : [];
  });
  const sameService = (a: ProxyRoute, b: ProxyRoute) => a.service === b.service;
  let kept = agreeing(resolved, routeKey, sameService);
  const byHost = kept.some((a) => kept.some((b) => a.path === b.path && a.exact === b.exact && !sameService(a, b)));
  if (!byHost)
    kept = agreeing(
      kept.map(({ hosts: _h, ...r }) => r),
      routeKey,
      sameService,
    );
  const worth = new Set(kept.map((r) => r.service)).size > 1 || kept.some((r) => isGuarded(r) || r.guardedPatterns);
  return worth
    ? kept.sort((a, b) => (a.path < b.path ? -1 : a.path > b.path ? 1 : routeKey(a) < routeKey(b) ? -1 : 1))
    : [];
}

function link(services: ServiceFinding[]): DetectedService[] {
  const names = new Set(services.map((s) => s.name));
  const stores = services.filter((s) => DATA_ROLES.includes(s.role)).map((s) => s.name);
  const webs = services.filter((s) => s.role === "web").map((s) => s.name);
  const rank = (role: ServiceRole) => (ROLE_ORDER.indexOf(role) >= 0 ? ROLE_ORDER.indexOf(role) : SERVICE_ROLES.length);
  // A compose service without `build:` runs the image another service builds (`image:` names the same tag).
  const builds = new Map(
    services.flatMap((s) =>
      s.composeImage?.build && s.composeImage.image ? [[s.composeImage.image, s.composeImage.build] as const] : [],
    ),
  );
  return services
    .map((s): DetectedService => {
      const {
        proxiesToPorts,
        proxiesToServices,
        routesToPorts,
        websocketPorts: _w,
        websocketRoutePorts: _wr,
        websocketOnlyPorts: _wo,
        process: _p,
        envValues: _e,
        workingDirectory,
        workingDirectoryTemplate: _dt,
        onHost: _h,
        scheduled: _s,
        oneShot,
        packaged: _k,
        supervisorProgram: _sp,
        pm2App: _pm,
        servedApp: _sa,
        pm2: _pf,
        phpSessionHandler: _ph,
        composeImage,
        dependsOn: explicit,
        ...rest
      } = s;
      const { ownStores } = s;
      let dependsOn = (explicit ?? []).filter((d) => names.has(d) && d !== s.name);
      if (!explicit?.length && !ownStores) {
        if (s.role === "reverse-proxy") {
          const targets = services
            .filter(
              (t) =>
                t !== s &&
                (t.listen.some((l) => proxiesToPorts?.includes(portOf(l))) || proxiesToServices?.includes(t.name)),
            )
            .map((t) => t.name);
          dependsOn = targets.length ? targets : webs;
        } else if (["web", "worker", "scheduler", "cron"].includes(s.role) || (s.role === "other" && s.runtime)) {
          // Scheduled jobs are app code (or a backup) too: they reach the same stores.
          dependsOn = stores;
        }
      }
      const routes = s.role === "reverse-proxy" ? routesOf(routesToPorts ?? [], services, s) : [];
      // An app process's folder (not the one Apache serves a PHP app from: PHP runs in the script's).
      const workingDir =
        APP_PROCESS.includes(s.role) && !s.servedApp && workingDirectory?.startsWith("/")
          ? workingDirectory.replace(/\/+$/, "")
          : undefined;
      return {
        ...rest,
        dependsOn,
        ...(workingDir ? { workingDir } : {}),
        ...(routes.length ? { routes } : {}),
        // Only an app process: Debian's postgresql.service is a oneshot wrapper too (ExecStart=/bin/true).
        ...(oneShot && !s.scheduled && s.role === "other" ? { runsOnce: true as const } : {}),
        ...teamBuild(s, composeImage, builds),
        ...pulledImage(s, composeImage, builds),
      };
    })
    .map((s, index) => ({ s, index }))
    .sort((a, b) => rank(a.s.role) - rank(b.s.role) || a.index - b.index)
    .map(({ s }) => s);
}

/** The names plain in one finding and, when the other sets them too, plain in that one as well. */
function plainInBoth(a: ServiceFinding, b: ServiceFinding): string[] {
  const plainIn = (x: ServiceFinding, n: string) => x.plainEnv?.includes(n) ?? false;
  const agrees = (other: ServiceFinding, n: string) => !(other.env ?? []).includes(n) || plainIn(other, n);
  return unionNames(
    (a.plainEnv ?? []).filter((n) => agrees(b, n)),
    (b.plainEnv ?? []).filter((n) => agrees(a, n)),
  );
}

/**
 * An app process of a compose service that runs a published image nobody here builds (Immich's
 * ghcr.io/immich-app/immich-server:v2): the image it pulls, which the deploy has to run as it is.
 */
function pulledImage(
  s: ServiceFinding,
  image: ServiceFinding["composeImage"],
  builds: ReadonlyMap<string, unknown>,
): { image?: string } {
  if (!image?.reference || image.build || builds.has(image.image ?? "") || !APP_PROCESS.includes(s.role)) return {};
  return { image: image.reference };
}

/**
 * An app process of a compose service built from the repository: the build its image comes from
 * (its own `build:`, or the one of the service that builds the image it names), paths from the
 * repository's root (the compose file's folder: compose-process.ts reads it the same way).
 */
function teamBuild(
  s: ServiceFinding,
  image: ServiceFinding["composeImage"],
  builds: ReadonlyMap<string, NonNullable<NonNullable<ServiceFinding["composeImage"]>["build"]>>,
): { build?: TeamBuild } {
  const build = image?.build ?? builds.get(image?.image ?? "");
  if (!build || !s.runtime || !APP_PROCESS.includes(s.role)) return {};
  const context = build.context || ".";
  // Only what the inventory accepts (a target left as `-runtime` by an unset variable, a path with
  // spaces): init never writes an inventory it would refuse; the plan then writes its own image.
  const found = teamBuildSchema.safeParse({
    context,
    dockerfile: path.posix.normalize(path.posix.join(context, build.dockerfile)),
    ...(build.target ? { target: build.target } : {}),
    ...(build.args ? { args: build.args } : {}),
  });
  return found.success ? { build: found.data } : {};
}
