// The rules that complete a process from the app's files: manifests and lockfiles, server config
// files, the deployment's env, Redis uses, user-file folders. Tables of cases across ecosystems.
import { describe, expect, it } from "vitest";
import { emptyContext, readAppFiles, type AppContext } from "../../src/detect/app-context.js";
import { enrichService } from "../../src/detect/enrich.js";
import { parseGemfile } from "../../src/detect/gemfile.js";
import { listenFromConfig, springPort } from "../../src/detect/server-config.js";
import {
  activeStorageFolder,
  detectStorage,
  symfonyVarFolders,
  workingDirectoryFolders,
} from "../../src/detect/storage.js";
import { engineFromEnv, redisUses } from "../../src/detect/store-uses.js";
import { attachEnvValues } from "../../src/detect/systemd.js";
import type { ServiceFinding } from "../../src/detect/types.js";

async function context(files: Record<string, string>): Promise<AppContext> {
  const app = emptyContext();
  await readAppFiles(app, { files: Object.keys(files).sort(), read: async (f) => files[f] });
  return app;
}

describe("app files", () => {
  it("takes production packages only: dev requirement files, Gemfile test groups and require-dev are left out", async () => {
    const app = await context({
      "requirements.txt": "Django==5.0\npsycopg==3.1\n",
      "requirements-dev.txt": "mysqlclient==2.2\n",
      Gemfile: "gem 'rails'\ngroup :development, :test do\n  gem 'rspec-rails'\nend\ngem 'sidekiq', '~> 7'\n",
      "composer.json": '{"require": {"laravel/framework": "^10"}, "require-dev": {"phpunit/phpunit": "^9"}}',
      "package.json":
        '{"dependencies": {"bullmq": "^5"}, "devDependencies": {"jest": "^29"}, "scripts": {"start": "node server.js"}}',
    });
    expect([...app.packages.python]).toEqual(["django", "psycopg"]);
    expect([...app.packages.ruby]).toEqual(["rails", "sidekiq"]);
    expect([...app.packages.php]).toEqual(["laravel/framework"]);
    expect([...app.packages.node]).toEqual(["bullmq"]);
    expect(app.nodeScripts).toEqual({ start: "node server.js" });
  });

  it.each([
    [{ "requirements.txt": "", "poetry.lock": "" }, "python", "poetry"],
    [{ "pyproject.toml": "", "uv.lock": "" }, "python", "uv"],
    [{ "package.json": "{}", "yarn.lock": "" }, "node", "yarn"],
    [{ "package.json": "{}", "pnpm-lock.yaml": "" }, "node", "pnpm"],
    [{ "package.json": "{}" }, "node", undefined],
    [{ Gemfile: "", "Gemfile.lock": "" }, "ruby", "bundler"],
    [{ "composer.json": "{}" }, "php", "composer"],
    [{ "go.mod": "module example.com/app\n" }, "go", "go"],
    [{ "pom.xml": "<project/>" }, "java", "maven"],
    [{ "build.gradle.kts": "" }, "java", "gradle"],
  ] as const)("%o → %s package manager %s", async (files, ecosystem, manager) => {
    const app = await context(files as Record<string, string>);
    expect(app.packageManagers[ecosystem]).toBe(manager === undefined && ecosystem === "node" ? undefined : manager);
  });

  it("reads .env and <app>.conf beside the code, never .env.example or .env.test", async () => {
    const app = await context({
      ".env": "DB_CONNECTION=mysql\n",
      ".env.example": "DB_CONNECTION=sqlite\nEXAMPLE=1\n",
      ".env.test": "TEST=1\n",
      "paperless.conf": "PAPERLESS_DBENGINE=postgresql\n",
    });
    expect(app.env).toEqual({ DB_CONNECTION: "mysql", PAPERLESS_DBENGINE: "postgresql" });
  });

  it.each([
    // Symfony's Dotenv: .env holds the committed defaults, .env.local the server's values.
    [
      {
        ".env": "DATABASE_URL=sqlite:///data.db\nAPP_ENV=dev\n",
        ".env.local": "DATABASE_URL=mysql://u:p@127.0.0.1/app\nAPP_ENV=prod\n",
      },
      { DATABASE_URL: "mysql://u:p@127.0.0.1/app", APP_ENV: "prod" },
    ],
    // .env.prod.local applies last; .env.test.local and .env.dev.local are other environments'.
    [
      {
        ".env": "A=1\n",
        ".env.local": "A=2\n",
        ".env.prod": "A=3\n",
        ".env.prod.local": "A=4\n",
        ".env.test.local": "A=5\n",
        ".env.dev.local": "A=6\n",
      },
      { A: "4" },
    ],
    [{ ".env.local.example": "A=1\n", ".env.local": "B=2\n" }, { B: "2" }],
  ])("the machine's own overrides win over .env: %j", async (files, env) => {
    expect((await context(files)).env).toEqual(env);
  });

  it("a Gemfile group that includes production is production", () => {
    expect(parseGemfile("group :production, :test do\n  gem 'lograge'\nend\ngem 'pg', group: :test\n")).toEqual([
      "lograge",
    ]);
  });
});

