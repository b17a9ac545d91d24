// VM command lines from the real-app corpus, as the argv the container runs: tools from PATH, the
// app's paths under the image's WORKDIR, web servers on 0.0.0.0:$PORT, wrappers and redirects
// dropped, anything that needs a shell reported.
import { describe, expect, it } from "vitest";
import { atWorkingDirMounts, processArgv } from "../../src/image/process-argv.js";

const web = (command: string, root?: string) => processArgv(command, { root, port: "${PORT}" });

describe("processArgv", () => {
  it.each([
    [
      "/opt/netbox/venv/bin/gunicorn --pid /var/tmp/netbox.pid --pythonpath /opt/netbox/netbox --config /opt/netbox/gunicorn.py netbox.wsgi",
      "/opt/netbox",
      "gunicorn --pid /var/tmp/netbox.pid --pythonpath netbox --config gunicorn.py netbox.wsgi --bind 0.0.0.0:${PORT}",
    ],
    [
      "/opt/healthchecks/venv/bin/uwsgi --master --http-socket 127.0.0.1:8000 --module hc.wsgi:application --processes 4 --chdir /opt/healthchecks --die-on-term",
      "/opt/healthchecks",
      "uwsgi --master --module hc.wsgi:application --processes 4 --chdir . --die-on-term --http-socket 0.0.0.0:${PORT}",
    ],
    // Socket mode (the uwsgi protocol behind nginx's uwsgi_pass) becomes an HTTP socket on PORT.
    [
      "/srv/app/venv/bin/uwsgi --socket 127.0.0.1:3031 --protocol uwsgi --module app:app --http 0.0.0.0:8081 --http-to 127.0.0.1:3031",
      "/srv/app",
      "uwsgi --protocol uwsgi --module app:app --http-socket 0.0.0.0:${PORT}",
    ],
    [
      "/srv/app/venv/bin/uwsgi -s /run/uwsgi/app.sock --ini uwsgi.ini",
      "/srv/app",
      "uwsgi --ini uwsgi.ini --http-socket 0.0.0.0:${PORT}",
    ],
    [
      `/bin/sh -c ' [ -n "$PAPERLESS_PORT" ] && export GRANIAN_PORT=$PAPERLESS_PORT; exec granian --interface asginl --ws "paperless.asgi:application"'`,
      "/opt/paperless",
      "granian --interface asginl --ws paperless.asgi:application --host 0.0.0.0 --port ${PORT}",
    ],
    // Odoo's Debian unit logs to /var/log/odoo, which the image's user cannot make: stdout instead.
    [
      "/usr/bin/odoo --config /etc/odoo/odoo.conf --logfile /var/log/odoo/odoo-server.log",
      "/opt/odoo",
      "odoo --config /etc/odoo/odoo.conf",
    ],
    // A log file elsewhere (/tmp, writable) is the team's choice: kept.
    [
      "/srv/app/venv/bin/celery -A app worker --logfile=/tmp/celery.log",
      "/srv/app",
      "celery -A app worker --logfile=/tmp/celery.log",
    ],
    [
      "/home/mastodon/.rbenv/shims/bundle exec puma -C config/puma.rb",
      "/home/mastodon/live",
      "bundle exec puma -C config/puma.rb -b tcp://0.0.0.0:${PORT}",
    ],
    [
      "/srv/app/venv/bin/celery --broker=redis://127.0.0.1:6379/0 flower --port=5555 --address=127.0.0.1",
      "/srv/app",
      "celery flower --port=${PORT} --address=0.0.0.0",
    ],
    ["/usr/bin/node build/server/index.js --services=web", undefined, "node build/server/index.js --services=web"],
    [
      "/usr/bin/php8.3 /var/www/chat/artisan reverb:start --host=127.0.0.1 --port=8080",
      "/var/www/chat",
      "php8.3 artisan reverb:start --host=0.0.0.0 --port=${PORT}",
    ],
    [
      "php artisan websockets:serve --port 6001",
      undefined,
      "php artisan websockets:serve --host=0.0.0.0 --port=${PORT}",
    ],
    // Chatwoot's unit: -e only repeats RAILS_ENV, which the server reads from the environment.
    [
      "/bin/bash -lc 'bin/rails server -p $PORT -e $RAILS_ENV'",
      "/home/chatwoot/chatwoot",
      "bin/rails server -b 0.0.0.0 -p ${PORT}",
    ],
    [
      "bundle exec puma -C config/puma.rb --environment=${RACK_ENV}",
      undefined,
      "bundle exec puma -C config/puma.rb -b tcp://0.0.0.0:${PORT}",
    ],
    // A server started through its launcher is still that server (Redmine's unit: Rails behind
    // `bundle exec`, bound to the VM's loopback, which Cloud Run cannot reach).
    [
      "/usr/bin/bundle exec rails server -e production -b 127.0.0.1 -p 3000",
      "/opt/redmine",
      "bundle exec rails server -e production -b 0.0.0.0 -p ${PORT}",
    ],
    [
      "poetry run gunicorn app.wsgi --bind 127.0.0.1:8000",
      undefined,
      "poetry run gunicorn app.wsgi --bind 0.0.0.0:${PORT}",
    ],
    [
      "python3 -m uvicorn app.main:app --host 127.0.0.1 --port 8000",
      undefined,
      "python3 -m uvicorn app.main:app --host 0.0.0.0 --port ${PORT}",
    ],
    ["uv run hypercorn app:app -b 127.0.0.1:9000", undefined, "uv run hypercorn app:app --bind 0.0.0.0:${PORT}"],
  ])("web: %s", (command, root, expected) => {
    const r = web(command, root);
    expect(r.ok && r.argv.join(" ")).toBe(expected);
  });

  it.each([
    ["cd /opt/healthchecks && venv/bin/python manage.py pruneusers", "python manage.py pruneusers"],
    ["cd /var/www/pixelfed && php artisan schedule:run >> /dev/null 2>&1", "php artisan schedule:run"],
    [
      "/opt/netbox/venv/bin/python3 /opt/netbox/netbox/manage.py rqworker high default low",
      "python3 netbox/manage.py rqworker high default low",
    ],
    // env's own options are not the program (found by mutating corpus inventories).
    ["/usr/bin/env -S java -Xmx2g -jar /srv/app/app.jar", "java -Xmx2g -jar /srv/app/app.jar"],
    ["env -i -u LANG -- php artisan queue:work", "php artisan queue:work"],
    ["exec env python3 -m app.worker", "python3 -m app.worker"],
    // Env-file launchers: the VM's .env is not in the image; Cloud Run sets the variables (Chatwoot's worker).
    ["/bin/bash -lc 'dotenv bundle exec sidekiq -C config/sidekiq.yml'", "bundle exec sidekiq -C config/sidekiq.yml"],
    ["npx dotenv -e .env.production -- node dist/worker.js", "node dist/worker.js"],
    ["dotenv -e .env.production -- node dist/worker.js", "node dist/worker.js"],
    ["envdir /etc/app/env foreman run python -m app.worker", "python -m app.worker"],
  ])("background: %s", (command, expected) => {
    const r = processArgv(command, { root: command.includes("netbox") ? "/opt/netbox" : undefined });
    expect(r.ok && r.argv.join(" ")).toBe(expected);
  });

  it("takes the app folder's bin/ for the virtualenv's when pyvenv.cfg sits there (Tandoor's manual install)", () => {
    const command = "/var/www/recipes/bin/gunicorn --bind unix:/var/www/recipes/recipes.sock recipes.wsgi:application";
    const venv = processArgv(command, { root: "/var/www/recipes", repoHas: (f) => f === "pyvenv.cfg" });
    expect(venv.ok && venv.argv[0]).toBe("gunicorn");
    // Without pyvenv.cfg, bin/ is the repository's own program (Symfony's bin/console).
    const own = processArgv("/var/www/app/bin/console messenger:consume", {
      root: "/var/www/app",
      repoHas: () => false,
    });
    expect(own.ok && own.argv).toEqual(["bin/console", "messenger:consume"]);
  });

  it("takes a virtualenv named for the app (Weblate's ~/weblate-env) for one, as root or inside it", () => {
    const inRoot = processArgv("/home/weblate/weblate-env/bin/gunicorn weblate.wsgi:application", {
      root: "/home/weblate/weblate-env",
      repoHas: () => false,
    });
    expect(inRoot.ok && inRoot.argv).toEqual(["gunicorn", "weblate.wsgi:application"]);
    const below = processArgv("/home/weblate/weblate-env/bin/celery -A weblate.utils worker", {
      root: "/home/weblate",
      repoHas: () => false,
    });
    expect(below.ok && below.argv[0]).toBe("celery");
    // A bin/ folder of an app root not named like a virtualenv stays the app's own program.
    const own = processArgv("/srv/environment/bin/run", { root: "/srv/environment", repoHas: () => false });
    expect(own.ok && own.argv[0]).toBe("bin/run");
  });

  it("places app paths relative to the image's WORKDIR", () => {
    const r = processArgv("/opt/paperless/venv/bin/python3 /opt/paperless/src/manage.py document_consumer", {
      root: "/opt/paperless",
      workdir: "/app/src",
    });
    expect(r.ok && r.argv).toEqual(["python3", "manage.py", "document_consumer"]);
  });

  it.each([
    // A variable the program does not read by itself still needs a shell.
    ["bin/rails server -e $STAGE", /"\$STAGE" needs a shell/],
    ["python manage.py report | mail ops@example.com", /pipes into another command/],
    ["FOO=1 python job.py", /sets FOO inline/],
    ["python a.py; python b.py", /runs several commands/],
    ["python job.py $HOME", /needs a shell/],
  ])("reports what needs a shell: %s", (command, reason) => {
    const r = processArgv(command);
    expect(r.ok).toBe(false);
    if (!r.ok) expect(r.reason).toMatch(reason);
  });
});

