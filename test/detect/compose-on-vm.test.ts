// A VM whose app runs in Docker containers from a compose file (`docker compose up -d` with restart
// policies: no unit, supervisor program or pm2 app of the app's own): the repository's compose
// services are what runs there, not samples. Before, init kept only the VM's nginx and the plan
// moved nothing of the app.
import { mkdir, symlink } from "node:fs/promises";
import path from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { detectRepo } from "../../src/detect/detect-repo.js";
import { TempTrees } from "../helpers/file-tree.js";
import { readFromDisk, readOverSsh } from "../helpers/host-reads.js";

const trees = new TempTrees("im-compose-vm-");
afterAll(() => trees.removeAll());

const COMPOSE = `services:
  web:
    build: .
    command: gunicorn shop.wsgi:application --bind 0.0.0.0:8000 --workers 3
    ports: ["127.0.0.1:8000:8000"]
    depends_on: [db, redis]
  worker:
    build: .
    command: celery -A shop worker -l info
    depends_on: [db, redis]
  db:
    image: postgres:16
  redis:
    image: redis:7
`;
const UNIT = (exec: string) =>
  `[Unit]\nDescription=x\n[Service]\nExecStart=${exec}\n[Install]\nWantedBy=multi-user.target\n`;
const NGINX_SITE = "server {\n  listen 80;\n  location / { proxy_pass http://127.0.0.1:8000; }\n}\n";

/** A VM root with nginx, and Docker enabled unless `docker` is false, plus `extra` files. */
async function vm(docker: boolean, extra: Record<string, string> = {}): Promise<string> {
  const root = await trees.make({
    "etc/hostname": "shop-01\n",
    "etc/nginx/sites-enabled/shop": NGINX_SITE,
    "lib/systemd/system/nginx.service": UNIT("/usr/sbin/nginx -g 'daemon on; master_process on;'"),
    "lib/systemd/system/docker.service": UNIT("/usr/bin/dockerd -H fd:// --containerd=/run/containerd/containerd.sock"),
    ...extra,
  });
  const wants = path.join(root, "etc/systemd/system/multi-user.target.wants");
  await mkdir(wants, { recursive: true });
  await symlink("/lib/systemd/system/nginx.service", path.join(wants, "nginx.service"));
  if (docker) await symlink("/lib/systemd/system/docker.service", path.join(wants, "docker.service"));
  return root;
}

const read = async (root: string, compose = COMPOSE) => {
  const repo = await trees.make({
    "docker-compose.yml": compose,
    "requirements.txt": "Django==5.0.6\ngunicorn==22.0.0\ncelery==5.4.0\npsycopg==3.1.19\nredis==5.0.4\n",
    "manage.py": "import django\n",
  });
  return detectRepo(repo, { readRemote: async () => undefined, host: { root, readListeners: async () => undefined } });
};

