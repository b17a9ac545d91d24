// Behind Cloud Run the app's web process gets requests from Google's front end, not the VM's nginx
// on 127.0.0.1 (rules/proxy-trust.ts): each server and framework is told to trust the forwarded
// headers the way it reads them (a plain env value the deploy sets, else a named one-line change),
// and an app that already trusts the proxy gets nothing. A table per server/framework on small
// repositories, then the real apps of the corpus.
import { readFileSync } from "node:fs";
import path from "node:path";
import { parse } from "yaml";
import { afterAll, describe, expect, it } from "vitest";
import { openRepo } from "../../../src/image/repo.js";
import type { Service } from "../../../src/inventory/schema.js";
import { proxyTrust } from "../../../src/phases/design/rules/proxy-trust.js";
import { designPhase } from "../../../src/phases/design/index.js";
import { designResultSchema } from "../../../src/phases/design/schema.js";
import { isAppApi } from "../../../src/contracts/deployment.js";
import { deployFlags } from "../../../src/phases/cicd/deploy-flags.js";
import { TempTrees } from "../../helpers/file-tree.js";
import { inputFromFile, ROOT } from "../../helpers/phase-input.js";
import { withAudit } from "./design-input.js";

const trees = new TempTrees("proxy-trust-");
afterAll(() => trees.removeAll());

const web = (over: Partial<Service>): Service =>
  ({ name: "app", role: "web", software: "other", env: [], listen: [], dependsOn: [], ...over }) as Service;

interface Case {
  name: string;
  service: Partial<Service>;
  files?: Record<string, string>;
  set?: Record<string, string>;
  change?: RegExp;
}

