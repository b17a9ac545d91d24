// Health routes found in the repository, per web process: a Compose healthcheck on the process's
// port, a framework's own route, a route its entry module declares; nothing invented when none
// is there (the deploy then probes the port).
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { planImages } from "../../src/image/plan.js";
import { parseInventory } from "../../src/inventory/load.js";

const dirs: string[] = [];
afterAll(() => dirs.forEach((d) => rmSync(d, { recursive: true, force: true })));

function repoWith(files: Record<string, string>): string {
  const dir = mkdtempSync(path.join(tmpdir(), "health-route-"));
  dirs.push(dir);
  for (const [rel, text] of Object.entries(files)) {
    mkdirSync(path.dirname(path.join(dir, rel)), { recursive: true });
    writeFileSync(path.join(dir, rel), text);
  }
  return dir;
}

interface Web {
  name: string;
  software: string;
  command: string;
  runtime: string;
  framework?: string;
  port: number;
}

function healthOf(files: Record<string, string>, webs: Web[]) {
  const services = webs
    .map(
      (w) => `  - name: ${w.name}
    role: web
    software: ${w.software}
    runtime: ${w.runtime}
${w.framework ? `    framework: ${w.framework}\n` : ""}    command: "${w.command}"
    listen: ["127.0.0.1:${w.port}"]`,
    )
    .join("\n");
  const yaml = `apiVersion: infra-migrate/v1
kind: Inventory
metadata: { name: app }
host: { hostname: vm, os: "Debian 12" }
services:
${services}
deploy: { method: ssh-systemctl }
traffic: { growth: 2 }
target: { project: acme-prod, region: us-central1 }
`;
  const inv = parseInventory(yaml, "inventory.yaml").inventory;
  return planImages(inv, repoWith(files)).health;
}

const FASTAPI: Web = {
  name: "api",
  software: "uvicorn",
  runtime: "python",
  framework: "fastapi",
  command: "uvicorn app.main:app --port 8000",
  port: 8000,
};
const REQS = { "requirements.txt": "fastapi\nuvicorn\n" };

