// Where the cache lives that an app keeps rate limits and locks in, per framework, from its
// packages, settings files and the deployment's env: only what they show is claimed, and Django's
// cache only where django-ratelimit counts in it.
import { describe, expect, it } from "vitest";
import { emptyContext } from "../../src/detect/app-context.js";
import { detectCacheStore } from "../../src/detect/cache-store.js";
import { PER_INSTANCE_CACHES } from "../../src/inventory/schema.js";
import { HOST_APP_SCAN } from "../../src/detect/host.js";

function app(packages: { php?: string[]; python?: string[]; ruby?: string[] }, configs: Record<string, string> = {}) {
  const context = emptyContext();
  for (const name of packages.php ?? []) context.packages.php.add(name);
  for (const name of packages.python ?? []) context.packages.python.add(name);
  for (const name of packages.ruby ?? []) context.packages.ruby.add(name);
  context.configTexts = Object.entries(configs).map(([file, text]) => ({ file, text }));
  return context;
}

const laravel = (cache?: string, file = "config/cache.php") =>
  app({ php: ["laravel/framework"] }, cache ? { [file]: cache } : {});
const LARAVEL_10 = "<?php\nreturn [\n    'default' => env('CACHE_DRIVER', 'file'),\n];";
const LARAVEL_11 = "<?php\nreturn [\n    'default' => env('CACHE_STORE', 'database'),\n];";

describe("Laravel: the variable config/cache.php reads, else its default", () => {
  it.each([
    ["Laravel 10's default: file", laravel(LARAVEL_10), {}, "file", "config/cache.php"],
    ["Laravel 11's default: database", laravel(LARAVEL_11), {}, "database", "config/cache.php"],
    ["CACHE_DRIVER=redis on Laravel 10", laravel(LARAVEL_10), { CACHE_DRIVER: "redis" }, "redis", "CACHE_DRIVER"],
    ["CACHE_STORE=file on Laravel 11", laravel(LARAVEL_11), { CACHE_STORE: "file" }, "file", "CACHE_STORE"],
    ["the array driver is process memory", laravel(LARAVEL_11), { CACHE_STORE: "array" }, "memory", "CACHE_STORE"],
    // Laravel 11 reads CACHE_STORE only: a CACHE_DRIVER left over from 10 changes nothing.
    ["11 ignores CACHE_DRIVER", laravel(LARAVEL_11), { CACHE_DRIVER: "redis" }, "database", "config/cache.php"],
    [
      "BookStack's app/Config/cache.php",
      laravel(LARAVEL_10, "app/Config/cache.php"),
      {},
      "file",
      "app/Config/cache.php",
    ],
    ["no config file read: the env", laravel(), { CACHE_DRIVER: "memcached" }, "memcached", "CACHE_DRIVER"],
  ])("%s", (_name, context, env, store, source) => {
    expect(detectCacheStore(context, env)).toMatchObject({ store, framework: "laravel", source });
  });

  it("nothing to read, or a driver this table does not know: no fact", () => {
    expect(detectCacheStore(laravel(), {})).toBeUndefined();
    expect(detectCacheStore(laravel(LARAVEL_10), { CACHE_DRIVER: "null" })).toBeUndefined();
    expect(detectCacheStore(app({ php: ["symfony/framework-bundle"] }), { CACHE_DRIVER: "file" })).toBeUndefined();
  });
});

const rails = (production: string, gems: string[] = []) =>
  app({ ruby: ["rails", ...gems] }, { "config/environments/production.rb": production });
const MAYBE = `Rails.application.configure do
  if ENV["CACHE_REDIS_URL"].present?
    config.cache_store = :redis_cache_store, { url: ENV["CACHE_REDIS_URL"] }
  end
end`;