const DJANGO_SETTINGS = { "shop/settings.py": "DEBUG = False\nSECURE_SSL_REDIRECT = True\n" };
const CASES: Case[] = [
  {
    name: "gunicorn",
    service: { software: "gunicorn", command: "gunicorn shop.wsgi" },
    set: { FORWARDED_ALLOW_IPS: "*" },
  },
  {
    name: "uvicorn",
    service: { software: "uvicorn", command: "uvicorn main:app --port 8000" },
    set: { FORWARDED_ALLOW_IPS: "*" },
  },
  {
    name: "fastapi run (uvicorn)",
    service: { software: "python", command: "fastapi run app/main.py" },
    set: { FORWARDED_ALLOW_IPS: "*" },
  },
  {
    name: "gunicorn with a loopback flag",
    service: { software: "gunicorn", command: "gunicorn --forwarded-allow-ips=127.0.0.1 shop.wsgi" },
    change: /passes --forwarded-allow-ips=127\.0\.0\.1, which wins over the environment: make it '\*'/,
  },
  {
    name: "gunicorn already trusting all",
    service: { software: "gunicorn", command: "gunicorn --forwarded-allow-ips '*' a:b" },
  },
  {
    name: "uvicorn without proxy headers",
    service: { software: "uvicorn", command: "uvicorn main:app --no-proxy-headers" },
    set: { FORWARDED_ALLOW_IPS: "*" },
    change: /passes --no-proxy-headers: drop it/,
  },
  {
    name: "gunicorn config file reading its own variable",
    service: { software: "gunicorn", command: "/opt/app/venv/bin/gunicorn -c /opt/app/gunicorn.py app.wsgi" },
    files: { "gunicorn.py": 'forwarded_allow_ips = os.environ.get("APP_TRUSTED_PROXIES", "127.0.0.1")\n' },
    set: { APP_TRUSTED_PROXIES: "*" },
  },
  {
    name: "gunicorn.conf.py with a fixed address",
    service: { software: "gunicorn", command: "gunicorn app.wsgi" },
    files: { "gunicorn.conf.py": "forwarded_allow_ips = '10.0.0.5'\n" },
    change: /gunicorn\.conf\.py sets forwarded_allow_ips = '10\.0\.0\.5', which wins over FORWARDED_ALLOW_IPS/,
  },
  {
    name: "Django under uWSGI",
    service: { software: "uwsgi", framework: "django", command: "uwsgi --http-socket :8000 --module shop.wsgi" },
    files: DJANGO_SETTINGS,
    change: /^Add `SECURE_PROXY_SSL_HEADER = \("HTTP_X_FORWARDED_PROTO", "https"\)` to shop\/settings\.py/,
  },
  {
    name: "Django under uWSGI, already set",
    service: { software: "uwsgi", framework: "django" },
    files: { "shop/settings/base.py": 'SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")\n' },
  },
  {
    name: "Django under gunicorn",
    service: { software: "gunicorn", framework: "django" },
    files: DJANGO_SETTINGS,
    set: { FORWARDED_ALLOW_IPS: "*" },
  },
  {
    name: "Spring Boot",
    service: { software: "java", runtime: "java", framework: "spring" },
    set: { SERVER_FORWARDHEADERSSTRATEGY: "framework" },
  },
  {
    name: "Spring Boot found by its build",
    service: { software: "java", runtime: "java" },
    files: { "pom.xml": "<artifactId>spring-boot-starter-web</artifactId>" },
    set: { SERVER_FORWARDHEADERSSTRATEGY: "framework" },
  },
  {
    name: "Spring Boot already configured",
    service: { software: "java", runtime: "java", framework: "spring" },
    files: { "src/main/resources/application.yml": "server:\n  forward-headers-strategy: native\n" },
  },
  {
    name: "Laravel 10 trusting nothing",
    service: { software: "php-fpm", runtime: "php", framework: "laravel" },
    files: {
      "app/Http/Middleware/TrustProxies.php": "<?php class TrustProxies extends Middleware { protected $proxies; }",
    },
    change: /^In app\/Http\/Middleware\/TrustProxies\.php set `protected \$proxies = '\*';`/,
  },
  {
    name: "Laravel reading its proxies from config (BookStack)",
    service: { software: "php-fpm", runtime: "php", framework: "laravel" },
    files: {
      "app/Http/Middleware/TrustProxies.php": "<?php $proxies = config('app.proxies');",
      "app/Config/app.php": "<?php return ['proxies' => env('APP_PROXIES', ''),];",
    },
    set: { APP_PROXIES: "*" },
  },
  {
    name: "Laravel 11 trusting nothing",
    service: { software: "php-fpm", runtime: "php", framework: "laravel" },
    files: {
      "bootstrap/app.php": "<?php return Application::configure()->withMiddleware(function ($m) {})->create();",
    },
    change: /^In bootstrap\/app\.php, inside ->withMiddleware\(\.\.\.\), add `\$middleware->trustProxies\(at: '\*'\);`/,
  },
  {
    name: "Laravel 11 already trusting",
    service: { software: "php-fpm", runtime: "php", framework: "laravel" },
    files: { "bootstrap/app.php": "->withMiddleware(function ($m) { $m->trustProxies(at: '*'); })" },
  },
  {
    name: "Symfony recipe reading TRUSTED_PROXIES",
    service: { software: "php-fpm", runtime: "php", framework: "symfony" },
    files: { "config/packages/framework.yaml": "framework:\n    trusted_proxies: '%env(TRUSTED_PROXIES)%'\n" },
    set: { TRUSTED_PROXIES: "REMOTE_ADDR" },
  },
  {
    name: "Symfony trusting nothing",
    service: { software: "php-fpm", runtime: "php", framework: "symfony" },
    files: { "config/packages/framework.yaml": "framework:\n    secret: '%env(APP_SECRET)%'\n" },
    set: { TRUSTED_PROXIES: "REMOTE_ADDR" },
    change: /under framework:, add `trusted_proxies: '%env\(TRUSTED_PROXIES\)%'`/,
  },
  {
    name: "Symfony 5.4 in the app/config layout (wallabag) trusting nothing",
    service: { software: "php-fpm", runtime: "php", framework: "symfony" },
    files: {
      "app/config/config.yml": "framework:\n    secret: '%env(APP_SECRET)%'\n",
      "web/index.php": "<?php return fn (array $c) => new AppKernel($c['APP_ENV'], (bool) $c['APP_DEBUG']);\n",
      "composer.lock": '{"packages":[{"name":"symfony/framework-bundle","version":"v5.4.45"}]}',
    },
    set: { TRUSTED_PROXIES: "REMOTE_ADDR" },
    change: /^In app\/config\/config\.yml, under framework:, add `trusted_proxies: '%env\(TRUSTED_PROXIES\)%'`/,
  },
  {
    name: "Symfony 2 layout already trusting in config.yml",
    service: { software: "php-fpm", runtime: "php", framework: "symfony" },
    files: { "app/config/config.yml": "framework:\n    trusted_proxies: [10.0.0.0/8]\n" },
  },
  {
    name: "Symfony 3.4 trusting in web/app.php",
    service: { software: "php-fpm", runtime: "php", framework: "symfony" },
    files: {
      "app/config/config.yml": "framework:\n    secret: '%secret%'\n",
      "web/app.php": "<?php\nRequest::setTrustedProxies(['127.0.0.1'], Request::HEADER_X_FORWARDED_ALL);\n",
    },
  },
  {
    name: "Symfony 4.4 (no trusted_proxies option) trusting nothing",
    service: { software: "php-fpm", runtime: "php", framework: "symfony" },
    files: {
      "config/packages/framework.yaml": "framework:\n    secret: '%env(APP_SECRET)%'\n",
      "public/index.php": "<?php\n$kernel = new Kernel($_SERVER['APP_ENV'], (bool) $_SERVER['APP_DEBUG']);\n",
      "composer.lock": '{"packages":[{"name":"symfony/framework-bundle","version":"v4.4.50"}]}',
    },
    change:
      /^In public\/index\.php, before the request is handled, add `Request::setTrustedProxies\(\[\$_SERVER\['REMOTE_ADDR'\]\]/,
  },
  {
    name: "Express",
    service: { software: "node", runtime: "node", framework: "express", command: "node /srv/app/server.js" },
    files: { "server.js": "const app = express();\napp.listen(3000);\n" },
    change: /^In server\.js, right after the app is created, add `app\.set\('trust proxy', true\);`/,
  },
  {
    name: "Express already trusting",
    service: { software: "node", runtime: "node", command: "npm start" },
    files: {
      "package.json": '{"scripts":{"start":"node src/index.js"}}',
      "src/index.js": "const app = express(); app.set('trust proxy', 1);",
    },
  },
  {
    name: "Koa",
    service: { software: "node", runtime: "node", command: "node build/server/index.js" },
    files: { "build/server/index.js": "const app = new Koa();\n" },
    change: /add `app\.proxy = true;`: Koa ignores X-Forwarded-Proto/,
  },
  {
    name: "Rails (Rack reads X-Forwarded-Proto itself)",
    service: { software: "puma", runtime: "ruby", framework: "rails" },
    files: { "config/environments/production.rb": "config.force_ssl = true\n" },
  },
];

describe("proxy trust per server and framework", () => {
  it.each(CASES)("$name", async (c) => {
    const repo = openRepo(await trees.make(c.files ?? { "README.md": "" }));
    const out = proxyTrust(web(c.service), repo);
    expect(Object.fromEntries(Object.entries(out.set).map(([k, v]) => [k, v.value]))).toEqual(c.set ?? {});
    if (c.change) expect(out.changes).toEqual([expect.stringMatching(c.change)]);
    else expect(out.changes).toEqual([]);
  });

  it("asks for no framework change without the repository", () => {
    const out = proxyTrust(web({ software: "uwsgi", framework: "django" }), undefined);
    expect(out).toEqual({ set: {}, changes: [] });
  });
});

/** Per real app: the web target's proxy-trust env, and whether its mapping names a code change. */
const CORPUS: Record<string, { target: string; set: Record<string, string>; change?: RegExp }> = {
  netbox: { target: "netbox", set: { FORWARDED_ALLOW_IPS: "*" } },
  redash: { target: "redash-server", set: { FORWARDED_ALLOW_IPS: "*" } },
  "fastapi-celery": { target: "fastapi-web", set: { FORWARDED_ALLOW_IPS: "*" } },
  "spring-petclinic": { target: "petclinic", set: { SERVER_FORWARDHEADERSSTRATEGY: "framework" } },
  // Go: its public URLs come from Settings → Root URL, not from forwarded headers.
  listmonk: { target: "listmonk-main", set: {} },
  healthchecks: { target: "healthchecks-web", set: {}, change: /SECURE_PROXY_SSL_HEADER .* to hc\/settings\.py/ },
  "paperless-ngx": { target: "paperless-webserver", set: {}, change: /to src\/paperless\/settings\/__init__\.py/ },
  mastodon: { target: "mastodon-web", set: {} },
  maybe: { target: "maybe-web", set: {} },
  redmine: { target: "redmine", set: {} },
  outline: { target: "outline-web", set: {} },
  pixelfed: { target: "php8-2-fpm", set: {} },
  bookstack: { target: "php8-2-fpm", set: {} },
  wallabag: {
    target: "php8-2-fpm",
    set: { TRUSTED_PROXIES: "REMOTE_ADDR" },
    change: /^In app\/config\/config\.yml, under framework:, add `trusted_proxies/,
  },
};

