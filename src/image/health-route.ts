// A health route the app already serves, found in its repository: a Compose healthcheck that
// curls the process's port (Mastodon's `localhost:3000/health`), the framework's own route
// (Rails 7.1's `rails/health#show`, Spring Boot Actuator's /actuator/health), or a route the
// web process's entry module declares (`@app.get("/healthz")`, `app.get('/health', …)`,
// Django's `path("healthz", …)`). None found means none is invented: the deploy then probes the
// port (TCP) and the canary only asks that the app answers, never a 2xx from a route that is
// not there. https://cloud.google.com/run/docs/configuring/healthchecks
import { readdirSync, type Dirent } from "node:fs";
import path from "node:path";
import { parse } from "yaml";
import type { Service } from "../inventory/schema.js";
import { anchorsOf } from "./anchors.js";
import { APP_DIR } from "./app-root.js";
import type { RuntimeImage } from "./image-types.js";
import type { AppRepo } from "./repo.js";

export interface HealthRoute {
  path: string;
  /** Where it was found, for the docs ("docker-compose.yml healthcheck of web"). */
  source: string;
}

/** The path a health probe may GET: plain characters, as the deployment contract's HTTP_PATH. */
const PLAIN_PATH = /^\/[A-Za-z0-9._~\/-]{0,100}$/;
/** A route's last segment that says "health" (not /status, which APIs often guard). */
const HEALTHY_NAME = /^(_?healthz?|health[-_]?checks?|healthy|livez|readyz|liveness|readiness|ping|heartbeat)$/i;
/**
 * Compose files by name (docker-compose.yml, compose.prod.yaml, docker-compose-mysql.yml), and any
 * YAML in a folder named for them (Traccar's docker/compose/traccar-mysql.yaml).
 */
const COMPOSE_NAME = /^(docker-)?compose([.-][\w.-]+)?\.ya?ml$/i;
const COMPOSE_FOLDER = /^(docker-)?compose$/i;
/** Dockerfiles by name: Dockerfile, Dockerfile.debian, app.Dockerfile. */
const DOCKERFILE_NAME = /^(Dockerfile(\.[\w.-]+)?|[\w.-]+\.Dockerfile)$/;
/** Folders never holding the project's own Compose or Docker files. */
const NOT_PROJECT = /^(\.|node_modules$|vendor$|venv$|test$|tests$|examples?$|docs?$)/;
/** `localhost:3000/health`, `http://127.0.0.1/health`, `https://${APP_DOMAIN}/api/health`. */
const PROBE_URL =
  /^(?:https?:\/\/)?(?:localhost|127\.0\.0\.1|0\.0\.0\.0|\[::1\]|\$\{?\w+\}?|[\w-]+)(?::(\d+))?(\/\S*)$/;

const ports = (s: Service): number[] =>
  s.listen.map((l) => Number(/:(\d+)$/.exec(l)?.[1])).filter((n) => Number.isInteger(n) && n > 0);

function healthy(route: string): boolean {
  const last = route.replace(/\/+$/, "").split("/").pop() ?? "";
  return PLAIN_PATH.test(route) && HEALTHY_NAME.test(last);
}

/** The repository's files (relative paths) that `wanted` picks by name and folder, 3 folders deep at most, sorted. */
function filesNamed(repo: AppRepo, wanted: (name: string, folder: string) => boolean): string[] {
  const out: string[] = [];
  const walk = (rel: string, level: number) => {
    let entries: Dirent[] = [];
    try {
      entries = readdirSync(path.join(repo.dir, rel), { withFileTypes: true });
    } catch {
      return;
    }
    for (const e of [...entries].sort((a, b) => (a.name < b.name ? -1 : 1))) {
      const child = rel ? `${rel}/${e.name}` : e.name;
      if (e.isFile() && wanted(e.name, path.posix.basename(rel))) out.push(child);
      else if (e.isDirectory() && level < 3 && !NOT_PROJECT.test(e.name)) walk(child, level + 1);
    }
  };
  if (repo.present) walk("", 0);
  return out;
}