describe("server addresses from config files and env", () => {
  it.each([
    ["bind = '127.0.0.1:8001'\nworkers = 5\n", {}, "127.0.0.1:8001"],
    ['bind = ["0.0.0.0:9000"]\n', {}, "0.0.0.0:9000"],
    ["[uwsgi]\nhttp-socket = :8000\n", {}, "127.0.0.1:8000"],
    [`bind "tcp://#{ENV.fetch('BIND', '127.0.0.1')}:#{ENV.fetch('PORT', 3000)}"\n`, { PORT: "3100" }, "127.0.0.1:3100"],
    [`bind "tcp://#{ENV.fetch('BIND', '127.0.0.1')}:#{ENV.fetch('PORT', 3000)}"\n`, {}, "127.0.0.1:3000"],
    ["port ENV.fetch('PORT') { 3000 }\n", {}, "0.0.0.0:3000"],
    ["workers 2\n", {}, undefined],
  ])("%s with %o → %s", (text, env, listen) => {
    expect(listenFromConfig(text, env)).toBe(listen);
  });

  it("Spring's server.port in the active profile's properties wins over the default file", () => {
    const texts = [
      { file: "src/main/resources/application.properties", text: "server.port=8081\n" },
      { file: "src/main/resources/application-mysql.properties", text: "server.port=9090\n" },
    ];
    expect(springPort(texts, ["mysql"])).toBe(9090);
    expect(springPort(texts, [])).toBe(8081);
  });
});

function finding(s: Partial<ServiceFinding> & Pick<ServiceFinding, "command">): ServiceFinding {
  return { name: "svc", role: "other", software: "x", listen: [], source: "unit", ...s };
}

