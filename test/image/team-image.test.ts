// The team's own Dockerfile, built by the deploy instead of ours: where it copies the repository
// (the uploads bucket is mounted there) and a venv its entrypoint activates but PATH does not name
// (a job's `python` must be the venv's).
import { existsSync, readFileSync, statSync } from "node:fs";
import path from "node:path";
import { describe, expect, it } from "vitest";
import { inTeamVenv, teamImage, teamRun } from "../../src/image/team-image.js";
import { ROOT } from "../helpers/phase-input.js";

// Tandoor's Dockerfile, trimmed: the venv in /opt/recipes/venv, activated only by boot.sh.
const TANDOOR = `FROM python:3.13-alpine3.23
ENV PYTHONUNBUFFERED=1 \\
    DOCKER=true
RUN mkdir /opt/recipes
WORKDIR /opt/recipes
COPY requirements.txt ./
RUN apk add --no-cache --virtual .build-deps gcc && \\
    python -m venv venv && \\
    /opt/recipes/venv/bin/python -m pip install --upgrade pip && \\
    venv/bin/pip install -r requirements.txt --no-cache-dir
COPY . ./
ENTRYPOINT ["/sbin/tini", "--", "/opt/recipes/boot.sh"]
`;

describe("teamImage", () => {
  it.each([
    [
      "Tandoor: COPY . ./ in /opt/recipes, venv off PATH",
      TANDOOR,
      { appDir: "/opt/recipes", venvBin: "/opt/recipes/venv/bin" },
    ],
    [
      "a venv PATH names is left alone",
      "FROM python:3.12-slim\nWORKDIR /app\nRUN python -m venv /venv\nENV PATH=/venv/bin:$PATH\nCOPY . .\n",
      { appDir: "/app" },
    ],
    [
      "VIRTUAL_ENV on PATH through the variable",
      'FROM python:3.12\nENV VIRTUAL_ENV=/opt/venv\nRUN python3 -m venv $VIRTUAL_ENV\nENV PATH="$VIRTUAL_ENV/bin:$PATH"\nCOPY . /srv/app\n',
      { appDir: "/srv/app" },
    ],
    [
      "a venv named through a variable but not on PATH",
      "FROM python:3.12\nENV VENV=/opt/venv\nRUN virtualenv ${VENV}\nCOPY . /srv/app\n",
      { appDir: "/srv/app", venvBin: "/opt/venv/bin" },
    ],
    [
      "the final stage copies from a build stage: the WORKDIR of its chain (Rails' /rails)",
      "FROM ruby:3.4 AS base\nWORKDIR /rails\nFROM base AS build\nCOPY . .\nFROM base\nCOPY --from=build /rails /rails\n",
      { appDir: "/rails" },
    ],
    [
      "no WORKDIR and no COPY of the repository: nothing known",
      "FROM nginx:1.27\nCOPY site.conf /etc/nginx/conf.d/\n",
      {},
    ],
  ])("%s", (_, text, want) => {
    expect(teamImage(text)).toEqual(want);
  });
});

describe("inTeamVenv", () => {
  const team = { appDir: "/opt/recipes", venvBin: "/opt/recipes/venv/bin" };
  it.each([
    [
      ["python", "manage.py", "migrate", "--noinput"],
      ["/opt/recipes/venv/bin/python", "manage.py", "migrate", "--noinput"],
    ],
    [
      ["python3", "manage.py", "createcachetable"],
      ["/opt/recipes/venv/bin/python3", "manage.py", "createcachetable"],
    ],
    [
      ["alembic", "upgrade", "head"],
      ["/opt/recipes/venv/bin/alembic", "upgrade", "head"],
    ],
    // Not a Python tool, or already a path: as it is.
    [
      ["bin/rails", "db:migrate"],
      ["bin/rails", "db:migrate"],
    ],
    [
      ["/usr/local/bin/python", "x.py"],
      ["/usr/local/bin/python", "x.py"],
    ],
  ])("%j", (argv, want) => {
    expect(inTeamVenv(argv, team)).toEqual(want);
  });

  it("changes nothing without a venv off PATH", () => {
    expect(inTeamVenv(["python", "manage.py", "migrate"], { appDir: "/app" })).toEqual([
      "python",
      "manage.py",
      "migrate",
    ]);
    expect(inTeamVenv(["python", "manage.py", "migrate"], undefined)).toEqual(["python", "manage.py", "migrate"]);
  });
});

describe("the port the team image's own start listens on", () => {
  const BOOT = `#!/bin/sh\nexport TANDOOR_PORT="\${TANDOOR_PORT:-80}"\npg_isready --port=\${POSTGRES_PORT:-5432}\nexec gunicorn --bind unix:/tmp/tandoor.sock recipes.wsgi\n`;
  const read = (files: Record<string, string>) => (f: string) => files[f];
  it.each([
    // Tandoor: boot.sh's nginx on ${TANDOOR_PORT:-80}, one of EXPOSE 80 8080; POSTGRES_PORT is not served.
    ["Tandoor's boot.sh", `${TANDOOR}EXPOSE 80 8080\n`, { "boot.sh": BOOT }, 80],
    // Saleor: the CMD's own --port=8000, the one EXPOSEd port.
    [
      "a CMD with a fixed port and one EXPOSE",
      'FROM python:3.12\nCOPY . /app\nEXPOSE 8000\nCMD ["uvicorn", "app:app", "--port=8000"]\n',
      {},
      8000,
    ],
    // Reads PORT (Cloud Run sets it): nothing to change.
    [
      "a start script that reads PORT",
      'FROM node:22\nWORKDIR /app\nCOPY . .\nEXPOSE 3000\nCMD ["./start.sh"]\n',
      { "start.sh": 'exec node server.js --port "${PORT:-3000}"\n' },
      undefined,
    ],
    ["ENV PORT in the image", 'FROM node:22\nENV PORT=3000\nEXPOSE 3000\nCMD ["node", "server.js"]\n', {}, undefined],
    // Two EXPOSEd ports and no script to choose: cannot tell.
    ["two EXPOSEd ports", 'FROM python:3.12\nEXPOSE 80 8080\nCMD ["python", "serve.py"]\n', {}, undefined],
  ])("%s", (_, text, files, port) => {
    expect(teamImage(text, read(files)).port).toBe(port);
  });
});

