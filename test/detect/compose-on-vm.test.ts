// A VM whose app runs in Docker containers from a compose file (`docker compose up -d` with restart
// policies: no unit, supervisor program or pm2 app of the app's own): the repository's compose
// services are what runs there, not samples. Before, init kept only the VM's nginx and the plan
// moved nothing of the app.
import { mkdir, symlink } from "node:fs/promises";
import path from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { detectRepo } from "../../src/detect/detect-repo.js";
import { TempTrees } from "../helpers/file-tree.js";

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

const read = async (root: string) => {
  const repo = await trees.make({
    "docker-compose.yml": COMPOSE,
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
});
