// Where a web app keeps sessions, per framework, from its packages, settings files and the
// deployment's env: only what they show is claimed (an unknown setting gives no fact), and the
// stores that live in one instance are the ones the audit warns about.
import { describe, expect, it } from "vitest";
import { emptyContext } from "../../src/detect/app-context.js";
import { detectSessionStore } from "../../src/detect/session-store.js";
import { PER_INSTANCE_STORES } from "../../src/inventory/schema.js";
import { HOST_APP_SCAN } from "../../src/detect/host.js";

function app(
  packages: { php?: string[]; python?: string[]; node?: string[]; ruby?: string[]; java?: string[] },
  configs: Record<string, string> = {},
) {
  const context = emptyContext();
  for (const name of packages.ruby ?? []) context.packages.ruby.add(name);
  for (const name of packages.java ?? []) context.packages.java.add(name);
  for (const name of packages.php ?? []) context.packages.php.add(name);
  for (const name of packages.python ?? []) context.packages.python.add(name);
  for (const name of packages.node ?? []) context.packages.node.add(name);
  context.configTexts = Object.entries(configs).map(([file, text]) => ({ file, text }));
  return context;
}

const laravel = (session?: string) =>
  app({ php: ["laravel/framework"] }, session ? { "config/session.php": session } : {});
const LARAVEL_10 = "<?php\nreturn [\n    'driver' => env('SESSION_DRIVER', 'file'),\n    'lifetime' => 120,\n];";
const LARAVEL_11 = "<?php\nreturn [\n    'driver' => env('SESSION_DRIVER', 'database'),\n];";

describe("Laravel: SESSION_DRIVER from the env, else config/session.php's default", () => {
  it.each([
    ["the env's file driver", laravel(LARAVEL_11), { SESSION_DRIVER: "file" }, "file", "SESSION_DRIVER"],
    ["the env's redis driver", laravel(LARAVEL_10), { SESSION_DRIVER: "redis" }, "redis", "SESSION_DRIVER"],
    ["the env's array driver (process memory)", laravel(), { SESSION_DRIVER: "array" }, "memory", "SESSION_DRIVER"],
    ["Laravel 10's default: file", laravel(LARAVEL_10), {}, "file", "config/session.php"],
    ["Laravel 11's default: database", laravel(LARAVEL_11), {}, "database", "config/session.php"],
    ["a driver written in the config", laravel("'driver' => 'cookie',"), {}, "cookie", "config/session.php"],
  ])("%s", (_name, context, env, store, source) => {
    expect(detectSessionStore(context, env)).toEqual({ store, framework: "laravel", source });
  });

  it("no env value and no config/session.php read: unknown, no fact", () => {
    expect(detectSessionStore(laravel(), {})).toBeUndefined();
    // A driver this table does not know (a package's own) is not guessed either.
    expect(detectSessionStore(laravel(LARAVEL_10), { SESSION_DRIVER: "mongodb" })).toBeUndefined();
  });
});

const django = (settings: string) => app({ python: ["django"] }, { "myproj/settings.py": settings });

describe("Django: SESSION_ENGINE at the top of a settings file", () => {
  const FILE = 'SESSION_ENGINE = "django.contrib.sessions.backends.file"\n';
  const CACHE = 'SESSION_ENGINE = "django.contrib.sessions.backends.cache"\n';
  it.each([
    ["file sessions", FILE, "file"],
    ["cache sessions on Django's default LocMem cache", CACHE, "cache-local"],
    [
      "cache sessions on a file cache",
      `${CACHE}CACHES = {"default": {"BACKEND": "django.core.cache.backends.filebased.FileBasedCache"}}`,
      "cache-local",
    ],
    [
      "cache sessions on Redis",
      `${CACHE}CACHES = {\n  "default": {\n    "BACKEND": "django_redis.cache.RedisCache",\n  }\n}`,
      "redis",
    ],
    ["cached_db", 'SESSION_ENGINE = "django.contrib.sessions.backends.cached_db"', "database"],
    ["signed cookies", "SESSION_ENGINE = 'django.contrib.sessions.backends.signed_cookies'", "cookie"],
  ])("%s", (_name, settings, store) => {
    expect(detectSessionStore(django(settings), {})).toEqual({
      store,
      framework: "django",
      source: "myproj/settings.py",
    });
  });

  it("the default (db) and an engine set only inside an if are no fact", () => {
    expect(detectSessionStore(django("INSTALLED_APPS = ['django.contrib.sessions']"), {})).toBeUndefined();
    // NetBox: file sessions only when SESSION_FILE_PATH is configured.
    const netbox = `if SESSION_FILE_PATH is not None:\n    ${FILE}`;
    expect(detectSessionStore(django(netbox), {})).toBeUndefined();
    // Cache sessions whose CACHES names a backend this table does not know.
    expect(detectSessionStore(django(`${CACHE}CACHES = {"default": {"BACKEND": "my.Cache"}}`), {})).toBeUndefined();
  });
});

