// Symfony's sessions, from framework.session in the app's config files (production's own files
// last): the file handler (Symfony's own, or PHP's native one whose php.ini default is files) keeps
// them on one server; a DSN or handler service on Redis or a database is shared. Sessions not
// configured at all are off (FrameworkBundle's canBeEnabled): no fact.
import { describe, expect, it } from "vitest";
import { emptyContext, readAppFiles } from "../../src/detect/app-context.js";
import { detectSessionStore } from "../../src/detect/session-store.js";
import { HOST_APP_SCAN } from "../../src/detect/host.js";

function symfony(configs: Record<string, string>, php = ["symfony/framework-bundle"]) {
  const context = emptyContext();
  for (const name of php) context.packages.php.add(name);
  context.configTexts = Object.entries(configs).map(([file, text]) => ({ file, text }));
  return context;
}

const session = (lines: string) => `framework:\n    secret: '%env(APP_SECRET)%'\n    session:\n${lines}`;
// wallabag 2.6's app/config/config.yml, its session block as written.
const WALLABAG = session(`        # handler_id set to null will use default session handler from php.ini
        handler_id: session.handler.native_file
        save_path: "%kernel.project_dir%/var/sessions/%kernel.environment%"
        cookie_secure: auto
        cookie_samesite: lax
        storage_factory_id: session.storage.factory.native
`);
const FLEX = "config/packages/framework.yaml";

describe("Symfony: framework.session's handler", () => {
  it.each([
    ["wallabag: native_file with a save_path under var/", { "app/config/config.yml": WALLABAG }, {}, "file"],
    [
      "Flex's recipe: handler_id null (php.ini's handler, files by default)",
      { [FLEX]: session("        handler_id: null\n") },
      {},
      "file",
    ],
    ["`session: ~` with no handler_id", { [FLEX]: "framework:\n    session: ~\n" }, {}, "file"],
    ["`session: true`", { [FLEX]: "framework:\n    session: true\n" }, {}, "file"],
    ["a redis:// DSN", { [FLEX]: session("        handler_id: 'redis://localhost:6379'\n") }, {}, "redis"],
    [
      "%env(REDIS_URL)%, the env's URL",
      { [FLEX]: session("        handler_id: '%env(REDIS_URL)%'\n") },
      { REDIS_URL: "redis://10.0.0.3:6379" },
      "redis",
    ],
    [
      "%env(DATABASE_URL)% on MySQL",
      { [FLEX]: session("        handler_id: '%env(DATABASE_URL)%'\n") },
      { DATABASE_URL: "mysql://u:p@db/app" },
      "database",
    ],
    [
      "%env(DATABASE_URL)% on SQLite: a file on the server",
      { [FLEX]: session("        handler_id: '%env(DATABASE_URL)%'\n") },
      { DATABASE_URL: "sqlite:///%kernel.project_dir%/var/app.db" },
      "file",
    ],
    [
      "%env(REDIS_URL)% with no value known",
      { [FLEX]: session("        handler_id: '%env(REDIS_URL)%'\n") },
      {},
      "redis",
    ],
    [
      "the PdoSessionHandler service",
      {
        [FLEX]: session(
          "        handler_id: Symfony\\Component\\HttpFoundation\\Session\\Storage\\Handler\\PdoSessionHandler\n",
        ),
      },
      {},
      "database",
    ],
    [
      "a file:// DSN",
      { [FLEX]: session("        handler_id: 'file://%kernel.project_dir%/var/sessions'\n") },
      {},
      "file",
    ],
  ])("%s", (_name, configs, env, store) => {
    const found = detectSessionStore(symfony(configs), env);
    expect(found).toEqual({ store, framework: "symfony", source: Object.keys(configs)[0] });
  });

  it("production's own files win over the shared one: prod/framework.yaml, config_prod.yml, when@prod", () => {
    const shared = { [FLEX]: session("        handler_id: null\n") };
    const prodFolder = {
      ...shared,
      "config/packages/prod/framework.yaml": session("        handler_id: '%env(REDIS_URL)%'\n"),
    };
    expect(detectSessionStore(symfony(prodFolder), {})).toMatchObject({
      store: "redis",
      source: "config/packages/prod/framework.yaml",
    });
    // Listed before the shared file, config_prod.yml still applies last.
    const symfony3 = {
      "app/config/config_prod.yml": session("        handler_id: snc_redis.session.handler\n"),
      "app/config/config.yml": WALLABAG,
    };
    expect(detectSessionStore(symfony(symfony3), {})).toMatchObject({
      store: "redis",
      source: "app/config/config_prod.yml",
    });
    const whenProd = `${session("        handler_id: null\n")}\nwhen@prod:\n    framework:\n        session:\n            handler_id: '%env(DATABASE_URL)%'\n`;
    expect(detectSessionStore(symfony({ [FLEX]: whenProd }), { DATABASE_URL: "postgresql://db/app" })).toMatchObject({
      store: "database",
    });
  });

  it.each([
    ["no framework.session: sessions are off", { [FLEX]: "framework:\n    secret: '%env(APP_SECRET)%'\n" }],
    ["`session: false`", { [FLEX]: "framework:\n    session: false\n" }],
    ["`enabled: false`", { [FLEX]: session("        enabled: false\n") }],
    ["a handler service of unknown kind", { [FLEX]: session("        handler_id: app.session_handler\n") }],
    ["a YAML file that does not parse", { [FLEX]: "framework: [\n" }],
  ])("%s: no fact", (_name, configs) => {
    expect(detectSessionStore(symfony(configs), {})).toBeUndefined();
  });

  it("the app's own handler class is judged by the handler it extends (Kimai's SessionHandler)", () => {
    const handler = (extendsClause: string) => ({
      [FLEX]: session("        handler_id: App\\Security\\SessionHandler\n"),
      "src/Security/SessionHandler.php": `<?php\nnamespace App\\Security;\n\nfinal class SessionHandler extends ${extendsClause}\n{\n}\n`,
    });
    expect(detectSessionStore(symfony(handler("PdoSessionHandler")), {})).toMatchObject({ store: "database" });
    expect(
      detectSessionStore(
        symfony(handler("\\Symfony\\Component\\HttpFoundation\\Session\\Storage\\Handler\\RedisSessionHandler")),
        {},
      ),
    ).toMatchObject({ store: "redis" });
    expect(detectSessionStore(symfony(handler("AbstractSessionHandler")), {})).toBeUndefined();
    // The class file not read (or another namespace than App\): no fact.
    const { "src/Security/SessionHandler.php": _file, ...configOnly } = handler("PdoSessionHandler");
    expect(detectSessionStore(symfony(configOnly), {})).toBeUndefined();
    expect(new RegExp(HOST_APP_SCAN.settings).test("src/Security/SessionHandler.php")).toBe(true);
  });

  it("only a Symfony app: the same config without the framework bundle is no fact", () => {
    expect(detectSessionStore(symfony({ "app/config/config.yml": WALLABAG }, ["twig/twig"]), {})).toBeUndefined();
    expect(detectSessionStore(symfony({ "app/config/config.yml": WALLABAG }, ["symfony/symfony"]), {})).toMatchObject({
      store: "file",
    });
  });

  it("the ssh read sends the files Symfony's session is configured in", () => {
    const sent = new RegExp(HOST_APP_SCAN.settings);
    for (const file of [
      "config/packages/framework.yaml",
      "config/packages/prod/framework.yaml",
      "app/config/config_prod.yml",
    ])
      expect(sent.test(file), file).toBe(true);
  });
});