describe("an app that runs under docker compose on the VM", () => {
  it("with Docker enabled and no unit of the app, the compose services are what runs", async () => {
    const facts = await read(await vm(true));
    const names = facts.services.map((s) => `${s.name}:${s.role}`).sort();
    expect(names).toEqual(["db:database", "nginx:reverse-proxy", "redis:broker", "web:web", "worker:worker"]);
    expect(facts.services.find((s) => s.name === "nginx")!.dependsOn).toEqual(["web"]);
    expect(facts.database).toMatchObject({ engine: "postgres", version: "16" });
    expect(facts.evidence.map((e) => e.found).join("\n")).toMatch(
      /the VM runs Docker \(.*docker\.service\) and no unit, supervisor program or pm2 app runs the app: web, worker, db, redis/,
    );
  });

  it("without Docker on the VM, the compose file stays a sample", async () => {
    const facts = await read(await vm(false));
    expect(facts.services.map((s) => s.name)).toEqual(["nginx"]);
  });

  it("when a unit of the VM runs the app, the compose file stays a sample even with Docker enabled", async () => {
    const root = await vm(true, {
      "etc/systemd/system/shop.service": UNIT(
        "/opt/shop/venv/bin/gunicorn shop.wsgi:application --bind 127.0.0.1:8000",
      ).replace("[Service]\n", "[Service]\nWorkingDirectory=/opt/shop\n"),
    });
    const facts = await read(root);
    expect(facts.services.map((s) => s.name).sort()).not.toContain("worker");
    expect(facts.services.some((s) => s.systemdUnit === "shop.service")).toBe(true);
  });

  it("its app services' volumes of user files are storage: mounted where the container writes, copied from the VM's folder", async () => {
    const compose = COMPOSE.replace(
      "    depends_on: [db, redis]\n  worker:",
      "    depends_on: [db, redis]\n    volumes: ['./media:/app/media', 'uploads:/app/uploads', './logs:/app/logs']\n  worker:",
    ).replace(
      "  db:\n    image: postgres:16\n",
      "  db:\n    image: postgres:16\n    volumes: ['pgdata:/var/lib/postgresql/data']\n",
    );
    const root = await vm(true, {
      "etc/systemd/system/shop.service": UNIT("/usr/bin/docker compose up -d").replace(
        "[Service]\n",
        "[Service]\nType=oneshot\nRemainAfterExit=yes\nWorkingDirectory=/srv/shop\n",
      ),
    });
    const wants = path.join(root, "etc/systemd/system/multi-user.target.wants");
    await symlink("/etc/systemd/system/shop.service", path.join(wants, "shop.service"));
    const facts = await read(root, compose + "volumes:\n  uploads:\n  pgdata:\n");
    expect(facts.storage).toEqual([
      {
        path: "/app/media",
        hostPath: "/srv/shop/media",
        purpose: "compose bind mount ./media:/app/media",
        services: ["web"],
        absoluteSetting: true,
      },
      {
        path: "/app/uploads",
        hostPath: "/var/lib/docker/volumes/shop_uploads/_data",
        purpose: "compose named volume uploads:/app/uploads",
        services: ["web"],
        absoluteSetting: true,
      },
    ]);
    // The unit that runs `docker compose up` only starts them.
    expect(facts.services.map((s) => s.name).sort()).toEqual(["db", "nginx", "redis", "web", "worker"]);
  });

  it("with no compose folder known on the VM, the evidence asks where the files are", async () => {
    const compose = COMPOSE.replace(
      "    depends_on: [db, redis]\n  worker:",
      "    depends_on: [db, redis]\n    volumes: ['./media:/app/media']\n  worker:",
    );
    const facts = await read(await vm(true), compose);
    expect(facts.storage).toEqual([expect.objectContaining({ path: "/app/media" })]);
    expect(facts.storage?.[0]).not.toHaveProperty("hostPath");
    expect(facts.evidence.map((e) => e.found).join("\n")).toContain(
      "user files in compose volumes (./media:/app/media): the compose file's folder on the VM is not known",
    );
  });

  it("the VM's own compose file, in the folder of the unit that runs docker compose, is preferred over the repository's; the ssh read sees the same", async () => {
    const onVm = COMPOSE.replace(
      "  worker:",
      "  beat:\n    build: .\n    command: celery -A shop beat\n  worker:",
    ).replace(
      "    depends_on: [db, redis]\n  beat:",
      "    depends_on: [db, redis]\n    env_file: .env\n    volumes: ['/srv/shop-media:/app/media']\n  beat:",
    );
    const root = await vm(true, {
      "etc/systemd/system/shop.service": UNIT("/usr/bin/docker compose -f docker-compose.prod.yml up -d").replace(
        "[Service]\n",
        "[Service]\nType=oneshot\nRemainAfterExit=yes\nWorkingDirectory=/srv/shop\n",
      ),
      "srv/shop/docker-compose.prod.yml": onVm,
      "srv/shop/.env": "DJANGO_SECRET_KEY=x\nDATABASE_URL=postgres://shop:pw@db/shop\n",
    });
    await symlink(
      "/etc/systemd/system/shop.service",
      path.join(root, "etc/systemd/system/multi-user.target.wants/shop.service"),
    );
    const repo = await trees.make({
      "docker-compose.yml": COMPOSE,
      "requirements.txt": "Django==5.0.6\ngunicorn==22.0.0\ncelery==5.4.0\npsycopg==3.1.19\nredis==5.0.4\n",
      "manage.py": "import django\n",
    });
    const facts = await readFromDisk(root, repo);
    expect(facts.services.map((s) => s.name).sort()).toEqual(["beat", "db", "nginx", "redis", "web", "worker"]);
    expect(facts.storage).toEqual([
      {
        path: "/app/media",
        hostPath: "/srv/shop-media",
        purpose: "compose bind mount /srv/shop-media:/app/media",
        services: ["web"],
        absoluteSetting: true,
      },
    ]);
    expect(facts.evidence.map((e) => e.file)).toContain("/srv/shop/docker-compose.prod.yml");
    // Its env_file: in that folder gives the names the web container gets (never the values).
    expect(facts.services.find((s) => s.name === "web")).toMatchObject({
      env: expect.arrayContaining(["DATABASE_URL", "DJANGO_SECRET_KEY"]),
      envFile: "/srv/shop/.env",
    });
    const overSsh = await readOverSsh(root, repo);
    expect(overSsh.services).toEqual(facts.services);
    expect(overSsh.storage).toEqual(facts.storage);
  });

  it("with no unit naming it, the one compose folder in /opt, /srv, /var/www or a home is the VM's; the ssh read sees the same", async () => {
    const onVm = COMPOSE.replace(
      "    depends_on: [db, redis]\n  worker:",
      "    depends_on: [db, redis]\n    env_file: [.env]\n    volumes: ['./uploads:/app/uploads']\n  worker:",
    );
    const repo = await trees.make({ "docker-compose.yml": COMPOSE, "manage.py": "import django\n" });
    const root = await vm(true, {
      "opt/shop/docker-compose.yml": onVm,
      "opt/shop/.env": "SECRET_KEY=x\nSHOP_MODE=prod\n",
      "opt/containerd/bin/x": "",
    });
    const facts = await readFromDisk(root, repo);
    expect(facts.storage).toEqual([
      expect.objectContaining({ path: "/app/uploads", hostPath: "/opt/shop/uploads", services: ["web"] }),
    ]);
    expect(facts.services.find((s) => s.name === "web")).toMatchObject({
      env: ["SECRET_KEY", "SHOP_MODE"],
      envFile: "/opt/shop/.env",
    });
    const overSsh = await readOverSsh(root, repo);
    expect(overSsh.services).toEqual(facts.services);
    expect(overSsh.storage).toEqual(facts.storage);
  });

  it("reads the VM's compose file as compose does (its .env's ports), each service's start script from the repository, and gives a container only the variables its environment lists; the ssh read sees the same", async () => {
    const compose = `services:
  web:
    build: { context: ., dockerfile: Dockerfile.app }
    image: acme/shop:latest
    entrypoint: ["/wait-for-it.sh", "db:5432", "--", "/start-web.sh"]
    ports: ["\${WEB_PORT:-8000}:8000"]
    environment:
      SECRET_KEY: "\${SECRET_KEY:-dev}"
  worker:
    image: acme/shop:latest
    entrypoint: ["/wait-for-it.sh", "db:5432", "--", "/start-worker.sh"]
    environment:
      SECRET_KEY: "\${SECRET_KEY:-dev}"
  db:
    image: postgres:16
    environment:
      POSTGRES_PASSWORD: "\${DB_PASSWORD:-x}"
`;
    const repoFiles = {
      "docker-compose.yml": compose,
      "Dockerfile.app": "FROM python:3.12\nCOPY docker/start-web.sh docker/start-worker.sh /\n",
      "docker/start-web.sh": "#!/bin/sh\nexec gunicorn shop.wsgi:application --bind 0.0.0.0:8000\n",
      "docker/start-worker.sh": "#!/bin/sh\nexec celery -A shop worker\n",
      "requirements.txt": "Django==5.0.6\ngunicorn==22.0.0\ncelery==5.4.0\npsycopg==3.1.19\npython-dotenv==1.0.1\n",
      "manage.py": "import django\n",
    };
    const repo = await trees.make(repoFiles);
    const env = "WEB_PORT=8080\nSECRET_KEY=not-a-real-one\nDB_PASSWORD=not-a-real-one\n";
    const root = await vm(true, { "opt/shop/docker-compose.yml": compose, "opt/shop/.env": env });
    const facts = await readFromDisk(root, repo);
    const byName = Object.fromEntries(facts.services.map((s) => [s.name, s]));
    expect(byName.web).toMatchObject({
      role: "web",
      software: "gunicorn",
      command: "/start-web.sh",
      listen: ["0.0.0.0:8080"],
      env: ["SECRET_KEY"],
    });
    expect(byName.worker).toMatchObject({ role: "worker", software: "celery", env: ["SECRET_KEY"] });
    const overSsh = await readOverSsh(root, repo);
    expect(overSsh.services).toEqual(facts.services);
    // Read in the VM's checkout itself: the .env holds the values of what the containers get
    // (envFile), but WEB_PORT and DB_PASSWORD fill the compose file, not the web container.
    const checkout = await vm(
      true,
      Object.fromEntries([...Object.entries(repoFiles), [".env", env]].map(([f, text]) => [`opt/shop/${f}`, text])),
    );
    const inPlace = await readFromDisk(checkout, path.join(checkout, "opt/shop"));
    expect(inPlace.services.find((s) => s.name === "web")).toMatchObject({
      env: ["SECRET_KEY"],
      envFile: "/opt/shop/.env",
    });
  });

  it("compose files in two folders: neither is taken, the evidence says so", async () => {
    const repo = await trees.make({ "docker-compose.yml": COMPOSE, "manage.py": "import django\n" });
    const root = await vm(true, {
      "srv/a/compose.yaml": COMPOSE,
      "home/deploy/b/docker-compose.yml": COMPOSE,
    });
    const facts = await readFromDisk(root, repo);
    expect(facts.evidence.map((e) => e.found).join("\n")).toContain(
      "compose files in several folders on the VM (/home/deploy/b/docker-compose.yml, /srv/a/compose.yaml)",
    );
    expect(facts.evidence.every((e) => !e.file.startsWith("/srv/a/") || e.found.startsWith("compose files"))).toBe(
      true,
    );
  });

  it("pulled images of no known kind: the one the VM's nginx proxies to serves HTTP (websockets when nginx passes Upgrade), and one compose restarts stays up", async () => {
    // Immich's docs layout: prebuilt images, no build, no command, no source on the VM.
    const compose = `name: photos
services:
  server:
    image: ghcr.io/acme/photos-server:\${VERSION:-release}
    ports: ['2283:2283']
    env_file: [.env]
    depends_on: [redis, database]
    restart: always
  ml:
    image: ghcr.io/acme/photos-ml:\${VERSION:-release}
    restart: always
  once:
    image: ghcr.io/acme/photos-tool:latest
  redis:
    image: docker.io/valkey/valkey:9
    restart: always
  database:
    image: postgres:16
    restart: always
`;
    const site = (upgrade: boolean) =>
      `server {\n  listen 443 ssl;\n${upgrade ? '  proxy_http_version 1.1;\n  proxy_set_header Upgrade $http_upgrade;\n  proxy_set_header Connection "upgrade";\n' : ""}  location / { proxy_pass http://127.0.0.1:2283; }\n}\n`;
    const read = async (upgrade: boolean) => {
      const root = await vm(true, {
        "etc/nginx/sites-enabled/shop": site(upgrade),
        "opt/photos/docker-compose.yml": compose,
        "opt/photos/.env": "VERSION=v2\nDB_PASSWORD=not-a-real-one\n",
      });
      const facts = await readFromDisk(root, path.join(root, "opt/photos"));
      return Object.fromEntries(facts.services.map((s) => [s.name, s]));
    };
    const byName = await read(true);
    expect(byName.server).toMatchObject({
      role: "web",
      listen: ["0.0.0.0:2283"],
      protocols: ["http", "websocket"],
      longRunning: true,
    });
    expect(byName.server!.runtime).toBeUndefined();
    // The image each pulls, compose's variables filled in from the .env: the deploy runs it as it is.
    expect(byName.server!.image).toBe("ghcr.io/acme/photos-server:v2");
    expect(byName.ml!.image).toBe("ghcr.io/acme/photos-ml:v2");
    expect(byName.database!.image).toBeUndefined();
    // Nothing says what `ml` is or where it listens: still of unknown kind, but kept up by compose.
    expect(byName.ml).toMatchObject({ role: "other", listen: [], longRunning: true });
    expect(byName.once!.longRunning).toBeUndefined();
    // No Upgrade header on the VM's proxy: no websocket is claimed for a program of unknown language.
    expect((await read(false)).server!.protocols).toEqual(["http"]);
  });

  it("what a compose volume keeps in place (a SQLite file) is read where it is on the VM", async () => {
    const compose = COMPOSE.replace(
      "    depends_on: [db, redis]\n  worker:",
      "    depends_on: [db, redis]\n    volumes: ['./data:/app/data']\n  worker:",
    );
    const root = await vm(true, {
      "etc/systemd/system/shop.service": UNIT("/usr/bin/docker compose up -d").replace(
        "[Service]\n",
        "[Service]\nType=oneshot\nWorkingDirectory=/srv/shop\n",
      ),
      "srv/shop/data/app.db": `SQLite format 3\u0000${"x".repeat(200)}`,
      "srv/shop/data/photos/a.jpg": "jpg",
    });
    await symlink(
      "/etc/systemd/system/shop.service",
      path.join(root, "etc/systemd/system/multi-user.target.wants/shop.service"),
    );
    const repo = await trees.make({ "docker-compose.yml": compose, "manage.py": "import django\n" });
    const facts = await readFromDisk(root, repo);
    expect(facts.storage).toEqual([
      expect.objectContaining({
        path: "/app/data",
        hostPath: "/srv/shop/data",
        inPlace: [{ path: "app.db", kind: "sqlite" }],
        uploadFolders: ["photos"],
      }),
    ]);
    expect((await readOverSsh(root, repo)).storage).toEqual(facts.storage);
  });
});