describe.each(Object.entries(CORPUS))("real app %s", (app, want) => {
  it("trusts Google's front end the way its server and framework read it, and the deploy carries it", () => {
    const dir = path.join(ROOT, "test/fixtures/real", app);
    const truth = parse(readFileSync(path.join(dir, "truth.yaml"), "utf8")) as { from: string };
    const input = {
      ...withAudit(inputFromFile(path.join(dir, "inventory.yaml"))),
      repoDir: path.join(dir, truth.from),
    };
    const result = designResultSchema.parse(designPhase.offline(input));
    const target = result.deployment.services.find((t) => isAppApi(t) && t.replaces.includes(want.target));
    expect(target, want.target).toBeDefined();
    const trust = ["FORWARDED_ALLOW_IPS", "SERVER_FORWARDHEADERSSTRATEGY", "TRUSTED_PROXIES", "APP_PROXIES"];
    const env = Object.fromEntries(Object.entries(target!.env ?? {}).filter(([k]) => trust.includes(k)));
    expect(env).toEqual(want.set);
    const changes = result.mapping.find((m) => m.service === want.target)!.appChanges;
    const trustChanges = changes.filter((c) =>
      /SECURE_PROXY_SSL_HEADER|trust proxy|trustProxies|\$proxies|app\.proxy|trusted_proxies|setTrustedProxies/.test(c),
    );
    if (want.change) expect(trustChanges).toEqual([expect.stringMatching(want.change)]);
    else expect(trustChanges).toEqual([]);
    // The value reaches gcloud quoted, never as a shell glob.
    const flags = deployFlags(target!, result.deployment).join(" ");
    for (const [k, v] of Object.entries(want.set)) expect(flags).toContain(`${k}=${v}`);
  });
});
