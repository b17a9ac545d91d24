// A compose service of the app's own image often names no program: `entrypoint:` runs a start
// script (behind `wait-for-it.sh db:5432 --`), or nothing does and the Dockerfile's ENTRYPOINT
// runs one. The script's `exec …` line says what the process is. Before, each such service was an
// "other" process named after its script or image, and all the ones behind the same wait-for-it
// guard were taken for one process: the plan kept one of four.
import { describe, expect, it } from "vitest";
import { classifyCommand } from "../../src/detect/command.js";
import { parseCompose } from "../../src/detect/compose.js";
import { resolveComposeProcesses, scriptStart } from "../../src/detect/compose-process.js";
import { commandSignature } from "../../src/detect/merge.js";

describe("a command behind a wait-for-it guard", () => {
  it.each([
    ["/wait-for-it.sh db:5432 -t 30 -- gunicorn shop.wsgi -b 0.0.0.0:8000", "gunicorn", "web"],
    ["./wait-for db:5432 -- node dist/worker.js", "node", "other"],
    ["wait-for-it redis:6379 -- bundle exec sidekiq", "sidekiq", "worker"],
  ])("%s is %s", (command, software, role) => {
    expect(classifyCommand(command)).toMatchObject({ software, role });
  });

  it("two services waiting for the same database before different scripts are two processes", () => {
    const guard = "/wait-for-it.sh ${DB_HOST:-db}:5432 -t 30 --";
    expect(commandSignature(`${guard} /start-web.sh`)).not.toBe(commandSignature(`${guard} /start-worker.sh`));
  });

  it("compose keeps the command the guard starts: the guard's host is a compose name that moves nowhere", () => {
    const [web] = parseCompose(
      'services:\n  web:\n    build: .\n    entrypoint: ["/wait-for-it.sh", "db:5432", "--", "/start-web.sh"]\n    command: ["--workers", "4"]\n',
      "compose.yml",
    );
    expect(web!.command).toBe("/start-web.sh --workers 4");
  });
});

describe("a start script's main command", () => {
  it.each([
    [
      "#!/bin/sh\nset -e\n. /lib.sh\nwait_for_db\nexec gunicorn app:app \\\n  --bind 0.0.0.0:8000\n",
      "exec gunicorn app:app --bind 0.0.0.0:8000",
    ],
    ['#!/bin/bash\npython manage.py migrate --noinput\nexec "$@"\n', "python manage.py migrate --noinput"],
    ["#!/bin/sh\nexec 2>&1\nexec node server.js # the app\n", "exec node server.js"],
    ["#!/bin/sh\necho starting\numask 0002\n", undefined],
  ])("%#", (text, want) => {
    expect(scriptStart(text)).toBe(want);
  });
});

/** A repository whose files are `files`, read as resolveComposeProcesses reads it. */
const repo = (files: Record<string, string>) => async (file: string) => files[file];

