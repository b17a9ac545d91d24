import { describe, expect, it } from "vitest";
import { classifyCommand } from "../../src/detect/command.js";
import { parseGithubRemote } from "../../src/detect/git-remote.js";
import { parseNginxConfig } from "../../src/detect/nginx.js";
import { parseProcfile } from "../../src/detect/procfile.js";
import { parsePyproject, parseRequirementsTxt } from "../../src/detect/python-deps.js";
import {
  environmentFileNames,
  environmentFileValues,
  environmentFiles,
  parseSystemdUnit,
  readUnitFile,
} from "../../src/detect/systemd.js";
import { parseCompose } from "../../src/detect/compose.js";

describe("classifyCommand", () => {
  it.each([
    [
      "/srv/app/.venv/bin/uvicorn app.main:app --host 0.0.0.0 --port 9000",
      { software: "uvicorn", role: "web", listen: "0.0.0.0:9000", runtime: "python" },
    ],
    ["uvicorn app.main:app", { software: "uvicorn", role: "web", listen: "127.0.0.1:8000" }],
    ["python -m uvicorn app:app --port=8080", { software: "uvicorn", role: "web", listen: "127.0.0.1:8080" }],
    ["gunicorn -b 0.0.0.0:5000 app:app", { software: "gunicorn", role: "web", listen: "0.0.0.0:5000" }],
    ["gunicorn app:app --bind unix:/run/app.sock", { software: "gunicorn", role: "web", listen: undefined }],
    ["gunicorn app:app --bind 0.0.0.0:$PORT", { software: "gunicorn", role: "web", listen: undefined }],
    // The address is in the config file (read later, relative to the unit's WorkingDirectory).
    ["gunicorn --config /opt/app/gunicorn.py app.wsgi", { listen: undefined, configFile: "/opt/app/gunicorn.py" }],
    ["uwsgi --master --http-socket 127.0.0.1:8000 --module hc.wsgi", { software: "uwsgi", listen: "127.0.0.1:8000" }],
    ["celery -A app worker -l info", { software: "celery", role: "worker", framework: "celery" }],
    ["poetry run celery -A app beat", { software: "celery", role: "scheduler" }],
    [
      "celery --broker=redis://r:6379/0 flower --port=5555",
      { role: "web", framework: "flower", listen: "0.0.0.0:5555" },
    ],
    ["/bin/bash -c 'exec celery -A app worker'", { software: "celery", role: "worker" }],
    [`/usr/bin/env bash -lc "cd /srv/app && exec bundle exec sidekiq"`, { role: "worker", framework: "sidekiq" }],
    [
      `/bin/sh -c '[ -n "$P" ] && export GRANIAN_PORT=$P; exec granian --interface asginl --ws "app.asgi:application"'`,
      { software: "granian", role: "web", protocols: ["http", "websocket"], portEnv: ["GRANIAN_PORT", "PORT"] },
    ],
    ["python manage.py runserver 0.0.0.0:8001", { software: "django", role: "web", listen: "0.0.0.0:8001" }],
    ["venv/bin/python manage.py smtpd --port 2525", { role: "other", listen: "0.0.0.0:2525", protocols: ["smtp"] }],
    ["python3 /opt/netbox/netbox/manage.py rqworker high default low", { role: "worker", framework: "rq" }],
    ["/opt/redash/manage.py rq scheduler", { role: "scheduler", framework: "rq" }],
    ["npm start", { software: "node", role: "other", runtime: "node", script: "start" }],
    ["/usr/bin/npm run start", { script: "start" }],
    [
      "bundle exec puma -C config/puma.rb",
      { software: "puma", role: "web", runtime: "ruby", configFile: "config/puma.rb" },
    ],
    ["/home/app/.rbenv/shims/bundle exec sidekiq -c 25", { role: "worker", runtime: "ruby", framework: "sidekiq" }],
    ["bundle exec rake resque:work QUEUE=*", { role: "worker", framework: "resque" }],
    // Env-file launchers run the rest (Chatwoot's worker unit; dotenv-cli; dotenvx; envdir).
    [
      "/bin/bash -lc 'dotenv bundle exec sidekiq -C config/sidekiq.yml'",
      { software: "sidekiq", role: "worker", runtime: "ruby", framework: "sidekiq" },
    ],
    ["dotenv -f .env.production bundle exec sidekiq", { role: "worker", framework: "sidekiq" }],
    ["npx dotenv -e .env -- node dist/worker.js", { software: "node", runtime: "node" }],
    ["dotenvx run -f .env.production -- celery -A app worker", { role: "worker", framework: "celery" }],
    ["envdir /etc/app/env gunicorn app:app", { software: "gunicorn", role: "web" }],
    ["foreman run bundle exec sidekiq", { role: "worker", framework: "sidekiq" }],
    ["dotenv", { software: "dotenv" }],
    ["/usr/bin/php /var/www/app/artisan horizon", { role: "worker", runtime: "php", framework: "horizon" }],
    ["php artisan queue:work --tries=3", { role: "worker", framework: "laravel-queue" }],
    ["/usr/sbin/php-fpm8.2 --nodaemonize", { software: "php-fpm", role: "web", runtime: "php" }],
    // Symfony's console: Messenger, RabbitMqBundle and enqueue consumers are workers; others say nothing more.
    [
      "php /var/www/app/bin/console messenger:consume async --time-limit=3600",
      { software: "symfony", role: "worker", runtime: "php", framework: "symfony-messenger" },
    ],
    [
      "/var/www/app/bin/console messenger:consume async",
      { software: "symfony", role: "worker", runtime: "php", framework: "symfony-messenger" },
    ],
    [
      "/usr/bin/php bin/console rabbitmq:consumer --env=prod import_pocket -w",
      { role: "worker", runtime: "php", framework: "symfony" },
    ],
    ["php bin/console --env=prod enqueue:consume --setup-broker", { role: "worker", framework: "symfony" }],
    [
      "/usr/bin/php /var/www/wallabag/bin/console wallabag:import:redis-worker --env=prod pocket -vv",
      { software: "symfony", role: "other", runtime: "php", framework: "symfony" },
    ],
    ["/opt/tools/console run", { runtime: undefined }],
    ["/usr/bin/java -Xmx512m -jar /opt/app/app.jar", { software: "java", runtime: "java" }],
    ["/usr/sbin/mariadbd $MYSQLD_OPTS", { software: "mariadb", role: "database" }],
    ["/usr/bin/pg_ctlcluster --skip-systemctl-redirect 15-main start", { software: "postgres", role: "database" }],
    ["-/usr/sbin/nginx -g 'daemon off;'", { software: "nginx", role: "reverse-proxy" }],
    ["/usr/local/bin/backup.sh", { software: "backup.sh", role: "other", runtime: undefined }],
  ])("%s", (command, expected: Record<string, unknown>) => {
    const facts = classifyCommand(command) as unknown as Record<string, unknown>;
    for (const [key, value] of Object.entries(expected)) expect(facts[key], key).toEqual(value);
  });
});