describe("Rails: config.cache_store in production.rb, else Rails' file store", () => {
  it.each([
    ["memory_store", "config.cache_store = :memory_store, { size: 64.megabytes }", {}, "memory"],
    ["file_store", 'config.cache_store = :file_store, "/var/cache/app"', {}, "file"],
    [
      "Mastodon's redis_store",
      "config.cache_store = :redis_store, ENV['CACHE_REDIS_URL'], REDIS_CACHE_PARAMS",
      {},
      "redis",
    ],
    ["Rails 8's solid_cache_store", "config.cache_store = :solid_cache_store", {}, "database"],
    // Zammad's own FileStore subclass, in tmp/ (config/application.rb).
    [
      "an app's *_file_store",
      "config.cache_store = :zammad_file_store, Rails.root.join('tmp', 'cache_file_store'), { expires_in: 7.days }",
      {},
      "file",
    ],
    ["unset: tmp/cache files", "config.log_level = :info", {}, "file"],
    ["a commented line does not count", "# config.cache_store = :mem_cache_store", {}, "file"],
    // Maybe: the Redis cache only when CACHE_REDIS_URL is set.
    ["Maybe without CACHE_REDIS_URL", MAYBE, {}, "file"],
    ["Maybe with CACHE_REDIS_URL", MAYBE, { CACHE_REDIS_URL: "redis://r:6379/2" }, "redis"],
  ])("%s", (_name, production, env, store) => {
    expect(detectCacheStore(rails(production), env)).toMatchObject({ store, framework: "rails" });
  });

  it("names Rack::Attack where the app has it, and claims nothing without production.rb or for :null_store", () => {
    expect(detectCacheStore(rails("", ["rack-attack"]), {})?.reliedOn).toMatch(/Rack::Attack/);
    expect(detectCacheStore(app({ ruby: ["rails"] }), {})).toBeUndefined();
    expect(detectCacheStore(rails("config.cache_store = :null_store"), {})).toBeUndefined();
  });
});

const django = (settings: string, python = ["django", "django-ratelimit"]) =>
  app({ python }, { "shop/settings.py": settings });

describe("Django: the default cache, only where django-ratelimit counts in it", () => {
  it.each([
    ["no CACHES: LocMemCache", "DEBUG = False", "memory"],
    ["LocMemCache", 'CACHES = {"default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"}}', "memory"],
    [
      "FileBasedCache",
      'CACHES = {"default": {"BACKEND": "django.core.cache.backends.filebased.FileBasedCache"}}',
      "file",
    ],
    ["RedisCache", 'CACHES = {"default": {"BACKEND": "django.core.cache.backends.redis.RedisCache"}}', "redis"],
  ])("%s", (_name, settings, store) => {
    expect(detectCacheStore(django(settings), {})).toMatchObject({ store, framework: "django" });
  });

  it("a Django app without a rate limiter keeps nothing shared in its cache: no fact", () => {
    expect(detectCacheStore(django("DEBUG = False", ["django"]), {})).toBeUndefined();
    // django-axes counts in the database unless its cache handler is chosen.
    expect(detectCacheStore(django("DEBUG = False", ["django", "django-axes"]), {})).toBeUndefined();
  });

  it("django-axes with its cache handler counts failed logins in the default cache", () => {
    const axes = django(
      'AXES_HANDLER = "axes.handlers.cache.AxesCacheHandler"\nCACHES = {"default": {"BACKEND": "django.core.cache.backends.filebased.FileBasedCache"}}',
      ["django", "django-axes"],
    );
    expect(detectCacheStore(axes, {})).toMatchObject({ store: "file", reliedOn: "django-axes' failed-login counts" });
  });
});

it("file and memory are the per-instance caches", () => {
  expect([...PER_INSTANCE_CACHES].sort()).toEqual(["file", "memory"]);
});

describe("Rails: config.cache_store in config/application.rb, which production.rb overrides", () => {
  const both = (production: string, application: string) =>
    app({ ruby: ["rails"] }, { "config/environments/production.rb": production, "config/application.rb": application });
  it.each([
    [
      "application.rb's Redis cache, production.rb silent",
      "config.log_level = :info",
      "config.cache_store = :redis_cache_store, { url: ENV['REDIS_URL'] }",
      { store: "redis", source: "config/application.rb" },
    ],
    [
      "production.rb's store wins (it is loaded after application.rb)",
      "config.cache_store = :mem_cache_store",
      "config.cache_store = :redis_cache_store",
      { store: "memcached", source: "config/environments/production.rb" },
    ],
    [
      "application.rb's memory store",
      "",
      "    config.cache_store = :memory_store, { size: 64.megabytes }",
      { store: "memory", source: "config/application.rb" },
    ],
    [
      "neither sets one: Rails' file store",
      "config.log_level = :info",
      "config.time_zone = 'UTC'",
      { store: "file", source: "config/environments/production.rb (no cache_store: Rails' default)" },
    ],
  ])("%s", (_name, production, application, want) => {
    expect(detectCacheStore(both(production, application), {})).toMatchObject({ framework: "rails", ...want });
  });

  it("the ssh read sends config/application.rb", () => {
    expect(new RegExp(HOST_APP_SCAN.settings).test("config/application.rb")).toBe(true);
  });
});