describe("health routes", () => {
  it.each([
    ["a FastAPI decorator in the app module", { "app/main.py": '@app.get("/healthz")\ndef h(): ...\n' }, "/healthz"],
    [
      "a Flask route in the app module",
      { "app/main.py": '@app.route("/health-check")\ndef h(): ...\n' },
      "/health-check",
    ],
    ["a router's decorator", { "app/main.py": '@router.get("/livez")\nasync def h(): ...\n' }, "/livez"],
    [
      "no health-like route (/status is often guarded)",
      { "app/main.py": '@app.get("/status")\ndef s(): ...\n' },
      undefined,
    ],
    ["a health route in a module the command does not start", { "other.py": '@app.get("/healthz")\n' }, undefined],
    [
      "a Compose healthcheck on the process's port",
      {
        "docker-compose.yml":
          'services:\n  web:\n    healthcheck:\n      test: ["CMD-SHELL", "curl -f localhost:8000/ping || exit 1"]\n',
      },
      "/ping",
    ],
    [
      "a Compose healthcheck on another port",
      {
        "docker-compose.yml": "services:\n  web:\n    healthcheck:\n      test: curl -f http://localhost:9000/health\n",
      },
      undefined,
    ],
  ])("%s", (_, files, expected) => {
    expect(healthOf({ ...REQS, ...files }, [FASTAPI]).api?.path).toBe(expected);
  });

  it("matches Compose healthchecks to processes by port (Mastodon's web and streaming)", () => {
    const compose = `services:
  web:
    healthcheck:
      test: ['CMD-SHELL', "curl -s --noproxy localhost localhost:3000/health | grep -q 'OK' || exit 1"]
  streaming:
    healthcheck:
      test: ['CMD-SHELL', "curl -s --noproxy localhost localhost:4000/api/v1/streaming/health | grep -q 'OK' || exit 1"]
`;
    const health = healthOf({ "docker-compose.yml": compose, Gemfile: "gem 'puma'\n" }, [
      { name: "web", software: "puma", runtime: "ruby", command: "bundle exec puma -C config/puma.rb", port: 3000 },
      { name: "streaming", software: "node", runtime: "node", command: "node ./streaming/index.js", port: 4000 },
    ]);
    expect([health.web?.path, health.streaming?.path]).toEqual(["/health", "/api/v1/streaming/health"]);
    expect(health.web?.source).toMatch(/docker-compose\.yml \(healthcheck of web\)/);
  });

  it("knows framework routes: Rails 7.1's /up, Spring Boot Actuator unless moved, Laravel's health", () => {
    const rails = { name: "web", software: "puma", runtime: "ruby", command: "bundle exec puma", port: 3000 };
    expect(
      healthOf(
        { Gemfile: "gem 'rails'\n", "config/routes.rb": 'get "up" => "rails/health#show", as: :rails_health_check\n' },
        [rails],
      ).web?.path,
    ).toBe("/up");
    const spring = { name: "web", software: "java", runtime: "java", command: "java -jar app.jar", port: 8080 };
    const pom = "<artifactId>spring-boot-starter-actuator</artifactId>";
    expect(healthOf({ "pom.xml": pom }, [spring]).web?.path).toBe("/actuator/health");
    expect(
      healthOf(
        { "pom.xml": pom, "src/main/resources/application.properties": "management.endpoints.web.base-path=/manage\n" },
        [spring],
      ).web,
    ).toBeUndefined();
    const laravel = { name: "web", software: "php-fpm", runtime: "php", command: "php-fpm", port: 9000 };
    expect(
      healthOf({ "bootstrap/app.php": "->withRouting(web: __DIR__.'/../routes/web.php', health: '/up')" }, [laravel])
        .web?.path,
    ).toBe("/up");
  });

  it("reads a Django project's URLconf beside its WSGI module, keeping the trailing slash", () => {
    const django = {
      name: "web",
      software: "gunicorn",
      runtime: "python",
      framework: "django",
      command: "gunicorn proj.wsgi",
      port: 8000,
    };
    const files = {
      "requirements.txt": "django\ngunicorn\n",
      "proj/wsgi.py": "",
      "proj/urls.py": 'urlpatterns = [path("health/", views.health)]\n',
    };
    expect(healthOf(files, [django]).web?.path).toBe("/health/");
  });

  it("an Express route in the Node entry file", () => {
    const node = { name: "web", software: "node", runtime: "node", command: "node server.js", port: 3000 };
    const files = {
      "package.json": '{"name":"a","dependencies":{"express":"4"}}',
      "server.js": "app.get('/healthz', (req, res) => res.send('ok'))\n",
    };
    expect(healthOf(files, [node]).web?.path).toBe("/healthz");
  });

  it("a Go router's route in cmd/, the top-level one before one behind the API's prefix (listmonk)", () => {
    const go = {
      name: "web",
      software: "app",
      runtime: "go",
      command: "/usr/bin/app --config /etc/app.toml",
      port: 9000,
    };
    const files = {
      "go.mod": "module github.com/acme/app\n\ngo 1.22\n",
      "cmd/main.go": "package main\n\nfunc main() {}\n",
      "cmd/handlers.go": 'package main\n\nfunc routes() {\n\tg.GET("/api/health", h)\n\tg.GET("/health", h)\n}\n',
      "cmd/handlers_test.go": 'package main\n\nfunc t() { g.GET("/healthz", h) }\n',
    };
    expect(healthOf(files, [go]).web).toEqual({ path: "/health", source: "cmd/handlers.go" });
  });
});

