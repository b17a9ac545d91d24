// Sessions kept inside one instance, for Rails, Flask-Session and Spring Boot (session-store.ts has
// Laravel, Django and Express and says why this matters on Cloud Run). As there, only what the
// app's settings and packages show is claimed.
import { hasPackage, type AppContext } from "./app-context.js";
import { detectCacheStore } from "./cache-store.js";
import type { SessionStore } from "../inventory/schema.js";
import type { SessionFinding } from "./session-finding.js";

const RAILS_SESSIONS: Record<string, SessionStore> = {
  cookie_store: "cookie",
  active_record_store: "database",
  redis_session_store: "redis",
  redis_store: "redis",
  mem_cache_store: "memcached",
};

/**
 * Rails: `config.session_store :…` (config/initializers/session_store.rb or an environment file);
 * unset it is the cookie store, shared by nature. `:cache_store` keeps sessions in Rails.cache, so
 * they are where that cache is: a file or memory store is each instance's own.
 * https://guides.rubyonrails.org/configuring.html#config-session-store
 */
export function railsSession(app: AppContext, env: Record<string, string>): SessionFinding | undefined {
  if (!hasPackage(app, "ruby", "rails") && !hasPackage(app, "ruby", "railties")) return undefined;
  for (const { file, text } of app.configTexts.filter((c) => /\.rb$/.test(c.file))) {
    const kind = /^[^#\n]*\bsession_store[\s(=]+:(\w+)/m.exec(text)?.[1];
    if (!kind) continue;
    if (kind === "cache_store") {
      const cache = detectCacheStore(app, env);
      if (!cache || cache.framework !== "rails") return undefined;
      const store: SessionStore = cache.store === "file" || cache.store === "memory" ? "cache-local" : cache.store;
      return { store, framework: "rails", source: file };
    }
    return RAILS_SESSIONS[kind] && { store: RAILS_SESSIONS[kind], framework: "rails", source: file };
  }
  return undefined;
}

const FLASK_SESSION_TYPES: Record<string, SessionStore> = {
  filesystem: "file",
  redis: "redis",
  memcached: "memcached",
  mongodb: "database",
  sqlalchemy: "database",
  dynamodb: "dynamodb",
};

/**
 * Flask-Session: SESSION_TYPE in a config file or the env. "filesystem" (and "cachelib" on a
 * FileSystemCache) writes sessions to the instance's disk. Flask's own session is a signed cookie.
 * https://flask-session.readthedocs.io/en/latest/config.html
 */
export function flaskSession(app: AppContext, env: Record<string, string>): SessionFinding | undefined {
  if (!hasPackage(app, "python", "flask-session")) return undefined;
  const setting = /SESSION_TYPE["'\]]*\s*[=:]\s*(?:os\.\w+(?:\.get)?\(\s*["']\w+["']\s*,\s*)?["'](\w+)["']/;
  for (const { file, text } of app.configTexts.filter((c) => /\.py$/.test(c.file))) {
    const type = setting.exec(text)?.[1]?.toLowerCase();
    if (!type) continue;
    const fileCache = type === "cachelib" && /FileSystemCache/.test(text);
    const store = fileCache ? "file" : FLASK_SESSION_TYPES[env.SESSION_TYPE?.toLowerCase() ?? type];
    return store && { store, framework: "flask", source: file };
  }
  const fromEnv = env.SESSION_TYPE?.trim().toLowerCase();
  return fromEnv && FLASK_SESSION_TYPES[fromEnv]
    ? { store: FLASK_SESSION_TYPES[fromEnv], framework: "flask", source: "SESSION_TYPE" }
    : undefined;
}

const VIEW_STARTERS = [
  "spring-boot-starter-thymeleaf",
  "spring-boot-starter-freemarker",
  "spring-boot-starter-mustache",
  "spring-boot-starter-groovy-templates",
];

/**
 * Spring Boot: Spring Security's form login keeps the logged-in user in the servlet container's
 * HttpSession, in the process's memory, unless Spring Session stores it elsewhere
 * (https://docs.spring.io/spring-session/reference/guides/boot-redis.html). Claimed for an app with
 * Spring Security and server-rendered pages (a login form) and no spring-session-* module; an API
 * behind a resource server (tokens, no session) is no fact.
 */
export function springSession(app: AppContext): SessionFinding | undefined {
  const has = (p: string) => hasPackage(app, "java", p);
  if (!has("spring-boot-starter-security") || !VIEW_STARTERS.some(has)) return undefined;
  if (has("spring-boot-starter-oauth2-resource-server")) return undefined;
  if ([...app.packages.java].some((p) => p.startsWith("spring-session"))) return undefined;
  return { store: "memory", framework: "spring", source: "pom.xml (spring-boot-starter-security, no spring-session)" };
}