describe("enrichService", () => {
  const none = { proxyTargets: new Set<number>(), readConfig: async () => undefined };

  it("a Node process that says it works a queue is a worker; one that does not is web, on its PORT", async () => {
    const app = await context({ "package.json": '{"dependencies": {"koa": "^2", "bull": "^4", "socket.io": "^4"}}' });
    const web = finding({
      command: "node build/server/index.js --services=web",
      process: { runtime: "node", words: ["node", "build/server/index.js", "--services=web"], portEnv: ["PORT"] },
    });
    attachEnvValues(web, { PORT: "3000" });
    const worker = finding({
      command: "node build/server/index.js --services=worker",
      process: { runtime: "node", words: ["node", "index.js", "--services=worker"], portEnv: ["PORT"] },
    });
    attachEnvValues(worker, { PORT: "3000" });
    await enrichService(web, { app, ...none });
    await enrichService(worker, { app, ...none });
    expect(web).toMatchObject({
      role: "web",
      framework: "koa",
      listen: ["127.0.0.1:3000"],
      protocols: ["http", "websocket"],
      longRunning: true,
    });
    expect(worker).toMatchObject({ role: "worker", framework: "bull", listen: [], longRunning: true });
    expect(worker.protocols).toBeUndefined();
  });

  it("an app unit that stays up without listening is a worker loop; with a port and SMTP it stays a listener", async () => {
    const app = await context({ "requirements.txt": "Django==5\n", "manage.py": "" });
    const loop = finding({
      command: "python manage.py sendalerts",
      software: "django",
      process: { runtime: "python" },
    });
    const smtp = finding({
      command: "python manage.py smtpd --port 2525",
      software: "django",
      listen: ["0.0.0.0:2525"],
      process: { runtime: "python", protocols: ["smtp"] },
    });
    await enrichService(loop, { app, ...none });
    await enrichService(smtp, { app, ...none });
    expect(loop).toMatchObject({ role: "worker", runtime: "python", framework: "django", longRunning: true });
    expect(smtp).toMatchObject({ role: "other", protocols: ["smtp"], longRunning: true });
  });

  it("the binary named after the Go module is the app, web on the address its env gives", async () => {
    const app = await context({ "go.mod": "module miniflux.app/v2\n" });
    const s = finding({ command: "/usr/bin/miniflux" });
    attachEnvValues(s, { LISTEN_ADDR: "127.0.0.1:8080" });
    await enrichService(s, { app, ...none });
    expect(s).toMatchObject({
      role: "web",
      runtime: "go",
      listen: ["127.0.0.1:8080"],
      protocols: ["http"],
      packageManager: "go",
    });
  });

  it("a Spring Boot jar is web on 8080 unless its profile's properties say otherwise", async () => {
    const app = await context({ "pom.xml": "<artifactId>spring-boot-starter-webmvc</artifactId>" });
    const s = finding({
      command: "java -jar app.jar",
      process: { runtime: "java", portEnv: ["SERVER_PORT", "PORT"], words: ["java"] },
    });
    await enrichService(s, { app, ...none });
    expect(s).toMatchObject({ role: "web", framework: "spring", listen: ["127.0.0.1:8080"], packageManager: "maven" });
  });

  it.each([
    [
      "Jetty with its websocket server (Traccar)",
      'implementation "org.eclipse.jetty:jetty-server:$v"\nimplementation "org.eclipse.jetty.ee10.websocket:jetty-ee10-websocket-jetty-server:$v"',
      ["http", "websocket"],
    ],
    ["Undertow", 'implementation("io.undertow:undertow-core:2.3.0")', ["http"]],
    [
      "Jersey on its own container",
      'implementation "org.glassfish.jersey.containers:jersey-container-grizzly2-http:3.1"',
      ["http"],
    ],
  ])("a plain java -jar app whose build has an embedded HTTP server is web: %s", async (_name, gradle, protocols) => {
    const app = await context({ "build.gradle": gradle });
    const s = finding({
      command: "java -jar tracker-server.jar conf/app.xml",
      process: { runtime: "java", words: ["java"] },
    });
    await enrichService(s, { app, ...none });
    expect(s).toMatchObject({ role: "web", protocols });
  });

  it("a plain java -jar app with no HTTP server in its build is a worker", async () => {
    const app = await context({ "build.gradle": 'implementation "io.netty:netty-handler:4.1"' });
    const s = finding({ command: "java -jar consumer.jar", process: { runtime: "java", words: ["java"] } });
    await enrichService(s, { app, ...none });
    expect(s.role).toBe("worker");
  });

  it("an app process that listens on a port nobody proxies, with no known protocol, is a raw TCP listener", async () => {
    const app = await context({ "requirements.txt": "twisted\n" });
    const s = finding({
      command: "python server.py --port 7000",
      listen: ["0.0.0.0:7000"],
      process: { runtime: "python" },
    });
    await enrichService(s, { app, ...none });
    expect(s).toMatchObject({ role: "other", protocols: ["tcp"], longRunning: true });
  });

  it("a cron job keeps its role and gets no longRunning", async () => {
    const app = await context({ Gemfile: "gem 'rails'\n" });
    const job = finding({ role: "cron", command: "cd /srv/app && bin/tootctl media remove", scheduled: true });
    await enrichService(job, { app, ...none });
    expect(job).toMatchObject({ role: "cron", runtime: "ruby" });
    expect(job.longRunning).toBeUndefined();
  });
});