describe("a schema migration in the team image's start script", () => {
  const image = (start: string, script: string) =>
    teamImage(`FROM python:3.13\nWORKDIR /opt/app\nCOPY . ./\nENTRYPOINT ${start}\n`, (f) =>
      f === "boot.sh" || f === "bin/docker-entrypoint" ? script : undefined,
    ).startMigrates;
  it.each([
    // Tandoor's boot.sh.
    [
      '["/sbin/tini", "--", "/opt/app/boot.sh"]',
      'echo "Migrating database"\n\npython manage.py migrate\n',
      { file: "boot.sh", command: "python manage.py migrate" },
    ],
    [
      '["bin/docker-entrypoint"]',
      'if [ "$1" = server ]; then\n  ./bin/rails db:prepare\nfi\nexec "$@"\n',
      { file: "bin/docker-entrypoint", command: "./bin/rails db:prepare" },
    ],
    // A comment or an echo that names it is not a run.
    [
      '["/opt/app/boot.sh"]',
      '# python manage.py migrate runs in the deploy\necho "run manage.py migrate"\n',
      undefined,
    ],
  ])("%s", (start, script, want) => {
    expect(image(start, script)).toEqual(want);
  });
});

describe("the team's image without WORKDIR or COPY . (pretix)", () => {
  const dir = path.join(ROOT, "test/fixtures/real/pretix/repo");
  // As the repository views read: a folder (a COPY's source) is no text file.
  const read = (f: string) =>
    existsSync(path.join(dir, f)) && statSync(path.join(dir, f)).isFile()
      ? readFileSync(path.join(dir, f), "utf8")
      : undefined;
  const team = teamImage(read("Dockerfile")!, read);

  it("the repository is where COPYs that keep a path's place put it: src → /pretix/src, pyproject.toml → /pretix", () => {
    expect(team.appDir).toBe("/pretix");
  });

  it("the ENTRYPOINT is the script a COPY put on PATH, with its set-up and subcommands", () => {
    expect(team.entry).toMatchObject({
      file: "deployment/docker/pretix.bash",
      cd: "/pretix/src",
      env: { DJANGO_SETTINGS_MODULE: "production_settings" },
      djangoMains: ["pretix"],
    });
  });

  it.each([
    ["the cron job runs through its subcommand", ["python", "-m", "pretix", "runperiodic"], { args: ["cron"] }],
    ["the worker too", ["celery", "-A", "pretix.celery_app", "worker", "-l", "info"], { args: ["taskworker"] }],
    [
      "the migration through the catch-all (`python -m pretix` is its manage.py)",
      ["python", "manage.py", "migrate", "--noinput"],
      { args: ["migrate", "--noinput"] },
    ],
    ["a command the script does not start replaces it", ["node", "x.js"], { command: ["node", "x.js"] }],
  ])("%s", (_, argv, want) => {
    expect(teamRun(argv, team)).toEqual(want);
  });

  it.each([
    [
      "a file copied to a system folder says nothing",
      "FROM python:3.12\nCOPY nginx.conf /etc/nginx/nginx.conf\n",
      undefined,
    ],
    ["a folder copied into a folder loses its name: no vote", "FROM python:3.12\nCOPY src /srv/\n", undefined],
    [
      "requirements.txt into the app's folder",
      "FROM python:3.12\nCOPY requirements.txt /srv/app/\nCOPY app /srv/app/app\n",
      "/srv/app",
    ],
  ])("%s", (_, text, want) => {
    expect(teamImage(text, (f) => (f === "requirements.txt" ? "x" : undefined)).appDir).toBe(want);
  });
});

describe("teamRun with a venv off PATH", () => {
  const team = {
    venvBin: "/opt/app/venv/bin",
    entry: { file: "entry.sh", env: {}, routes: [{ argv: [], rest: true }], places: ["/entry.sh"] },
  };
  it("a pass-through script is given the venv's tool by its path", () => {
    expect(teamRun(["python", "manage.py", "migrate"], team)).toEqual({
      args: ["/opt/app/venv/bin/python", "manage.py", "migrate"],
    });
  });
  it("a subcommand still matches the script's own program by name", () => {
    const sub = {
      ...team,
      entry: { ...team.entry, routes: [{ sub: "worker", argv: ["celery", "-A", "app", "worker"], rest: false }] },
    };
    expect(teamRun(["celery", "-A", "app", "worker"], sub)).toEqual({ args: ["worker"] });
  });
});