describe("compose services of the app's own image", () => {
  const DOCKERFILE = `FROM python:3.12 AS base
ENV APP_MODE=socket \\
  # the endpoint the web script binds
  APP_ENDPOINT="0.0.0.0:3031"
COPY docker/entrypoint-web.sh docker/entrypoint-worker.sh docker/certs/* /
COPY docker/migrate.sh /usr/local/bin/migrate
ENTRYPOINT ["/entrypoint-web.sh"]

FROM base AS development
ENTRYPOINT ["/entrypoint-dev.sh"]
`;
  const FILES = {
    "docker/Dockerfile.app": DOCKERFILE,
    "docker/entrypoint-web.sh":
      '#!/bin/bash\nset -e\npython3 manage.py check\nexec uwsgi "--${APP_MODE}" "${APP_ENDPOINT}" \\\n  --processes "${WORKERS:-4}" --wsgi shop.wsgi:application\n',
    "docker/entrypoint-worker.sh": "#!/bin/bash\nexec celery --app=shop worker --loglevel=INFO\n",
    "docker/migrate.sh": '#!/bin/sh\npython manage.py migrate --noinput\nexec "$@"\n',
  };
  const COMPOSE = `services:
  web:
    build: { context: ./, dockerfile: docker/Dockerfile.app, target: base }
    image: "acme/shop:\${TAG:-latest}"
    depends_on:
      migrate: { condition: service_completed_successfully }
  worker:
    image: "acme/shop:\${TAG:-latest}"
    entrypoint: ["/wait-for-it.sh", "db:5432", "-t", "30", "--", "/entrypoint-worker.sh"]
  migrate:
    image: "acme/shop:\${TAG:-latest}"
    entrypoint: migrate
  sidecar:
    image: "acme/other:1.0"
    entrypoint: ["/entrypoint-web.sh"]
  db:
    image: postgres:16
`;

  it("reads the script each service's entrypoint, or its Dockerfile's, runs", async () => {
    const services = parseCompose(COMPOSE, "compose.yml");
    await resolveComposeProcesses(services, repo(FILES));
    const byName = Object.fromEntries(services.map((s) => [s.name, s]));
    // The build's target stage (not the last one), its ENV filling the script's settings.
    expect(byName.web).toMatchObject({ role: "web", software: "uwsgi", command: "/entrypoint-web.sh" });
    expect(byName.web!.listen).toEqual(["0.0.0.0:3031"]);
    expect(byName.web!.process).toMatchObject({ runtime: "python" });
    // APP_MODE=socket: the uwsgi protocol, switched on Cloud Run through the script's own variables.
    expect(byName.web!.process).toMatchObject({
      protocols: ["uwsgi"],
      uwsgiSocket: { setIn: "env", modeEnv: "APP_MODE", addressEnv: "APP_ENDPOINT" },
    });
    // The same image, built by another service; its own entrypoint, the guard dropped.
    expect(byName.worker).toMatchObject({ role: "worker", software: "celery", command: "/entrypoint-worker.sh" });
    expect(byName.worker!.process).toMatchObject({ framework: "celery" });
    // A name on the PATH; a script that only passes its arguments on runs what comes before.
    expect(byName.migrate).toMatchObject({ role: "other", software: "django", oneShot: true });
    // An image nobody here builds: nothing to read, it stays unknown.
    expect(byName.sidecar).toMatchObject({ role: "other", software: "entrypoint-web.sh" });
    expect(byName.db).toMatchObject({ role: "database", software: "postgres" });
  });

  it.each([
    ["Node", "#!/bin/sh\nnpm run migrate\nexec node dist/server.js\n", "node", "node"],
    ["Ruby", "#!/bin/bash\nbundle exec rails db:prepare\nexec bundle exec puma -C config/puma.rb\n", "puma", "ruby"],
    ["PHP", "#!/bin/sh\nphp artisan config:cache\nexec php-fpm -F\n", "php-fpm", "php"],
    ["Java", "#!/bin/sh\nexec java -jar /app/app.jar\n", "java", "java"],
  ])("%s: the script's exec line names the program", async (_, script, software, runtime) => {
    const services = parseCompose("services:\n  app:\n    build: .\n", "compose.yml");
    await resolveComposeProcesses(
      services,
      repo({ Dockerfile: 'FROM scratch\nCOPY start.sh /start.sh\nCMD ["/start.sh"]\n', "start.sh": script }),
    );
    expect(services[0]).toMatchObject({ software, command: "/start.sh" });
    expect(services[0]!.process?.runtime ?? services[0]!.runtime).toBe(runtime);
  });

  it("leaves a service alone whose compose command already says what it is, or whose script is not in the repository", async () => {
    const services = parseCompose(
      "services:\n  web:\n    build: .\n    command: gunicorn app:app -b 0.0.0.0:9000\n  job:\n    build: .\n    entrypoint: /missing.sh\n",
      "compose.yml",
    );
    await resolveComposeProcesses(services, repo({ Dockerfile: 'FROM python:3.12\nCMD ["/start.sh"]\n' }));
    expect(services.map((s) => [s.name, s.role, s.software, s.listen])).toEqual([
      // (compose's own commands give the VM's addresses from `ports:` only, as before)
      ["web", "web", "gunicorn", []],
      ["job", "other", "missing.sh", []],
    ]);
  });
});