describe("parseGithubRemote", () => {
  it.each([
    ["git@github.com:acme/web-app.git", "acme/web-app"],
    ["https://github.com/acme/web-app", "acme/web-app"],
    ["https://github.com/acme/web.app.git/", "acme/web.app"],
    ["ssh://git@github.com/acme/web-app.git", "acme/web-app"],
    ["https://x-access-token:ghp_secret@github.com/acme/web-app.git", "acme/web-app"],
    ["git@gitlab.com:acme/web-app.git", undefined],
    ["not a url", undefined],
  ])("%s", (url, expected) => {
    expect(parseGithubRemote(url)).toBe(expected);
  });
});

describe("dependency files", () => {
  it("reads requirements.txt names and pins, skipping options and comments", () => {
    const deps = parseRequirementsTxt(
      "# c\nFastAPI==0.110.0\nuvicorn[standard]>=0.23\n-r dev.txt\n-e git+https://x/y.git#egg=z\nPy_MySQL==1.1 ; python_version>'3'\n",
    );
    expect([...deps]).toEqual([
      ["fastapi", "0.110.0"],
      ["uvicorn", undefined],
      ["py-mysql", "1.1"],
    ]);
  });
  it("reads PEP 621 and Poetry pyproject files", () => {
    const pep = parsePyproject(
      '[project]\nname = "shop"\ndependencies = [\n  "psycopg[binary]>=3",\n  "openai",\n]\n[tool.x]\nname = "no"\n',
    );
    expect(pep.name).toBe("shop");
    expect([...pep.packages.keys()]).toEqual(["psycopg", "openai"]);
    const poetry = parsePyproject(
      '[tool.poetry]\nname = "svc"\n[tool.poetry.dependencies]\npython = "^3.11"\nDjango = "4.2.1"\ncelery = {version = "^5", extras = ["redis"]}\n',
    );
    expect(poetry.name).toBe("svc");
    expect([...poetry.packages]).toEqual([
      ["django", "4.2.1"],
      ["celery", undefined],
    ]);
  });
  it("reads Poetry dependency groups and multi-line strings, and gives nothing for invalid TOML", () => {
    const groups = parsePyproject(
      '[tool.poetry.group.dev.dependencies]\npytest = "==8.0.0"\n[project]\ndescription = """\n[not a table]\n"""\n',
    );
    expect([...groups.packages]).toEqual([["pytest", "8.0.0"]]);
    expect(parsePyproject('[project\nname = "x"\n')).toEqual({ packages: new Map() });
  });
});

