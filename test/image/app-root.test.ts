// The app's folder on the VM, from the inventory's commands: what the image maps to /app.
import { afterAll, describe, expect, it } from "vitest";
import { otherCheckout, vmAppRoot } from "../../src/image/app-root.js";
import type { Inventory, Service } from "../../src/inventory/schema.js";
import { TempTrees } from "../helpers/file-tree.js";

const trees = new TempTrees("app-root-");
afterAll(() => trees.removeAll());

const inventory = (commands: string[], storage: string[] = []): Inventory =>
  ({
    services: commands.map((command, i) => ({ name: `s${i}`, role: "worker", software: "x", command })),
    storage: storage.map((path) => ({ path })),
  }) as unknown as Inventory;

describe("vmAppRoot", () => {
  it.each([
    [["/usr/bin/php /var/www/pixelfed/artisan horizon"], [], "/var/www/pixelfed"],
    // Symfony's bin/console: the folder above bin/, not bin/ itself (wallabag's import worker).
    [
      ["/usr/bin/php /var/www/wallabag/bin/console wallabag:import:redis-worker --env=prod pocket -vv"],
      ["/var/www/wallabag/web/assets/images"],
      "/var/www/wallabag",
    ],
    [["/srv/shop/bin/console messenger:consume async"], [], "/srv/shop"],
    // Another program called console is no entry file.
    [["/opt/tools/console run"], [], undefined],
    // A PHP script PHP's CLI runs (the cron line of PHP apps' guides): its folder.
    [["php -f /var/www/nextcloud/cron.php"], ["/srv/nextcloud-data"], "/var/www/nextcloud"],
    [["/usr/bin/php8.2 /var/www/app/cron.php --quiet"], [], "/var/www/app"],
    // A .php file another program is given is not PHP running the app.
    [["/usr/bin/cat /var/www/app/cron.php"], [], undefined],
    // A runtime the app ships in its own folder places the app one folder up (Traccar's jre/), never
    // the runtime's folder; a runtime installed beside apps (/opt/node-v20…, /opt/jdk-21) places nothing.
    [
      ["/opt/traccar/jre/bin/java -XX:+ExitOnOutOfMemoryError -jar tracker-server.jar conf/traccar.xml"],
      [],
      "/opt/traccar",
    ],
    [["/srv/billing/jdk-21.0.2/bin/java -jar billing.jar"], [], "/srv/billing"],
    [["/opt/node-v20.11.1/bin/node dist/main.js"], [], undefined],
    [["/opt/jdk-21/bin/java -jar /opt/shop/shop.jar"], [], undefined],
    [["/opt/python3.12/bin/python3.12 -m worker"], [], undefined],
  ])("%j", (commands, storage, root) => {
    expect(vmAppRoot(inventory(commands, storage))).toBe(root);
  });
});

describe("vmAppRoot from the app's .env", () => {
  const withEnv = (command: string, envFile: string | undefined, storage: string[]) =>
    ({
      services: [{ name: "web", role: "web", software: "rails", command, ...(envFile ? { envFile } : {}) }],
      storage: storage.map((path) => ({ path })),
    }) as unknown as Inventory;

  it.each([
    // Chatwoot's unit runs `bin/rails server` from its WorkingDirectory; its .env sits there.
    ["/bin/bash -lc 'bin/rails server -p $PORT'", "/home/chatwoot/chatwoot/.env", "/home/chatwoot/chatwoot"],
    // An env file outside the app (EnvironmentFile=/etc/app/env) says nothing about the app's folder.
    ["/bin/bash -lc 'bin/rails server -p $PORT'", "/etc/app/env", undefined],
    // A command's own path outranks the env file.
    ["/opt/app/venv/bin/gunicorn app:app", "/srv/elsewhere/.env", "/opt/app"],
  ])("%s with %s", (command, envFile, root) => {
    expect(vmAppRoot(withEnv(command, envFile, []))).toBe(root);
  });
});

