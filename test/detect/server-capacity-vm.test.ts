// A web server's capacity read from the VM's own files, the way admins set it: gunicorn's
// GUNICORN_CMD_ARGS in the unit's EnvironmentFile and a gunicorn.conf.py nobody names (gunicorn
// reads it from the working directory), Puma's WEB_CONCURRENCY beside a puma.rb that sets only
// threads, a PHP-FPM pool's pm.max_children, a Node cluster sized by WEB_CONCURRENCY. The disk read
// and the ssh read (the fake ssh runs the read script on the same tree) find the same.
import path from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { detectRepo } from "../../src/detect/detect-repo.js";
import type { ServiceFinding } from "../../src/detect/types.js";
import { TempTrees } from "../helpers/file-tree.js";
import { collectFromTree } from "../helpers/host-reads.js";

const CORPUS = path.resolve(import.meta.dirname, "../fixtures/real");
const trees = new TempTrees("im-capacity-");
afterAll(() => trees.removeAll());

const unit = (exec: string, dir: string, extra = "") =>
  `[Unit]\nDescription=app\n[Service]\nUser=app\nWorkingDirectory=${dir}\n${extra}ExecStart=${exec}\nRestart=always\n[Install]\nWantedBy=multi-user.target\n`;
const site = (port: number) =>
  `server {\n  listen 80;\n  server_name app.example.com;\n  location / {\n    proxy_pass http://127.0.0.1:${port};\n  }\n}\n`;

/** The web finding of the app in `app` under `root`, read from the disk and over the fake ssh. */
async function bothReads(root: string, app: string): Promise<[ServiceFinding?, ServiceFinding?]> {
  const read = async (r: string) =>
    (
      await detectRepo(path.join(r, app), {
        readRemote: async () => undefined,
        host: { root: r, readListeners: async () => "" },
      })
    ).services.find((s) => s.role === "web");
  const disk = await read(root);
  const collected = await collectFromTree(root);
  try {
    return [disk, await read(collected.root)];
  } finally {
    await collected.cleanup();
  }
}

const GUNICORN_CONF = `# gunicorn.conf.py: read by gunicorn from its working directory
import multiprocessing
import os

bind = "127.0.0.1:8000"
workers = int(os.environ.get("GUNICORN_WORKERS", "3"))
timeout = 120
`;

describe("capacity from the VM's files, disk and ssh alike", () => {
  it("gunicorn: the unnamed gunicorn.conf.py's workers, GUNICORN_CMD_ARGS' threads over WEB_CONCURRENCY", async () => {
    const root = await trees.make({
      "srv/app/requirements.txt": "flask==3.0.3\ngunicorn==22.0.0\n",
      "srv/app/wsgi.py": "from app import create_app\napp = create_app()\n",
      "srv/app/gunicorn.conf.py": GUNICORN_CONF,
      "etc/default/app": 'WEB_CONCURRENCY=8\nGUNICORN_CMD_ARGS="--threads=4 --timeout 60"\nSECRET_KEY=fake\n',
      "etc/systemd/system/app.service": unit(
        "/srv/app/venv/bin/gunicorn wsgi:app",
        "/srv/app",
        "EnvironmentFile=/etc/default/app\n",
      ),
      "etc/nginx/sites-enabled/app": site(8000),
    });
    const [disk, ssh] = await bothReads(root, "srv/app");
    // The config file's workers (3: GUNICORN_WORKERS is not set) override WEB_CONCURRENCY's 8.
    expect(disk?.capacity).toEqual({ workers: 3, threads: 4 });
    expect(ssh?.capacity).toEqual(disk?.capacity);
  });

  it("Puma: WEB_CONCURRENCY where config/puma.rb sets only threads", async () => {
    const root = await trees.make({
      "home/app/shop/Gemfile": "source 'https://rubygems.org'\ngem 'rails', '~> 7.1'\ngem 'puma'\n",
      "home/app/shop/config/puma.rb":
        'max_threads_count = ENV.fetch("RAILS_MAX_THREADS") { 5 }\nthreads max_threads_count, max_threads_count\n# workers ENV.fetch("WEB_CONCURRENCY") { 2 }\nport ENV.fetch("PORT") { 3000 }\n',
      "etc/systemd/system/shop.service": unit(
        "/usr/local/bin/bundle exec puma -C config/puma.rb",
        "/home/app/shop",
        "Environment=RAILS_ENV=production WEB_CONCURRENCY=3 RAILS_MAX_THREADS=4\n",
      ),
      "etc/nginx/sites-enabled/shop": site(3000),
    });
    const [disk, ssh] = await bothReads(root, "home/app/shop");
    expect(disk?.capacity).toEqual({ workers: 3, threads: 4 });
    expect(ssh?.capacity).toEqual(disk?.capacity);
  });

  it("PHP-FPM: the max_children of the pool nginx passes PHP to (pm = static), not another pool's", async () => {
    const root = await trees.make({
      "var/www/shop/composer.json": JSON.stringify({ require: { "laravel/framework": "^11.0" } }),
      "var/www/shop/public/index.php": "<?php\n",
      "etc/php/8.3/fpm/pool.d/www.conf":
        "[www]\nuser = www-data\nlisten = /run/php/php8.3-fpm.sock\npm = dynamic\npm.max_children = 5\n",
      "etc/php/8.3/fpm/pool.d/shop.conf":
        "; the shop's own pool\n[shop]\nuser = shop\nlisten = /run/php/shop.sock\npm = static\npm.max_children = 24 ; 24 × ~80 MB\n",
      "etc/systemd/system/multi-user.target.wants/php8.3-fpm.service": unit(
        "/usr/sbin/php-fpm8.3 --nodaemonize --fpm-config /etc/php/8.3/fpm/php-fpm.conf",
        "/",
      ),
      "etc/nginx/sites-enabled/shop":
        "server {\n  listen 80;\n  root /var/www/shop/public;\n  location ~ \\.php$ {\n    fastcgi_pass unix:/run/php/shop.sock;\n  }\n}\n",
    });
    const [disk, ssh] = await bothReads(root, "var/www/shop");
    expect(disk?.software).toBe("php-fpm");
    expect(disk?.capacity).toEqual({ workers: 24, threads: 1 });
    expect(ssh?.capacity).toEqual(disk?.capacity);
  });

  it("PHP-FPM: wallabag's Debian pool (pm = dynamic, pm.max_children = 5)", async () => {
    const [disk, ssh] = await bothReads(path.join(CORPUS, "wallabag/vm"), "var/www/wallabag");
    expect(disk?.capacity).toEqual({ workers: 5, threads: 1 });
    expect(ssh?.capacity).toEqual(disk?.capacity);
  });

  it("Node: WEB_CONCURRENCY is the size of the app's cluster, N processes of one kind", async () => {
    const root = await trees.make({
      "srv/api/package.json": JSON.stringify({ name: "api", dependencies: { express: "^4.19.2", throng: "^5" } }),
      "srv/api/server.js": "require('throng')({ workers: process.env.WEB_CONCURRENCY || 1, start })\n",
      "etc/systemd/system/api.service": unit(
        "/usr/bin/node server.js",
        "/srv/api",
        "Environment=NODE_ENV=production PORT=3000 WEB_CONCURRENCY=4\n",
      ),
      "etc/nginx/sites-enabled/api": site(3000),
    });
    const [disk, ssh] = await bothReads(root, "srv/api");
    expect(disk?.instances).toBe(4);
    expect(disk?.capacity).toBeUndefined();
    expect(ssh?.instances).toBe(4);
  });
});