describe("Redis uses and the database engine", () => {
  const svc = (framework: string, extra: Partial<ServiceFinding> = {}) =>
    finding({ command: "x", role: "worker", framework, ...extra });

  it.each([
    [[svc("celery")], {}, {}, ["broker"]],
    [
      [svc("celery")],
      { "requirements.txt": "channels-redis\n" },
      { CELERY_RESULT_BACKEND: "redis://r/0" },
      ["broker", "results", "pubsub"],
    ],
    [[svc("rq")], { "configuration.py": "REDIS = {'tasks': {}, 'caching': {}}\n" }, {}, ["broker", "cache"]],
    [[svc("horizon")], {}, { CACHE_DRIVER: "redis", SESSION_DRIVER: "redis" }, ["broker", "cache", "sessions"]],
    [[svc("laravel-queue")], {}, { QUEUE_CONNECTION: "database" }, []],
    [
      [svc("sidekiq")],
      { "config/environments/production.rb": "config.cache_store = :redis_cache_store\n" },
      {},
      ["broker", "cache"],
    ],
    [
      [svc("sidekiq")],
      {
        "config/environments/production.rb":
          'if ENV["CACHE_REDIS_URL"].present?\n  config.cache_store = :redis_cache_store\nend\n',
      },
      {},
      ["broker"],
    ],
    [
      [svc("sidekiq")],
      {
        "config/environments/production.rb":
          'if ENV["CACHE_REDIS_URL"].present?\n  config.cache_store = :redis_cache_store\nend\n',
      },
      { CACHE_REDIS_URL: "redis://r/2" },
      ["broker", "cache"],
    ],
    [
      [svc("express", { role: "web", runtime: "node", protocols: ["http", "websocket"] })],
      { "package.json": '{"dependencies":{"ioredis":"5"}}' },
      {},
      ["pubsub"],
    ],
    [[svc("celery"), finding({ command: "rabbitmq-server", role: "broker", software: "rabbitmq" })], {}, {}, []],
    [[svc("symfony-messenger")], {}, { MESSENGER_TRANSPORT_DSN: "redis://localhost:6379/messages" }, ["broker"]],
    [[svc("symfony-messenger")], {}, { MESSENGER_TRANSPORT_DSN: "doctrine://default" }, []],
    [
      [svc("symfony", { command: "php bin/console wallabag:import:redis-worker --env=prod pocket -vv" })],
      {},
      {},
      ["broker"],
    ],
    [[svc("symfony", { command: "php bin/console app:redis-cleanup" })], {}, {}, []],
    [[svc("symfony", { role: "cron", command: "php bin/console app:redis-worker --once" })], {}, {}, []],
    // django-cache-url's CACHE_URL on Redis (Saleor): a cache; on memcached, not Redis's use.
    [[svc("celery")], {}, { CACHE_URL: "redis://localhost:6379/0" }, ["broker", "cache"]],
    [[svc("celery")], {}, { CACHE_URL: "memcached://localhost:11211" }, ["broker"]],
    [[svc("bullmq")], { "package.json": '{"dependencies":{"cache-manager-redis-yet":"4"}}' }, {}, ["broker", "cache"]],
    // A Redis-only queue library with no worker process: the web process enqueues there and runs the jobs itself.
    [
      [svc("express", { role: "web", runtime: "node" })],
      { "package.json": '{"dependencies":{"bullmq":"5"}}' },
      {},
      ["broker"],
    ],
    [[svc("rails", { role: "web", runtime: "ruby" })], { Gemfile: "gem 'sidekiq'\n" }, {}, ["broker"]],
    [[svc("flask", { role: "web", runtime: "python" })], { "requirements.txt": "rq==1.16\n" }, {}, ["broker"]],
    // Celery's broker may be another store: its package alone says nothing of Redis.
    [[svc("django", { role: "web", runtime: "python" })], { "requirements.txt": "celery==5.4\n" }, {}, []],
    // Django settings (Weblate's): results on the broker's Redis, sessions in a Redis cache.
    [
      [svc("celery")],
      {
        "weblate/settings.py":
          'CACHES = {"default": {"BACKEND": "django_redis.cache.RedisCache"}}\nSESSION_ENGINE = "django.contrib.sessions.backends.cache"\nCELERY_BROKER_URL = "redis://localhost:6379"\nCELERY_RESULT_BACKEND: str | None = CELERY_BROKER_URL\n',
      },
      {},
      ["broker", "cache", "results", "sessions"],
    ],
    // Flask-SocketIO's message queue on Redis: its instances share websocket events through it.
    [
      [svc("flask", { role: "web", runtime: "python" })],
      {},
      { SOCKETIO_MESSAGE_QUEUE: "redis://localhost:6379/1" },
      ["pubsub"],
    ],
    // Sessions in a cache that is not Redis, results in the database: neither is Redis's.
    [
      [svc("celery")],
      {
        "app/settings.py":
          'SESSION_ENGINE = "django.contrib.sessions.backends.cache"\nCELERY_RESULT_BACKEND = "django-db"\n',
      },
      {},
      ["broker"],
    ],
  ])("%#", async (services, files, env, uses) => {
    const app = await context(files as Record<string, string>);
    expect(redisUses(services, app, env).sort()).toEqual([...uses].sort());
  });

  it.each([
    [{ DATABASE_URL: "postgres://u:p@h/db" }, "postgres"],
    [{ DB_CONNECTION: "mysql" }, "mysql"],
    [{ DB_CONNECTION: "pgsql" }, "postgres"],
    [{ PAPERLESS_DBENGINE: "postgresql" }, "postgres"],
    [{ DB: "mariadb" }, "mariadb"],
    [{ MYSQL_URL: "jdbc:mysql://localhost/petclinic" }, "mysql"],
    [{ SPRING_PROFILES_ACTIVE: "postgres" }, "postgres"],
    [{ DB_CONNECTION: "sqlite" }, undefined],
    [{ REDIS_URL: "redis://localhost", CELERY_BROKER_URL: "amqp://x" }, undefined],
  ])("%o → %s", (env, engine) => {
    expect(engineFromEnv(env)).toBe(engine);
  });
});