describe("Express: express-session's MemoryStore unless a store package is there", () => {
  it.each([
    [["express", "express-session"], "memory", "package.json (express-session)"],
    [["express", "express-session", "connect-redis", "redis"], "redis", "package.json (connect-redis)"],
    [["express", "express-session", "connect-pg-simple"], "database", "package.json (connect-pg-simple)"],
    [["express", "express-session", "session-file-store"], "file", "package.json (session-file-store)"],
  ])("%j", (node, store, source) => {
    expect(detectSessionStore(app({ node }), {})).toEqual({ store, framework: "express", source });
  });

  it("a store package this table does not know, or no express-session: no fact", () => {
    expect(detectSessionStore(app({ node: ["express", "express-session", "connect-foo-store"] }), {})).toBeUndefined();
    expect(detectSessionStore(app({ node: ["express", "cookie-session"] }), {})).toBeUndefined();
  });
});

describe("Rails: config.session_store, :cache_store judged by the cache it sits on", () => {
  const rails = (session: string, production = "config.log_level = :info") =>
    app(
      { ruby: ["rails"] },
      {
        "config/environments/production.rb": production,
        "config/initializers/session_store.rb": session,
      },
    );
  it.each([
    [
      "cache_store on Rails' default file cache",
      "Rails.application.config.session_store :cache_store",
      undefined,
      "cache-local",
    ],
    [
      "cache_store on a Redis cache",
      "Rails.application.config.session_store :cache_store, key: '_app_session'",
      "config.cache_store = :redis_cache_store, { url: ENV['REDIS_URL'] }",
      "redis",
    ],
    [
      "the cookie store (Mastodon's)",
      "Rails.application.config.session_store :cookie_store, key: '_mastodon_session'",
      undefined,
      "cookie",
    ],
    [
      "activerecord-session_store",
      "Rails.application.config.session_store :active_record_store",
      undefined,
      "database",
    ],
    ["redis-session-store", "Rails.application.config.session_store :redis_session_store", undefined, "redis"],
  ])("%s", (_name, session, production, store) => {
    expect(detectSessionStore(rails(session, production), {})).toEqual({
      store,
      framework: "rails",
      source: "config/initializers/session_store.rb",
    });
  });

  it("no session_store line is Rails' cookie store: no fact needed", () => {
    expect(detectSessionStore(rails("# nothing"), {})).toBeUndefined();
  });
});

describe("Flask-Session: SESSION_TYPE", () => {
  const flask = (config: string, python = ["flask", "flask-session"]) => app({ python }, { "app/config.py": config });
  it.each([
    ['SESSION_TYPE = "filesystem"', "file"],
    ['app.config["SESSION_TYPE"] = "filesystem"', "file"],
    ['SESSION_TYPE = "cachelib"\nSESSION_CACHELIB = FileSystemCache("/tmp/sessions")', "file"],
    ['SESSION_TYPE = os.environ.get("SESSION_TYPE", "redis")', "redis"],
    ["SESSION_TYPE = 'sqlalchemy'", "database"],
  ])("%s", (config, store) => {
    expect(detectSessionStore(flask(config), {})).toEqual({
      store,
      framework: "flask",
      source: "app/config.py",
    });
  });

  it("the env decides where the config reads it; Flask without Flask-Session is a signed cookie", () => {
    expect(
      detectSessionStore(flask('SESSION_TYPE = os.environ.get("SESSION_TYPE", "redis")'), {
        SESSION_TYPE: "filesystem",
      }),
    ).toMatchObject({ store: "file" });
    expect(detectSessionStore(flask('SESSION_TYPE = "filesystem"', ["flask"]), {})).toBeUndefined();
  });
});

describe("Spring Boot: Spring Security's form login without Spring Session", () => {
  const spring = (...java: string[]) => app({ java: ["spring-boot-starter-web", ...java] });
  it("security with server-rendered pages and no spring-session-*: the container's in-memory HttpSession", () => {
    expect(
      detectSessionStore(spring("spring-boot-starter-security", "spring-boot-starter-thymeleaf"), {}),
    ).toMatchObject({
      store: "memory",
      framework: "spring",
    });
  });

  it.each([
    ["no Spring Security (Spring PetClinic)", ["spring-boot-starter-thymeleaf"]],
    [
      "Spring Session on Redis",
      ["spring-boot-starter-security", "spring-boot-starter-thymeleaf", "spring-session-data-redis"],
    ],
    ["Spring Session JDBC", ["spring-boot-starter-security", "spring-boot-starter-thymeleaf", "spring-session-jdbc"]],
    [
      "a token API (resource server, no pages)",
      ["spring-boot-starter-security", "spring-boot-starter-oauth2-resource-server"],
    ],
  ])("%s: no fact", (_name, java) => {
    expect(detectSessionStore(spring(...java), {})).toBeUndefined();
  });
});

it("file, memory and a local cache are the per-instance stores", () => {
  expect([...PER_INSTANCE_STORES].sort()).toEqual(["cache-local", "file", "memory"]);
});

it("the ssh read sends the settings files these readers use, as the disk read reads them", () => {
  const sent = new RegExp(HOST_APP_SCAN.settings);
  for (const file of [
    "config/initializers/session_store.rb",
    "config/environments/production.rb",
    "config/session.php",
    "app/Config/cache.php",
    "shop/settings.py",
    "app/config.py",
  ])
    expect(sent.test(file), file).toBe(true);
});