describe("vmAppRoot from a user-file folder the repository holds", () => {
  // The docs' unit runs `yarn start` (or `node app.js`) from WorkingDirectory=/opt/hedgedoc: no
  // folder in the command, no .env; uploads go to public/uploads, which git keeps with a .gitkeep.
  const repo = trees.makeSync({ "package.json": "{}", "public/uploads/.gitkeep": "", "app.js": "" });
  const bare = trees.makeSync({ "package.json": "{}", "app.js": "" });
  const yarnStart = (storage: string[]) =>
    ({
      services: [{ name: "web", role: "web", software: "node", command: "/usr/bin/yarn start" }],
      storage: storage.map((path) => ({ path })),
    }) as unknown as Inventory;

  it.each([
    ["the folder above the tail the repository has", ["/opt/hedgedoc/public/uploads"], repo, "/opt/hedgedoc"],
    // Nothing in the repository confirms a folder: no root, as before (the mount keeps the VM path).
    ["a folder the repository lacks", ["/opt/hedgedoc/public/uploads"], bare, undefined],
    ["a folder outside any checkout", ["/srv/files/uploads"], repo, undefined],
    ["no repository at hand", ["/opt/hedgedoc/public/uploads"], undefined, undefined],
  ])("%s", (_, storage, repoDir, root) => {
    expect(vmAppRoot(yarnStart(storage), repoDir)).toBe(root);
  });

  it.each([
    ["/usr/bin/node app.js", "/opt/hedgedoc"],
    ["npm run start", "/opt/hedgedoc"],
    // A program by its absolute path may write where its settings say (Ghost's contentPath).
    ["/usr/bin/node /usr/bin/ghost run", undefined],
    ["/usr/local/bin/server --data /opt/hedgedoc/public/uploads", undefined],
  ])("a unit running %s", (command, root) => {
    const inv = {
      services: [{ name: "web", role: "web", software: "node", command }],
      storage: [{ path: "/opt/hedgedoc/public/uploads" }],
    } as unknown as Inventory;
    expect(vmAppRoot(inv, repo)).toBe(root);
  });

  it("never outranks a folder a command names", () => {
    const inv = {
      services: [{ name: "web", role: "web", software: "node", command: "/usr/bin/node /srv/app/server.js" }],
      storage: [{ path: "/opt/hedgedoc/public/uploads" }],
    } as unknown as Inventory;
    expect(vmAppRoot(inv, repo)).toBe("/srv/app");
  });
});

describe("vmAppRoot beside a virtualenv named for the app (Weblate's ~/weblate-env and ~/weblate-src)", () => {
  const weblate = (secretFiles: string[]) =>
    ({
      ...inventory([
        "/home/weblate/weblate-env/bin/gunicorn --preload weblate.wsgi:application",
        "/home/weblate/weblate-env/bin/celery -A weblate.utils worker",
      ]),
      secretFiles: secretFiles.map((path) => ({ path })),
    }) as Inventory;

  it("a virtualenv named <app>-env or <app>_venv is never the root: the folder holding it is", () => {
    expect(vmAppRoot(weblate([]))).toBe("/home/weblate");
    expect(vmAppRoot(inventory(["/srv/shop/shop_venv/bin/gunicorn shop.wsgi"]))).toBe("/srv/shop");
  });

  it("the checkout a secret settings file sits in is the root when the repository places that file or its example", async () => {
    const settings = ["/home/weblate/weblate-src/weblate/settings.py"];
    const withExample = await trees.make({ "weblate/settings_example.py": "", "weblate/__init__.py": "" });
    expect(vmAppRoot(weblate(settings), withExample)).toBe("/home/weblate/weblate-src");
    const withFile = await trees.make({ "weblate/settings.py": "", "manage.py": "" });
    expect(vmAppRoot(weblate(settings), withFile)).toBe("/home/weblate/weblate-src");
    // A folder of the same name is not enough: nothing of the file is in the repository.
    const unrelated = await trees.make({ "weblate/__init__.py": "" });
    expect(vmAppRoot(weblate(settings), unrelated)).toBe("/home/weblate");
  });
});

describe("otherCheckout", () => {
  const service = (command: string, envFile?: string) =>
    ({ name: "s", role: "web", software: "x", command, ...(envFile ? { envFile } : {}) }) as unknown as Service;
  it.each([
    // Taiga's guide: three clones side by side in /home/taiga.
    [
      "/home/taiga/taiga-protected/.venv/bin/gunicorn server:app",
      undefined,
      "/home/taiga/taiga-back",
      "/home/taiga/taiga-protected",
    ],
    ["npm run start:production", "/home/taiga/taiga-events/.env", "/home/taiga/taiga-back", "/home/taiga/taiga-events"],
    // The app's own checkout, or a folder inside it.
    ["/home/taiga/taiga-back/.venv/bin/celery -A taiga.celery worker", undefined, "/home/taiga/taiga-back", undefined],
    ["npm start", "/home/mastodon/live/.env.production", "/home/mastodon/live", undefined],
    // A virtualenv kept elsewhere is no checkout; nor is /etc's env file, nor a sibling under /opt.
    ["/opt/venvs/app/bin/gunicorn app:app", undefined, "/srv/app", undefined],
    ["node server.js", "/etc/app/app.env", "/srv/app", undefined],
    ["/opt/venv/bin/gunicorn netbox.wsgi", undefined, "/opt/netbox", undefined],
    ["/home/taiga/taiga-protected/.venv/bin/gunicorn server:app", undefined, undefined, undefined],
  ])("%s (env file %s, root %s) → %s", (command, envFile, root, folder) => {
    expect(otherCheckout(service(command, envFile), root)).toBe(folder);
  });
});