describe("user-file folders", () => {
  it("finds Rails Active Storage's Disk folder when production uses it, not when it uses S3", async () => {
    const app = await context({
      "config/storage.yml":
        'local:\n  service: Disk\n  root: <%= Rails.root.join("storage") %>\n\namazon:\n  service: S3\n  bucket: b\n',
      "config/environments/production.rb":
        'config.active_storage.service = ENV.fetch("ACTIVE_STORAGE_SERVICE", "local").to_sym\n',
    });
    const files = ["storage/ab/cd/blob", "config/storage.yml"];
    expect(activeStorageFolder(app.configTexts, {})).toBe("storage");
    expect(detectStorage({}, "/opt/app", files, app.configTexts).map((s) => s.path)).toEqual(["/opt/app/storage"]);
    expect(activeStorageFolder(app.configTexts, { ACTIVE_STORAGE_SERVICE: "amazon" })).toBeUndefined();
  });

  it("takes absolute folders from the deployment's variables, not static or log folders", () => {
    const env = {
      MEDIA_ROOT: "/srv/app/media/",
      STATIC_ROOT: "/srv/app/static",
      FILE_STORAGE_LOCAL_ROOT_DIR: "/var/lib/app/data",
      LOG_DIR: "/var/log/app",
      UPLOAD_DIR: "uploads",
    };
    expect(detectStorage(env, undefined, []).map((s) => s.path)).toEqual(["/srv/app/media", "/var/lib/app/data"]);
  });

  it("resolves a relative folder setting against the process's working directory (Twenty's STORAGE_LOCAL_PATH)", () => {
    const server = {
      workingDirectory: "/opt/twenty/packages/twenty-server",
      env: ["STORAGE_LOCAL_PATH", "STORAGE_TYPE", "LOG_DIR", "UPLOAD_DIR"],
      envValues: { STORAGE_LOCAL_PATH: ".local-storage", STORAGE_TYPE: "local", LOG_DIR: "logs", UPLOAD_DIR: "." },
    };
    expect(workingDirectoryFolders({}, [server])).toEqual([
      {
        path: "/opt/twenty/packages/twenty-server/.local-storage",
        purpose: "storage local path, relative to /opt/twenty/packages/twenty-server",
      },
    ]);
    // The deployment's value counts when the process's own is unknown; no working directory, no folder.
    const fromEnv = { ...server, envValues: undefined };
    expect(workingDirectoryFolders({ STORAGE_LOCAL_PATH: "./files/" }, [fromEnv]).map((s) => s.path)).toEqual([
      "/opt/twenty/packages/twenty-server/files",
    ]);
    expect(workingDirectoryFolders({}, [{ ...server, workingDirectory: undefined }])).toEqual([]);
    // Object storage on: the setting is a leftover.
    expect(workingDirectoryFolders({ STORAGE_TYPE: "s3" }, [server])).toEqual([]);
    // Not a folder: a URL.
    const url = { ...server, envValues: { STORAGE_LOCAL_PATH: "https://files.example.com/x" } };
    expect(workingDirectoryFolders({}, [url])).toEqual([]);
  });

  it("finds the frameworks' upload folders in the app's folder on the VM, unless object storage is on", () => {
    const files = [
      "netbox/media/image-attachments/a.png",
      "public/system/media_attachments/x",
      "storage/app/public/m/y",
      "static/app.css",
    ];
    expect(detectStorage({}, "/opt/app", files).map((s) => s.path)).toEqual([
      "/opt/app/netbox/media",
      "/opt/app/public/system",
      "/opt/app/storage/app/public",
    ]);
    expect(detectStorage({ S3_ENABLED: "true" }, "/opt/app", files)).toEqual([]);
    expect(detectStorage({}, undefined, files)).toEqual([]);
  });

  it("takes a folder of a Symfony app's var/ that holds files (Kimai's var/data), not its cache, logs or sessions", () => {
    const symfonyApp = ["bin/console", "config/packages/framework.yaml"];
    const files = [
      ...symfonyApp,
      "var/data/invoices/2026-0042.pdf",
      "var/plugins/.gitkeep",
      "var/cache/prod/App_KernelProdContainer.php",
      "var/log/prod.log",
      "var/sessions/prod/sess_1",
    ];
    expect(symfonyVarFolders(files)).toEqual(["var/data"]);
    expect(detectStorage({}, "/var/www/kimai", files).map((s) => s.path)).toEqual(["/var/www/kimai/var/data"]);
    // Not a Symfony app (no bin/console and config/packages): var/ means nothing.
    expect(symfonyVarFolders(files.slice(2))).toEqual([]);
  });

  it("takes a Laravel disk rooted in storage/ (BookStack's attachments), not Laravel's own folders", async () => {
    const app = await context({
      "app/Config/filesystems.php": `<?php return ['disks' => [
        'local' => ['driver' => 'local', 'root' => storage_path('app')],
        'public' => ['driver' => 'local', 'root' => storage_path('app/public')],
        'attachments' => ['driver' => 'local', 'root' => storage_path('uploads/files/')],
        'images' => ['driver' => 'local', 'root' => storage_path('uploads/images/')],
        'logs' => ['driver' => 'local', 'root' => storage_path('logs')],
      ]];`,
    });
    const files = ["storage/uploads/files/a.pdf", "storage/app/x", "storage/logs/laravel.log", "public/uploads/i.png"];
    expect(detectStorage({}, "/var/www/docs", files, app.configTexts).map((s) => s.path)).toEqual([
      "/var/www/docs/public/uploads",
      "/var/www/docs/storage/uploads",
    ]);
    expect(detectStorage({ STORAGE_TYPE: "s3" }, "/var/www/docs", files, app.configTexts)).toEqual([]);
  });
});