// A secret file the command names relative to its working directory on the VM (Traccar's
// conf/traccar.xml in /opt/traccar) is read where Cloud Run mounts it.
describe("atWorkingDirMounts", () => {
  const mounts = { "/opt/app/conf/app.xml": "/secrets/app-xml/app.xml" };
  it.each([
    [
      "a relative word that is the mounted file",
      ["java", "-jar", "app.jar", "conf/app.xml"],
      "/opt/app",
      "/secrets/app-xml/app.xml",
    ],
    [
      "./ in front is the same file",
      ["java", "-jar", "app.jar", "./conf/app.xml"],
      "/opt/app",
      "/secrets/app-xml/app.xml",
    ],
    [
      "another working directory: another file",
      ["java", "-jar", "app.jar", "conf/app.xml"],
      "/srv/app",
      "conf/app.xml",
    ],
    ["no working directory known", ["java", "-jar", "app.jar", "conf/app.xml"], undefined, "conf/app.xml"],
    [
      "a climb out of the folder is never taken",
      ["java", "-jar", "app.jar", "../app/conf/app.xml"],
      "/opt/app",
      "../app/conf/app.xml",
    ],
  ])("%s", (_label, words, dir, want) => {
    expect(atWorkingDirMounts(words, dir, mounts).at(-1)).toBe(want);
    expect(atWorkingDirMounts(words, dir, mounts).slice(0, -1)).toEqual(words.slice(0, -1));
  });
});

describe("a server bindArgs does not know", () => {
  // Zammad's websocket server keeps its flags and its port; Cloud Run never reaches 127.0.0.1.
  it.each([
    [
      "bundle exec script/websocket-server.rb -b 127.0.0.1 -p 6042 start",
      "bundle exec script/websocket-server.rb -b 0.0.0.0 -p 6042 start",
    ],
    ["/srv/app/bin/events --listen=localhost:8888", "bin/events --listen=0.0.0.0:8888"],
    ["/srv/app/bin/events --host 10.0.0.5 --port 8888", "bin/events --host 10.0.0.5 --port 8888"],
    ["/srv/app/bin/events -l info", "bin/events -l info"],
  ])("%s → %s", (command, want) => {
    const argv = processArgv(command, { root: "/srv/app", port: "8080" });
    expect(argv.ok && argv.argv.join(" ")).toBe(want);
  });
});