describe("runtime files", () => {
  it("nginx: listen ports (IPv6 duplicates dropped) and proxied upstream ports", () => {
    const site = parseNginxConfig(
      "upstream app { server 127.0.0.1:8000; server 127.0.0.1:8001; }\nserver { listen 80; listen [::]:80; listen 127.0.0.1:8443 ssl; # listen 9999;\n location / { proxy_pass http://app; } location /ws { proxy_pass http://127.0.0.1:9000/ws; } }",
      "nginx.conf",
    );
    expect(site).toMatchObject({ listen: ["0.0.0.0:80", "127.0.0.1:8443"], proxiesToPorts: [8000, 8001, 9000] });
  });
  it("systemd: unit without ExecStart is not a service", () => {
    expect(parseSystemdUnit("[Unit]\nDescription=x\n[Timer]\nOnCalendar=daily\n", "x.service")).toBeUndefined();
    expect(
      parseSystemdUnit("[Service]\nExecStart=/usr/bin/redis-server /etc/redis.conf\n", "deploy/redis-server.service"),
    ).toMatchObject({ name: "redis-server", role: "cache", software: "redis", systemdUnit: "redis-server.service" });
  });
  it("systemd: Environment= gives variable names, never values; EnvironmentFile= paths are listed", () => {
    const unit = [
      "[Service]",
      'Environment="DATABASE_URL=mysql://app:pw@db/app" APP_ENV=prod',
      "Environment='GREETING=hello world' OPENAI_API_KEY=sk-not-real",
      "EnvironmentFile=-/etc/app/env",
      "EnvironmentFile=relative/ignored",
      "ExecStart=/srv/app/.venv/bin/gunicorn app:app",
    ].join("\n");
    const found = parseSystemdUnit(unit, "api.service")!;
    expect(found.env).toEqual(["APP_ENV", "DATABASE_URL", "GREETING", "OPENAI_API_KEY"]);
    // Read alone, every name is the unit's own (an EnvironmentFile= read on the host takes its names out).
    expect(found.unitEnv).toEqual(found.env);
    expect(JSON.stringify(found)).not.toMatch(/pw@|sk-not-real|hello world/);
    expect(environmentFiles(readUnitFile(unit).get("Service"))).toEqual(["/etc/app/env"]);
    expect(environmentFileNames('# c\nexport A=1\nB = 2\n  C="x y"\nnot a line\n9BAD=1\n')).toEqual(["A", "B", "C"]);
  });
  it("an environment file's quoted value over several lines (a PEM key) is one value, its body no names", () => {
    // Saleor's RSA_PRIVATE_KEY in an EnvironmentFile=: systemd reads the quoted value up to its
    // closing quote; a base64 line ending in "==" is part of it, not an assignment.
    const text = [
      "SECRET_KEY=x",
      'RSA_PRIVATE_KEY="-----BEGIN PRIVATE KEY-----',
      "MIIEvQIBADANBgkqhkiG9w0BAQEFAASC",
      "S2V5Tm90QVJlYWxLZXk==",
      '-----END PRIVATE KEY-----"',
      "JWT_TTL_ACCESS='5 minutes'",
      "DEBUG=False",
    ].join("\n");
    expect(environmentFileNames(text)).toEqual(["DEBUG", "JWT_TTL_ACCESS", "RSA_PRIVATE_KEY", "SECRET_KEY"]);
    const values = environmentFileValues(text);
    expect(values.RSA_PRIVATE_KEY).toBe(
      "-----BEGIN PRIVATE KEY-----\nMIIEvQIBADANBgkqhkiG9w0BAQEFAASC\nS2V5Tm90QVJlYWxLZXk==\n-----END PRIVATE KEY-----",
    );
    expect([values.JWT_TTL_ACCESS, values.DEBUG]).toEqual(["5 minutes", "False"]);
    // A quote that never closes runs to the end of the file; an escaped quote does not close.
    expect(environmentFileNames('A="open\nB=2\n')).toEqual(["A"]);
    expect(environmentFileNames('A="say \\"hi\\"\nB=2"\nC=3\n')).toEqual(["A", "C"]); // A backslash at a line's end inside double quotes continues the value (systemd.exec(5)).
    expect(environmentFileValues('OPTS="-Q:a a \\\n    -Q:b b"\nN=1\n')).toEqual({ OPTS: "-Q:a a     -Q:b b", N: "1" });
  });
  it("compose: environment names from a list or a map", () => {
    const found = parseCompose(
      "services:\n  web:\n    image: acme/web\n    environment:\n      - DATABASE_URL=postgres://x\n      - DEBUG\n  worker:\n    image: acme/web\n    environment: { CELERY_BROKER_URL: redis://r, GEMINI_API_KEY: x }\n",
      "compose.yml",
    );
    expect(found.map((s) => s.env)).toEqual([
      ["DATABASE_URL", "DEBUG"],
      ["CELERY_BROKER_URL", "GEMINI_API_KEY"],
    ]);
  });
  it("Procfile: process type web is the web role; release is not a service", () => {
    const p = parseProcfile("web: node server.js\nworker_emails: python jobs.py\nrelease: ./migrate.sh\n");
    expect(p.services.map((s) => [s.name, s.role, s.software])).toEqual([
      ["web", "web", "node"],
      ["worker-emails", "worker", "python"],
    ]);
    expect(p.releaseCommand).toBe("./migrate.sh");
  });
  it("compose: published ports, image versions, unknown images", () => {
    const found = parseCompose(
      "services:\n  db:\n    image: bitnami/mysql:8.0.36\n    ports: ['127.0.0.1:3307:3306']\n  mq:\n    image: rabbitmq:3-management\n  thing:\n    image: ghcr.io/acme/thing:latest\n",
      "compose.yml",
    );
    expect(found.map((s) => [s.name, s.role, s.software, s.version, s.listen])).toEqual([
      ["db", "database", "mysql", "8.0.36", ["127.0.0.1:3307"]],
      ["mq", "broker", "rabbitmq", "3", []],
      ["thing", "other", "thing", undefined, []],
    ]);
    expect(parseCompose("not: [valid", "compose.yml")).toEqual([]);
  });
});
