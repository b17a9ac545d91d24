// Several app folders on one VM: the app's own (the repository, --from) and other repositories'
// checkouts beside it (Taiga's taiga-events and taiga-protected beside taiga-back). Each process
// gets the runtime, framework and stores its own folder's manifests and env file say, never the
// merged packages of every folder: a Flask-less Python helper is not Django because the app is,
// a Node websocket service that reads only the broker does not depend on PostgreSQL, and the
// app's server keeps its own pinned version.
import path from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { detectRepo } from "../../src/detect/detect-repo.js";
import { linkServices } from "../../src/init/build-inventory.js";
import type { DetectedService } from "../../src/detect/types.js";
import { TempTrees } from "../helpers/file-tree.js";
import { ROOT } from "../helpers/phase-input.js";

const noGit = async () => undefined;
const trees = new TempTrees("im-siblings-");
afterAll(() => trees.removeAll());

const unit = (exec: string, dir: string) =>
  `[Unit]\nDescription=x\n[Service]\nWorkingDirectory=${dir}\nExecStart=${exec}\n[Install]\nWantedBy=multi-user.target\n`;
const detect = (root: string, app: string) =>
  detectRepo(path.join(root, app), { readRemote: noGit, host: { root, readListeners: async () => "" } });

const SYNTHETIC = {
  "srv/board/api/manage.py": "",
  "srv/board/api/requirements.txt": "Django==4.2\npsycopg2==2.9\ngunicorn==21.2.0\n",
  "srv/board/push/package.json": JSON.stringify({
    name: "board-push",
    scripts: { start: "node index.js" },
    dependencies: { ws: "8", amqplib: "0.10", dotenv: "16" },
  }),
  "srv/board/push/.env": "AMQP_URL=amqp://u:p@127.0.0.1:5672/board\nPUSH_PORT=8888\n",
  "srv/board/thumbs/requirements.txt": "gunicorn==19.9.0\nredis==5.0\nPillow==10\n",
  "srv/board/thumbs/app.py": "app = None\n",
  "etc/systemd/system/api.service": unit(
    "/srv/board/api/.venv/bin/gunicorn --bind 127.0.0.1:8001 board.wsgi",
    "/srv/board/api",
  ),
  "etc/systemd/system/push.service": unit("/usr/bin/npm run start", "/srv/board/push"),
  "etc/systemd/system/thumbs.service": unit(
    "/srv/board/thumbs/.venv/bin/gunicorn --bind 127.0.0.1:8003 app:app",
    "/srv/board/thumbs",
  ),
  "etc/systemd/system/postgresql.service": unit(
    "/usr/lib/postgresql/15/bin/postgres -D /var/lib/postgresql/15/main",
    "/var/lib/postgresql",
  ),
  "etc/systemd/system/rabbitmq-server.service": unit("/usr/lib/rabbitmq/bin/rabbitmq-server", "/var/lib/rabbitmq"),
  "etc/systemd/system/redis-server.service": unit("/usr/bin/redis-server /etc/redis/redis.conf", "/var/lib/redis"),
};

interface Want {
  runtime: string;
  framework?: string;
  version?: string;
  dependsOn: string[];
  env?: string[];
}

describe("processes from other checkouts beside the app's", () => {
  it.each<[string, () => Promise<{ root: string; app: string }>, Record<string, Want>]>([
    [
      "a Django app with a Node push service and a Python thumbnailer beside it",
      async () => ({ root: await trees.make(SYNTHETIC), app: "srv/board/api" }),
      {
        api: {
          runtime: "python",
          framework: "django",
          version: "21.2.0",
          dependsOn: ["postgresql", "rabbitmq-server", "redis-server"],
        },
        push: { runtime: "node", dependsOn: ["rabbitmq-server"], env: ["AMQP_URL", "PUSH_PORT"] },
        thumbs: { runtime: "python", dependsOn: ["redis-server"] },
      },
    ],
    [
      "Taiga: taiga-back with taiga-events and taiga-protected",
      async () => ({ root: path.join(ROOT, "test/fixtures/real/taiga/vm"), app: "home/taiga/taiga-back" }),
      {
        taiga: {
          runtime: "python",
          framework: "django",
          version: "20.1.0",
          dependsOn: ["postgresql", "rabbitmq-server"],
        },
        "taiga-async": { runtime: "python", framework: "celery", dependsOn: ["postgresql", "rabbitmq-server"] },
        "taiga-events": { runtime: "node", dependsOn: ["rabbitmq-server"], env: ["RABBITMQ_URL", "SECRET"] },
        // It reaches no store: its folder's env file still gives it its settings.
        "taiga-protected": { runtime: "python", dependsOn: [], env: ["MAX_AGE", "SECRET_KEY"] },
      },
    ],
  ])("%s", async (_name, make, want) => {
    const { root, app } = await make();
    const facts = await detect(root, app);
    const byName = new Map<string, DetectedService>(facts.services.map((s) => [s.name, s]));
    for (const [name, w] of Object.entries(want)) {
      const s = byName.get(name);
      expect(s, name).toBeDefined();
      expect(s!.runtime, name).toBe(w.runtime);
      expect(s!.framework, name).toBe(w.framework);
      if (w.version) expect(s!.version, name).toBe(w.version);
      expect([...s!.dependsOn].sort(), name).toEqual(w.dependsOn);
      if (w.env) expect(s!.env, name).toEqual(expect.arrayContaining(w.env));
    }
  });
});

describe("init's linking of a process that names its own stores", () => {
  const stores = [
    { name: "db", role: "database" as const, software: "postgres", listen: [], dependsOn: [] },
    { name: "mq", role: "broker" as const, software: "rabbitmq", listen: [], dependsOn: [] },
  ];
  it.each([
    ["read from its own checkout, no store named: none", { ownStores: true, dependsOn: [] }, []],
    ["read from its own checkout, the broker named: the broker", { ownStores: true, dependsOn: ["mq"] }, ["mq"]],
    ["the app's own process, nothing said: every store by role", { dependsOn: [] }, ["db", "mq"]],
  ])("%s", (_name, own, expected) => {
    const web = { name: "web", role: "web" as const, software: "gunicorn", listen: [], ...own };
    const linked = linkServices([web, ...stores]);
    expect(linked.find((s) => s.name === "web")!.dependsOn).toEqual(expected);
  });
});