/**
 * The path a probe command GETs on this process's port (`curl -f http://localhost:3000/health`,
 * `wget -q --spider http://localhost:8082/api/health`), or with no port in it, the only web process's.
 */
function probedPath(command: string, s: Service, onlyWeb: boolean): string | undefined {
  for (const w of command.split(/[\s'"|;,[\]]+/)) {
    const m = PROBE_URL.exec(w);
    if (!m || !PLAIN_PATH.test(m[2]!)) continue;
    const port = m[1] ? Number(m[1]) : undefined;
    if (port !== undefined ? ports(s).includes(port) : onlyWeb) return m[2]!;
  }
  return undefined;
}

/** Compose healthchecks that GET a path on this process's port (or, with no port, the only web process). */
function fromCompose(repo: AppRepo, s: Service, onlyWeb: boolean): HealthRoute | undefined {
  const files = filesNamed(
    repo,
    (name, folder) => COMPOSE_NAME.test(name) || (COMPOSE_FOLDER.test(folder) && /\.ya?ml$/i.test(name)),
  );
  // The conventional root files first, as Compose itself reads them.
  const depth = (f: string) => f.split("/").length;
  for (const rel of files.sort((a, b) => depth(a) - depth(b) || (a < b ? -1 : 1))) {
    let doc: unknown;
    try {
      // Compose's own merge tags (`!reset`, `!override`, in override files) are no YAML the parser knows: quietly plain.
      doc = parse(repo.read(rel) ?? "", { logLevel: "error" });
    } catch {
      continue;
    }
    const services = (doc as { services?: Record<string, { healthcheck?: { test?: unknown } }> })?.services;
    if (!services || typeof services !== "object") continue;
    for (const [name, svc] of Object.entries(services)) {
      const test = svc?.healthcheck?.test;
      const route = probedPath(Array.isArray(test) ? test.join(" ") : String(test ?? ""), s, onlyWeb);
      if (route) return { path: route, source: `${rel} (healthcheck of ${name})` };
    }
  }
  return undefined;
}

/**
 * A Dockerfile's HEALTHCHECK (shell or exec form, continued lines joined) that GETs a path on
 * this process's port: the project's own image probes it. https://docs.docker.com/reference/dockerfile/#healthcheck
 */
function fromDockerfile(repo: AppRepo, s: Service, onlyWeb: boolean): HealthRoute | undefined {
  const files = filesNamed(repo, (name) => DOCKERFILE_NAME.test(name));
  const depth = (f: string) => f.split("/").length;
  for (const rel of files.sort((a, b) => depth(a) - depth(b) || (a < b ? -1 : 1))) {
    const text = (repo.read(rel) ?? "").replace(/\\\r?\n/g, " ");
    for (const line of text.split(/\r?\n/)) {
      const m = /^\s*HEALTHCHECK\s+(?:--\S+\s+)*CMD\s+(.+)$/i.exec(line);
      const route = m ? probedPath(m[1]!, s, onlyWeb) : undefined;
      if (route) return { path: route, source: `${rel} (HEALTHCHECK)` };
    }
  }
  return undefined;
}

/** A framework's built-in health route, when the app's manifest turns it on. */
function fromFramework(repo: AppRepo, dir: string, runtime: string): HealthRoute | undefined {
  if (runtime === "ruby") {
    const routes = repo.read(path.posix.join(dir, "config/routes.rb")) ?? "";
    const line = routes.split("\n").find((l) => l.includes("rails/health#show"));
    const route = line && /get\s+["']\/?([\w./-]+)["']/.exec(line)?.[1];
    if (route) return { path: `/${route}`, source: "config/routes.rb (rails/health#show)" };
  }
  if (runtime === "php") {
    // Laravel 11's withRouting(health: '/up').
    const route = /\bhealth:\s*["'](\/[\w./-]*)["']/.exec(
      repo.read(path.posix.join(dir, "bootstrap/app.php")) ?? "",
    )?.[1];
    if (route) return { path: route, source: "bootstrap/app.php (Laravel health route)" };
  }
  if (runtime === "java") {
    const build = ["pom.xml", "build.gradle", "build.gradle.kts"].map((f) => repo.read(path.posix.join(dir, f)) ?? "");
    const props = repo.read(path.posix.join(dir, "src/main/resources/application.properties")) ?? "";
    // A moved actuator (management.endpoints.web.base-path) is not guessed.
    if (build.some((b) => b.includes("spring-boot-starter-actuator")) && !/base-path\s*[=:]/.test(props))
      return { path: "/actuator/health", source: "spring-boot-starter-actuator (health is exposed by default)" };
  }
  return undefined;
}

/** Route literals a source file declares: decorators, Express-style calls, Django's path(). */
function routesIn(text: string): string[] {
  const out: string[] = [];
  const patterns = [
    /@\w+(?:\.\w+)*\.(?:get|head|route|api_route)\(\s*["'](\/[^"']*)["']/g,
    /\b\w+\.(?:get|head|all)\(\s*["'`](\/[^"'`]*)["'`]/g,
    /\bHandleFunc\(\s*"(\/[^"]*)"/g,
    // Go routers: echo and gin's GET, chi's Get, net/http's Handle (listmonk's g.GET("/health", …)).
    /\b\w+\.(?:GET|HEAD|Get|Head|Any|Handle)\(\s*"(\/[^"]*)"/g,
    /\b(?:re_)?path\(\s*r?["']\^?([^"'$]*)\$?["']/g,
  ];
  for (const re of patterns) for (const m of text.matchAll(re)) out.push(m[1]!.startsWith("/") ? m[1]! : `/${m[1]!}`);
  return out;
}

/**
 * The Go files of the folders a main package usually lives in (cmd/, cmd/<binary>/), which declare
 * its routes beside main.go (listmonk's cmd/handlers.go); tests left out, 50 at most.
 */
function goSources(repo: AppRepo, program: string): string[] {
  const binary = path.posix.basename(program);
  const out: string[] = [];
  for (const folder of ["cmd", `cmd/${binary}`]) {
    if (!/^[\w./-]+$/.test(folder) || !repo.isDir(folder)) continue;
    let names: string[] = [];
    try {
      names = readdirSync(path.join(repo.dir, folder)).sort();
    } catch {
      continue;
    }
    out.push(...names.filter((n) => n.endsWith(".go") && !n.endsWith("_test.go")).map((n) => `${folder}/${n}`));
  }
  return out.slice(0, 50);
}

/** `npm start`, `yarn start`, `pnpm run serve`: the script's name. */
const PACKAGE_SCRIPT = /^(?:npm|pnpm|yarn|yarnpkg)$/;

/**
 * The entry file a package script runs (`yarn start` → scripts.start `node app.js` → app.js): the
 * unit names only the script, the entry module is in package.json.
 */
function nodeEntries(repo: AppRepo, dir: string, argv: string[]): string[] {
  if (!PACKAGE_SCRIPT.test(path.posix.basename(argv[0] ?? ""))) return [];
  const args = argv.slice(1).filter((a) => !a.startsWith("-"));
  const name = args[0] === "run" || args[0] === "run-script" ? args[1] : args[0];
  if (!name) return [];
  let scripts: Record<string, unknown> = {};
  try {
    scripts =
      (JSON.parse(repo.read(path.posix.join(dir, "package.json")) ?? "{}") as { scripts?: Record<string, unknown> })
        .scripts ?? {};
  } catch {
    return [];
  }
  const script = scripts[name];
  const entry =
    typeof script === "string"
      ? /(?:^|&&\s*|\s)node\s+(?:--?[\w-]+(?:=\S+)?\s+)*([\w./-]+\.[cm]?js)\b/.exec(script)?.[1]
      : undefined;
  return entry && !entry.startsWith("/") ? [entry] : [];
}

/**
 * Routers an Express entry module mounts at its root (`app.use(require('./lib/web/statusRouter'))`):
 * their routes are the app's own paths. One mounted under a prefix (`app.use('/api', …)`) is not
 * followed: its routes' paths would lack the prefix.
 */
function mountedRouters(repo: AppRepo, dir: string, file: string): string[] {
  if (!/\.[cm]?js$/.test(file)) return [];
  const text = repo.read(path.posix.join(dir, file.replace(/^\/+/, ""))) ?? "";
  const out: string[] = [];
  for (const m of text.matchAll(/\.use\(\s*require\(\s*["'](\.{1,2}\/[\w./-]+)["']\s*\)/g)) {
    const rel = path.posix.normalize(path.posix.join(path.posix.dirname(file), m[1]!));
    if (rel.startsWith("..")) continue;
    const candidates = /\.[cm]?js$/.test(rel) ? [rel] : [`${rel}.js`, `${rel}/index.js`];
    const hit = candidates.find((c) => repo.read(path.posix.join(dir, c)) !== undefined);
    if (hit) out.push(hit);
  }
  return out.slice(0, 50);
}

/** A health route the web process's own entry module or Django URLconf declares. */
function fromEntry(repo: AppRepo, s: Service, image: RuntimeImage | undefined, dir: string): HealthRoute | undefined {
  const planned = image?.argv[s.name];
  if (!planned?.ok) return undefined;
  const files: string[] = [];
  for (const a of anchorsOf(planned.argv)) {
    if (a.kind === "file") files.push(a.path);
    if (a.kind === "module")
      for (const base of a.search) {
        const mod = a.name.replace(/\./g, "/");
        const pkg = a.name.split(".")[0]!;
        files.push(path.posix.join(base, `${mod}.py`), path.posix.join(base, mod, "__init__.py"));
        // A WSGI/ASGI module of a Django project sits beside its URLconf.
        files.push(path.posix.join(base, pkg, "urls.py"));
      }
  }
  if (image?.runtime === "go") files.push("main.go", ...goSources(repo, planned.argv[0] ?? ""));
  if (image?.runtime === "node") files.push(...nodeEntries(repo, dir, planned.argv));
  files.push(...files.flatMap((f) => mountedRouters(repo, dir, f)));
  const found: HealthRoute[] = [];
  for (const file of files) {
    const text = repo.read(path.posix.join(dir, file.replace(/^\/+/, "")));
    // Kept as written: Django redirects /health to /health/, and a probe does not follow it.
    for (const route of text ? routesIn(text).filter(healthy) : [])
      found.push({ path: route, source: path.posix.join(dir, file) });
  }
  // The shallowest first: a route under a prefix may sit behind the API's login (listmonk's
  // /api/health needs a session; its /health is public), a top-level one is the probe's.
  const depth = (r: HealthRoute) => r.path.replace(/\/+$/, "").split("/").length;
  return found.reduce<HealthRoute | undefined>((best, r) => (!best || depth(r) < depth(best) ? r : best), undefined);
}

/** The app's own health route for web process `s`, or undefined (probe the port instead). */
export function healthRouteOf(
  repo: AppRepo,
  s: Service,
  image: RuntimeImage | undefined,
  webCount: number,
): HealthRoute | undefined {
  if (!repo.present) return undefined;
  // The image's WORKDIR inside the repository copy (APP_DIR): where the argv's paths start.
  const rel = image ? path.posix.relative(APP_DIR, image.workdir) : "";
  const dir = rel.startsWith("..") ? "" : rel;
  return (
    fromCompose(repo, s, webCount === 1) ??
    fromDockerfile(repo, s, webCount === 1) ??
    fromFramework(repo, dir, image?.runtime ?? s.runtime ?? "") ??
    fromEntry(repo, s, image, dir)
  );
}
