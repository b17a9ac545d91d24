// A team image's ENTRYPOINT script: its set-up, and the arguments that make it start a process
// (Cloud Run's --args go to the ENTRYPOINT; --command would replace it and skip its set-up).
import { readFileSync } from "node:fs";
import path from "node:path";
import { describe, expect, it } from "vitest";
import { readEntryScript, routeArgs } from "../../src/image/entrypoint-script.js";
import { ROOT } from "../helpers/phase-input.js";

const PRETIX = readFileSync(path.join(ROOT, "test/fixtures/real/pretix/repo/deployment/docker/pretix.bash"), "utf8");

const CASE_SCRIPT = `#!/bin/sh
set -e
cd /srv/app
export APP_ENV=production
case "$1" in
  worker)
    shift
    exec celery -A app.tasks worker "$@"
    ;;
  beat) exec celery -A app.tasks beat ;;
  web|server)
    exec gunicorn app.wsgi --bind 0.0.0.0:$PORT
    ;;
  *)
    exec python manage.py "$@"
    ;;
esac
`;

describe("readEntryScript", () => {
  it("pretix: cd and exports before anything starts, one route a subcommand, the catch-all last", () => {
    const script = readEntryScript("deployment/docker/pretix.bash", PRETIX)!;
    expect(script.cd).toBe("/pretix/src");
    expect(script.env).toEqual({ DJANGO_SETTINGS_MODULE: "production_settings", DATA_DIR: "/data/", HOME: "/pretix" });
    expect(script.routes.map((r) => [r.sub ?? "*", r.argv.slice(0, 3).join(" "), r.rest])).toEqual([
      ["cron", "python3 -m pretix", false],
      ["all", "sudo -E /usr/bin/supervisord", false],
      ["web", "sudo -E /usr/bin/supervisord", false],
      ["webworker", "gunicorn pretix.wsgi --name", false],
      ["taskworker", "celery -A pretix.celery_app", true],
      ["upgrade", "python3 -m pretix", false],
      ["*", "python3 -m pretix", true],
    ]);
  });

  it("a case over $1, a branch on one line, a catch-all branch", () => {
    const script = readEntryScript("entrypoint.sh", CASE_SCRIPT)!;
    expect(script.cd).toBe("/srv/app");
    expect(script.env).toEqual({ APP_ENV: "production" });
    expect(script.routes).toEqual([
      { sub: "worker", argv: ["celery", "-A", "app.tasks", "worker"], rest: true },
      { sub: "beat", argv: ["celery", "-A", "app.tasks", "beat"], rest: false },
      { sub: "web", argv: ["gunicorn", "app.wsgi", "--bind", "0.0.0.0:$PORT"], rest: false },
      { argv: ["python", "manage.py"], rest: true },
    ]);
  });

  it.each([
    [
      "a pass-through entrypoint (Rails)",
      '#!/bin/bash -e\nif [ "${1}" == "./bin/rails" ] && [ "${2}" == "server" ]; then\n  ./bin/rails db:prepare\nfi\nexec "${@}"\n',
      [{ argv: [], rest: true }],
    ],
    [
      "pass-through in an else branch (listmonk)",
      '#!/bin/sh\nif [ "$(id -u)" = "0" ]; then\n  su-exec 1:1 "$@"\nelse\n  exec "$@"\nfi\n',
      [{ argv: [], rest: true }],
    ],
    [
      "a start script that runs one server (Tandoor's boot.sh)",
      "#!/bin/sh\nsource venv/bin/activate\nexport PORT=${PORT:-80}\numask 0 && exec gunicorn recipes.wsgi\n",
      [],
    ],
    [
      'a branch that passes "$@" on without shift repeats its subcommand: no route',
      '#!/bin/sh\nif [ "$1" = "worker" ]; then\n  exec celery worker "$@"\nfi\n',
      [],
    ],
  ])("%s", (_, text, routes) => {
    expect(readEntryScript("entry.sh", text)?.routes).toEqual(routes);
  });

  it("set-up after something started, or inside a block, is not the set-up", () => {
    const script = readEntryScript(
      "e.sh",
      '#!/bin/sh\nif [ -n "$X" ]; then\n  cd /elsewhere\nfi\nexport A=1\nexport B="$HOME/x"\n',
    )!;
    expect(script).toEqual({ file: "e.sh", env: { A: "1" }, routes: [] });
  });

  it("a script of another language is not read", () => {
    expect(readEntryScript("e.py", "#!/usr/bin/env python3\nimport os\n")).toBeUndefined();
  });
});

describe("routeArgs", () => {
  const pretix = readEntryScript("deployment/docker/pretix.bash", PRETIX)!;
  const script = readEntryScript("entrypoint.sh", CASE_SCRIPT)!;
  it.each([
    [
      "pretix's cron job: the subcommand whose command it is",
      pretix,
      ["python", "-m", "pretix", "runperiodic"],
      ["cron"],
    ],
    [
      "pretix's worker: the subcommand whose command it is",
      pretix,
      ["celery", "-A", "pretix.celery_app", "worker", "-l", "info"],
      ["taskworker"],
    ],
    [
      "what follows a branch's command is passed on after its subcommand",
      pretix,
      ["celery", "-A", "pretix.celery_app", "worker", "-l", "info", "-Q", "mail"],
      ["taskworker", "-Q", "mail"],
    ],
    [
      "a command the catch-all runs",
      pretix,
      ["python3", "-m", "pretix", "migrate", "--noinput"],
      ["migrate", "--noinput"],
    ],
    [
      "manage.py is not `-m pretix` unless the package's __main__ runs Django",
      pretix,
      ["python", "manage.py", "migrate"],
      undefined,
    ],
    [
      "a web server on its own port is not the subcommand's unix socket",
      pretix,
      ["gunicorn", "pretix.wsgi", "--bind", "0.0.0.0:8080"],
      undefined,
    ],
    ["a catch-all word a branch would take is not passed", pretix, ["python3", "-m", "pretix", "cron"], undefined],
    [
      'a branch with no "$@" takes no more words',
      script,
      ["celery", "-A", "app.tasks", "beat", "-l", "info"],
      undefined,
    ],
    [
      "a venv's program by its path is the same program",
      script,
      ["/venv/bin/celery", "-A", "app.tasks", "worker", "-c", "2"],
      ["worker", "-c", "2"],
    ],
    ["the catch-all's prefix", script, ["python", "manage.py", "migrate", "--noinput"], ["migrate", "--noinput"]],
    ["no route at all", script, ["node", "server.js"], undefined],
  ])("%s", (_, entry, argv, want) => {
    expect(routeArgs(argv, entry)).toEqual(want);
  });

  it("manage.py runs as `python -m PKG` when PKG's __main__.py runs Django's commands", () => {
    expect(routeArgs(["python", "manage.py", "migrate", "--noinput"], pretix, new Set(["pretix"]))).toEqual([
      "migrate",
      "--noinput",
    ]);
  });

  it("a pass-through entrypoint takes the whole command", () => {
    const pass = readEntryScript("e", '#!/bin/sh\nexec "$@"\n')!;
    expect(routeArgs(["bin/rails", "db:migrate"], pass)).toEqual(["bin/rails", "db:migrate"]);
  });
});