describe("Symfony upload folders under the public directory", () => {
  const services = `services:\n  App\\Helper\\DownloadImages:\n    arguments:\n      $baseFolder: "%kernel.project_dir%/web/assets/images"\n`;
  const vich = `vich_uploader:\n  mappings:\n    products:\n      upload_destination: '%kernel.project_dir%/public/images/products'\n`;
  const framework = `framework:\n  assets:\n    json_manifest_path: '%kernel.project_dir%/public/build/manifest.json'\n`;
  const liip = `liip_imagine:\n  resolvers:\n    default:\n      web_path: { web_root: '%kernel.project_dir%/public', cache_prefix: thumbs/cache }\n  loaders:\n    default: { filesystem: { data_root: '%kernel.project_dir%/public/thumbs/cache' } }\n`;
  it.each([
    ["app/config/services.yml", services, ["web/assets/images/ab/c.png"], ["web/assets/images"]],
    ["config/packages/vich_uploader.yaml", vich, ["public/images/products/p.jpg"], ["public/images/products"]],
    // Configured, but nothing on the VM's disk: nothing to move.
    ["config/packages/vich_uploader.yaml", vich, ["public/index.php"], []],
    // A build manifest (a file) and an image cache are rebuilt, not user files.
    ["config/packages/framework.yaml", framework, ["public/build/app.js"], []],
    ["config/packages/liip_imagine.yaml", liip, ["public/thumbs/cache/x.jpg"], []],
    // Only Symfony's config files count, not a dev override.
    ["config/packages/dev/vich_uploader.yaml", vich, ["public/images/products/p.jpg"], []],
  ])("%s", async (file, text, files, found) => {
    const app = await context({ [file]: text });
    expect(detectStorage({}, "/var/www/app", files, app.configTexts).map((s) => s.path)).toEqual(
      found.map((f) => `/var/www/app/${f}`),
    );
  });
});