describe("plain PHP: session_start() in the app's own code, on PHP's session.save_handler", () => {
  const plain = (sessions: { startedIn?: string; customHandler?: string } | undefined, php: string[] = []) => {
    const context = symfony({}, php);
    if (sessions) context.phpSessions = sessions;
    return context;
  };
  const LOGIN = { startedIn: "login.php" };
  it.each([
    ["PHP's default handler (no php.ini read): files", LOGIN, [], undefined, "file"],
    ["php.ini's files", LOGIN, [], "files", "file"],
    ["phpredis's handler", LOGIN, [], "redis", "redis"],
    ["memcached", LOGIN, ["slim/slim"], "memcached", "memcached"],
  ])("%s", (_name, sessions, php, handler, store) => {
    expect(detectSessionStore(plain(sessions, php), {}, handler)).toEqual({
      store,
      framework: "php",
      source: "login.php",
    });
  });

  it.each([
    ["no session_start() in the app's code", undefined, [], "files"],
    ["its own handler (session_set_save_handler)", { ...LOGIN, customHandler: "lib/db-sessions.php" }, [], "files"],
    ["Laravel: its own session layer decides", LOGIN, ["laravel/framework"], "files"],
    ["Drupal (Symfony's HttpFoundation sessions on its database)", LOGIN, ["symfony/http-foundation"], "files"],
    ["a handler this table does not know", LOGIN, [], "user"],
  ])("%s: no fact", (_name, sessions, php, handler) => {
    expect(detectSessionStore(plain(sessions, php), {}, handler)).toBeUndefined();
  });
});

describe("the app's own PHP code that starts a session", () => {
  const scan = async (files: Record<string, string>) => {
    const context = emptyContext();
    await readAppFiles(context, { files: Object.keys(files), read: async (f) => files[f] });
    return context.phpSessions;
  };
  it.each([
    ["an entry point", { "index.php": "<?php\nsession_start();\n" }, { startedIn: "index.php" }],
    [
      "an include two folders down",
      { "inc/auth/login.php": "<?php session_start ( );" },
      { startedIn: "inc/auth/login.php" },
    ],
    [
      "with its own handler",
      { "index.php": "<?php\nsession_set_save_handler(new DbSessions());\nsession_start();\n" },
      { startedIn: "index.php", customHandler: "index.php" },
    ],
    ["only a comment", { "index.php": "<?php\n// session_start();\n# session_start();\n" }, undefined],
    [
      "only in vendor/ and tests/",
      { "vendor/lib/s.php": "<?php session_start();", "tests/a.php": "<?php session_start();" },
      undefined,
    ],
  ])("%s", async (_name, files, want) => {
    const found = await scan(files);
    expect(found && Object.keys(found).length ? found : undefined).toEqual(want);
  });
});
