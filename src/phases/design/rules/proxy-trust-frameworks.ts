// Proxy trust in the frameworks (proxy-trust.ts says why): what each one reads, from its own docs.
// Only evidence in the repository asks for a change: without the repository at hand, or when it
// shows the app already trusts the proxy, nothing is said. Rails needs nothing: Rack takes the
// scheme from X-Forwarded-Proto whoever sends it, so force_ssl and assume_ssl work behind Cloud Run.
import type { Service } from "../../../inventory/schema.js";
import type { AppRepo } from "../../../image/repo.js";
import type { EnvPlan } from "./draft.js";

export interface ProxyTrust {
  /** Plain env values the deploy sets (a setting the server or framework reads). */
  set: EnvPlan["set"];
  /** Code or command changes without which the app keeps trusting only the VM's nginx. */
  changes: string[];
}

const FRONT_END = "only Google's front end reaches a Cloud Run container";

/** A path as the repository holds it: relative as given, or the tail of a path on the VM. */
export function repoPathOf(file: string, repo: AppRepo): string | undefined {
  const parts = file.replace(/^\.\//, "").split("/").filter(Boolean);
  for (let i = 0; i < parts.length; i++) {
    const rel = parts.slice(i).join("/");
    if (repo.exists(rel) && !repo.isDir(rel)) return rel;
  }
  return undefined;
}

const firstText = (repo: AppRepo, files: readonly string[]) =>
  files.map((file) => ({ file, text: repo.read(file) })).filter((f): f is { file: string; text: string } => !!f.text);

/**
 * Django: under gunicorn or uvicorn the server sets the scheme once it trusts the front end; under
 * any other server (uWSGI, Daphne, Granian, runserver) Django itself must read X-Forwarded-Proto.
 * https://docs.djangoproject.com/en/stable/ref/settings/#secure-proxy-ssl-header
 */
function django(s: Service, repo: AppRepo): ProxyTrust {
  const files = [
    ...repo.foldersWith("settings.py", 3).map((f) => (f ? `${f}/settings.py` : "settings.py")),
    ...repo
      .foldersWith("settings", 3)
      .flatMap((f) =>
        ["__init__.py", "base.py", "production.py", "prod.py"].map((n) => `${f ? `${f}/` : ""}settings/${n}`),
      ),
  ];
  const settings = firstText(repo, files);
  if (settings.length === 0 || settings.some((f) => /SECURE_PROXY_SSL_HEADER/.test(f.text)))
    return { set: {}, changes: [] };
  return {
    set: {},
    changes: [
      `Add \`SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")\` to ${settings[0]!.file}: ${s.software} does not set the scheme from X-Forwarded-Proto, so without it Django sees every request as plain http on Cloud Run (http:// links, a redirect loop under SECURE_SSL_REDIRECT); ${FRONT_END}, which sets that header.`,
    ],
  };
}

/**
 * Laravel: the TrustProxies middleware (app/Http/Middleware/TrustProxies.php up to Laravel 10,
 * `$middleware->trustProxies(at: ...)` in bootstrap/app.php from 11); "*" trusts any peer.
 * https://laravel.com/docs/11.x/requests#configuring-trusted-proxies
 */
function laravel(repo: AppRepo): ProxyTrust {
  const boot = repo.read("bootstrap/app.php");
  if (boot && /trustProxies\s*\(/.test(boot)) return { set: {}, changes: [] };
  const file = "app/Http/Middleware/TrustProxies.php";
  const middleware = repo.read(file);
  if (middleware !== undefined) {
    const fromEnv = /env\(\s*["']([A-Z][A-Z0-9_]*)["']/.exec(middleware)?.[1] ?? configEnv(middleware, repo);
    if (fromEnv)
      return {
        set: { [fromEnv]: { value: "*", why: `${file} trusts the proxies it names; ${FRONT_END}` } },
        changes: [],
      };
    if (/\$proxies\s*=\s*['"]\*\*?['"]/.test(middleware)) return { set: {}, changes: [] };
    return {
      set: {},
      changes: [
        `In ${file} set \`protected $proxies = '*';\`: it trusts no proxy now, so on Cloud Run Laravel sees every request as plain http (http:// URLs, redirect loops) and every client as Google's front end; ${FRONT_END}.`,
      ],
    };
  }
  if (boot && /withMiddleware\s*\(/.test(boot))
    return {
      set: {},
      changes: [
        `In bootstrap/app.php, inside ->withMiddleware(...), add \`$middleware->trustProxies(at: '*');\`: Laravel trusts no proxy now, so on Cloud Run it sees every request as plain http (http:// URLs, redirect loops) and every client as Google's front end; ${FRONT_END}.`,
      ],
    };
  return { set: {}, changes: [] };
}

/** The env name behind `config('file.key')` in a Laravel config file (BookStack: app.proxies ← APP_PROXIES). */
function configEnv(middleware: string, repo: AppRepo): string | undefined {
  // fideloper/proxy (Laravel 5.5-8) reads config('trustedproxy.proxies') itself.
  const m = /config\(\s*["']([a-z_]+)\.([a-z_]+)["']/.exec(middleware);
  const [file, key] = m ? [m[1], m[2]] : ["trustedproxy", "proxies"];
  const text = repo.read(`config/${file}.php`) ?? repo.read(`app/Config/${file}.php`) ?? "";
  return new RegExp(`["']${key}["']\\s*=>\\s*env\\(\\s*["']([A-Z][A-Z0-9_]*)["']`).exec(text)?.[1];
}

/**
 * Symfony: framework.trusted_proxies (the recipe reads it from TRUSTED_PROXIES; Symfony 4's
 * public/index.php from $_SERVER['TRUSTED_PROXIES']); REMOTE_ADDR trusts whoever connects. Flex
 * apps configure `framework:` in config/packages/framework.yaml, Symfony 2–3 and apps that kept
 * that layout (wallabag) in app/config/config.yml, whose front controller is web/app.php.
 * https://symfony.com/doc/current/deployment/proxies.html
 * https://symfony.com/doc/3.4/deployment/proxies.html
 */
function symfony(repo: AppRepo): ProxyTrust {
  const configs = firstText(repo, [
    "config/packages/framework.yaml",
    "config/packages/framework.yml",
    "app/config/config.yml",
  ]);
  const line = configs.map((c) => /^\s*trusted_proxies:\s*(.+)$/m.exec(c.text)?.[1]).find(Boolean) ?? "";
  const why = `Symfony trusts the proxies it names; REMOTE_ADDR is whoever connects, and ${FRONT_END}`;
  const fromEnv = /%env\(([A-Z][A-Z0-9_]*)\)%/.exec(line)?.[1];
  if (fromEnv) return { set: { [fromEnv]: { value: "REMOTE_ADDR", why } }, changes: [] };
  if (line) return { set: {}, changes: [] };
  const controllers = firstText(repo, ["public/index.php", "web/app.php", "web/index.php"]);
  if (controllers.some((c) => /\$_SERVER\[\s*['"]TRUSTED_PROXIES['"]\s*\]/.test(c.text)))
    return { set: { TRUSTED_PROXIES: { value: "REMOTE_ADDR", why } }, changes: [] };
  // Request::setTrustedProxies() in the front controller decides in code (Symfony 3.3+'s recipe).
  if (controllers.some((c) => /setTrustedProxies\s*\(/.test(c.text))) return { set: {}, changes: [] };
  const file = configs[0]?.file;
  if (!file) return { set: {}, changes: [] };
  // framework.trusted_proxies was removed in Symfony 4.0 and came back in 5.2: in between only the
  // front controller can trust a proxy.
  const version = lockedVersion(repo, "symfony/framework-bundle");
  if (version && version[0] >= 3 && (version[0] < 5 || (version[0] === 5 && version[1] < 2)) && controllers[0])
    return {
      set: {},
      changes: [
        `In ${controllers[0].file}, before the request is handled, add \`Request::setTrustedProxies([$_SERVER['REMOTE_ADDR']], Request::HEADER_X_FORWARDED_FOR | Request::HEADER_X_FORWARDED_PROTO | Request::HEADER_X_FORWARDED_PORT);\`: Symfony ${version.join(".")} trusts no proxy now, so on Cloud Run it sees every request as plain http and every client as Google's front end; ${FRONT_END}.`,
      ],
    };
  return {
    set: { TRUSTED_PROXIES: { value: "REMOTE_ADDR", why } },
    changes: [
      `In ${file}, under framework:, add \`trusted_proxies: '%env(TRUSTED_PROXIES)%'\` (the deploy sets TRUSTED_PROXIES=REMOTE_ADDR): Symfony trusts no proxy now, so on Cloud Run it sees every request as plain http and every client as Google's front end.`,
    ],
  };
}

/** [major, minor] of a package composer.lock installs (`v5.4.45` → [5, 4]). */
function lockedVersion(repo: AppRepo, name: string): [number, number] | undefined {
  try {
    const lock = JSON.parse(repo.read("composer.lock") ?? "{}") as { packages?: { name: string; version?: string }[] };
    const m = /^v?(\d+)\.(\d+)/.exec(lock.packages?.find((p) => p.name === name)?.version ?? "");
    return m ? [Number(m[1]), Number(m[2])] : undefined;
  } catch {
    return undefined;
  }
}

/** The Node entry files: the command's script, package.json's start script and main, the usual names. */
function nodeEntries(s: Service, repo: AppRepo): Array<{ file: string; text: string }> {
  let pkg: { main?: string; scripts?: Record<string, string> } = {};
  try {
    pkg = JSON.parse(repo.read("package.json") ?? "{}") as typeof pkg;
  } catch {
    // A package.json that does not parse names no entry: the usual names remain.
  }
  const named = [s.command ?? "", pkg.scripts?.start ?? ""].flatMap((c) => c.match(/[^\s"']+\.[cm]?[jt]s\b/g) ?? []);
  const usual = ["app", "server", "index", "src/app", "src/server", "src/index"].flatMap((n) => [`${n}.js`, `${n}.ts`]);
  const files = [...named, pkg.main ?? "", ...usual].map((f) => (f ? repoPathOf(f, repo) : undefined));
  return firstText(repo, [...new Set(files.filter((f): f is string => !!f))]);
}

/**
 * Express ('trust proxy') and Koa (app.proxy): off by default, so req.protocol is http and req.ip
 * the front end. https://expressjs.com/en/guide/behind-proxies.html https://koajs.com/#settings
 */
function node(s: Service, repo: AppRepo): ProxyTrust {
  const entries = nodeEntries(s, repo);
  if (entries.some((e) => /trust proxy|\.proxy\s*=\s*true|proxy:\s*true/.test(e.text))) return { set: {}, changes: [] };
  const express = entries.find((e) => /\bexpress\(\s*\)/.test(e.text));
  const koa = entries.find((e) => /new\s+Koa\(/.test(e.text));
  const [file, line, name] = express
    ? [express.file, "app.set('trust proxy', true);", "Express"]
    : koa
      ? [koa.file, "app.proxy = true;", "Koa"]
      : [];
  if (!file) return { set: {}, changes: [] };
  return {
    set: {},
    changes: [
      `In ${file}, right after the app is created, add \`${line}\`: ${name} ignores X-Forwarded-Proto/-For by default, so on Cloud Run req.protocol is http and req.ip is Google's front end; ${FRONT_END}.`,
    ],
  };
}

const has = (s: Service, pattern: RegExp) => pattern.test(`${s.framework ?? ""} ${s.software} ${s.command ?? ""}`);

/**
 * Spring Boot ignores forwarded headers on a platform it does not detect (Cloud Run is not one).
 * FRAMEWORK (Spring's ForwardedHeaderFilter) applies them from any peer; NATIVE (Tomcat's
 * RemoteIpValve) only from internal addresses, and the front end's address is not documented.
 * The env name follows Spring Boot's binding rule (dots to underscores, dashes removed).
 * https://docs.spring.io/spring-boot/how-to/webserver.html#howto.webserver.use-behind-a-proxy-server
 */
function spring(repo: AppRepo | undefined): ProxyTrust {
  const config = ["", "src/main/resources/", "config/"].flatMap((d) =>
    ["application.properties", "application.yml", "application.yaml"].map((f) => `${d}${f}`),
  );
  if (
    repo?.present &&
    firstText(repo, config).some((f) => /forward[-_]headers[-_]strategy|use-forward-headers/i.test(f.text))
  )
    return { set: {}, changes: [] };
  const why = `Spring Boot applies X-Forwarded-* headers only when told to; ${FRONT_END} (framework: Spring's filter, from any peer)`;
  return { set: { SERVER_FORWARDHEADERSSTRATEGY: { value: "framework", why } }, changes: [] };
}

/** A Spring Boot process: the inventory says so, or a Java process whose build uses Spring Boot. */
export function isSpringBoot(s: Service, repo: AppRepo | undefined): boolean {
  const springBuild = () =>
    !!repo?.present &&
    firstText(repo, ["pom.xml", "build.gradle", "build.gradle.kts"]).some((f) => /spring-boot/.test(f.text));
  return has(s, /spring/i) || (s.runtime === "java" && springBuild());
}

/** `serverTrusts`: a gunicorn/uvicorn front that sets the scheme itself once it trusts the front end. */
export function frameworkProxyTrust(s: Service, repo: AppRepo | undefined, serverTrusts: boolean): ProxyTrust {
  if (isSpringBoot(s, repo)) return spring(repo);
  if (!repo?.present) return { set: {}, changes: [] };
  if (has(s, /django|manage\.py/i)) return serverTrusts ? { set: {}, changes: [] } : django(s, repo);
  if (has(s, /laravel|artisan/i)) return laravel(repo);
  if (has(s, /symfony/i)) return symfony(repo);
  if (s.runtime === "node" || has(s, /express|koa/i)) return node(s, repo);
  return { set: {}, changes: [] };
}