describe("an Express app started by its package script, its routes in a router the entry mounts", () => {
  // HedgeDoc 1.x: the unit runs `yarn start`, package.json's start is `node app.js`, and app.js
  // mounts lib/web/statusRouter.js at the root, which declares GET /_health.
  const WEB: Web = {
    name: "web",
    software: "node",
    command: "/usr/bin/yarn start",
    runtime: "node",
    framework: "express",
    port: 3000,
  };
  const manifest = JSON.stringify({ name: "app", scripts: { start: "node app.js" } });
  const router =
    "const r = module.exports = require('express').Router()\nr.get('/_health', (req, res) => res.send({}))\n";

  it.each<[string, Record<string, string>, string | undefined]>([
    [
      "mounted at the root: its route",
      { "app.js": "app.use(require('./lib/web/statusRouter'))\n", "lib/web/statusRouter.js": router },
      "/_health",
    ],
    [
      "mounted under a prefix: not followed (the route is /api/_health, which the router does not say)",
      { "app.js": "app.use('/api', require('./lib/web/statusRouter'))\n", "lib/web/statusRouter.js": router },
      undefined,
    ],
    ["declared in the entry itself", { "app.js": "app.get('/healthz', (req, res) => res.send('ok'))\n" }, "/healthz"],
    ["no route anywhere: nothing invented", { "app.js": "app.listen(3000)\n" }, undefined],
  ])("%s", (_name, files, route) => {
    expect(healthOf({ "package.json": manifest, ...files }, [WEB]).web?.path).toBe(route);
  });
});

// The project's own probes, wherever its Compose and Docker files sit: Compose files by name at any
// of the first levels (docker-compose.prod.yml, compose-mysql.yaml) and any YAML in a compose/
// folder (Traccar's docker/compose/traccar-mysql.yaml), then a Dockerfile's HEALTHCHECK.
describe("health routes from the project's Compose and Docker files", () => {
  const JAVA: Web = { name: "web", software: "java", runtime: "java", command: "java -jar app.jar", port: 8082 };
  const probe = (test: string) => `services:\n  app:\n    image: acme/app\n    healthcheck:\n      test: ${test}\n`;
  const WGET = probe('[ "CMD", "wget", "-q", "--spider", "http://localhost:8082/api/health" ]');

  it.each([
    ["a YAML in docker/compose/ (exec form, wget)", { "docker/compose/app-mysql.yaml": WGET }, "/api/health"],
    ["docker-compose.prod.yml in a subfolder", { "deploy/docker-compose.prod.yml": WGET }, "/api/health"],
    ["compose-mysql.yaml at the root", { "compose-mysql.yaml": WGET }, "/api/health"],
    ["a YAML elsewhere is no Compose file", { "deploy/app.yaml": WGET }, undefined],
    ["a Compose file in a docs folder is not the project's", { "docs/compose/app.yaml": WGET }, undefined],
    [
      "a Dockerfile's HEALTHCHECK, shell form with options",
      {
        "docker/Dockerfile.debian":
          "FROM eclipse-temurin:21\nHEALTHCHECK --interval=30s CMD curl -f http://localhost:8082/healthz || exit 1\n",
      },
      "/healthz",
    ],
    [
      "a Dockerfile's HEALTHCHECK, exec form on a continued line",
      { Dockerfile: 'FROM x\nHEALTHCHECK --timeout=5s \\\n  CMD ["wget", "-qO-", "http://127.0.0.1:8082/ping"]\n' },
      "/ping",
    ],
    ["HEALTHCHECK NONE says nothing", { Dockerfile: "FROM x\nHEALTHCHECK NONE\n" }, undefined],
    [
      "a HEALTHCHECK on another port",
      { Dockerfile: "FROM x\nHEALTHCHECK CMD curl -f http://localhost:9999/health\n" },
      undefined,
    ],
  ])("%s", (_, files, expected) => {
    expect(healthOf(files, [JAVA]).web?.path).toBe(expected);
  });

  it("names where it was found; the Compose healthcheck before the Dockerfile's", () => {
    const files = {
      "docker/compose/app-mysql.yaml": WGET,
      "docker/Dockerfile": "FROM x\nHEALTHCHECK CMD curl -f http://localhost:8082/healthz\n",
    };
    expect(healthOf(files, [JAVA]).web).toEqual({
      path: "/api/health",
      source: "docker/compose/app-mysql.yaml (healthcheck of app)",
    });
    expect(healthOf({ "docker/Dockerfile": files["docker/Dockerfile"] }, [JAVA]).web).toEqual({
      path: "/healthz",
      source: "docker/Dockerfile (HEALTHCHECK)",
    });
  });
});