describe("a VM whose units do not run the app", () => {
  it("says so instead of inventing the app's services from its packages", async () => {
    const { mkdtemp, mkdir, writeFile, rm } = await import("node:fs/promises");
    const { tmpdir } = await import("node:os");
    const path = await import("node:path");
    const { detectRepo } = await import("../../src/detect/detect-repo.js");
    const root = await mkdtemp(path.join(tmpdir(), "im-vm-"));
    try {
      await mkdir(path.join(root, "etc/systemd/system"), { recursive: true });
      await mkdir(path.join(root, "srv/app"), { recursive: true });
      await writeFile(
        path.join(root, "etc/systemd/system/postgresql.service"),
        "[Service]\nType=oneshot\nExecStart=/bin/true\n",
      );
      await writeFile(path.join(root, "srv/app/requirements.txt"), "Django==5.0\ncelery==5.3\nredis==5\n");
      const facts = await detectRepo(path.join(root, "srv/app"), {
        host: { root, readListeners: async () => undefined },
        readRemote: async () => undefined,
      });
      expect(facts.services.map((s) => `${s.name}:${s.role}`)).toEqual(["postgresql:database"]);
      const said = facts.evidence.map((e) => e.found).join("\n");
      expect(said).toMatch(/packages name django, but no unit on the VM runs the app/);
      expect(said).toMatch(/packages use redis, but none runs on the VM/);
    } finally {
      await rm(root, { recursive: true, force: true });
    }
  });
});
