// A target started through its image's ENTRYPOINT script (image/team-image.ts teamRun): the deploy
// passes only --args, which replace the image's CMD, and resets --command to the image's
// ENTRYPOINT with an empty value (an update keeps a command an earlier deploy set otherwise).
import { afterAll, describe, expect, it } from "vitest";
import type { Deployment, DeployTarget } from "../../../src/contracts/deployment.js";
import { deployFlags, shellWord } from "../../../src/phases/cicd/deploy-flags.js";
import { asJob } from "../../../src/phases/cicd/migrations.js";
import { mergeSurroundings } from "../../../src/phases/design/model-answer.js";
import { designAnswerSchema } from "../../../src/phases/design/schema.js";
import { chainYaml } from "../../helpers/chain.js";
import { TempTrees } from "../../helpers/file-tree.js";
import { renderOffline } from "../../helpers/offline-output.js";
import { seedDeployment } from "./fixtures.js";

function withTarget(extra: Partial<DeployTarget>): { dep: Deployment; target: DeployTarget } {
  const dep = seedDeployment();
  const { command: _command, ...base } = dep.services[1]!;
  const target: DeployTarget = { ...base, name: "app-cron", kind: "job", serviceAccount: "app-cron-sa", ...extra };
  dep.services.push(target);
  return { dep, target };
}

describe("a target started through the image's ENTRYPOINT", () => {
  it.each([
    ["one subcommand", ["cron"], "--args=cron"],
    ["a subcommand and what follows", ["taskworker", "-Q", "mail"], "--args=taskworker,-Q,mail"],
    ["a word with a comma switches gcloud's delimiter", ["export", "a,b"], "--args=^|^export|a,b"],
  ])("%s: --command= then --args", (_, args, flag) => {
    const { dep, target } = withTarget({ args });
    const flags = deployFlags(target, dep);
    expect(flags.slice(flags.indexOf("--command="))).toEqual(["--command=", flag]);
    expect(flags.filter((f) => f.startsWith("--command"))).toEqual(["--command="]);
    expect(shellWord("--command=")).toBe("--command=");
  });

  it("a command is still a command", () => {
    const { dep, target } = withTarget({ command: ["python", "-m", "app", "tick"] });
    expect(deployFlags(target, dep)).toEqual(expect.arrayContaining(["--command=python", "--args=-m,app,tick"]));
  });

  it("the app's API runs the image's own CMD unless the design chose a start of its script", () => {
    const dep = seedDeployment();
    const at = dep.services.findIndex((t) => t.kind === "api");
    const plain = dep.services[at]!;
    expect(plain.command?.length).toBeGreaterThan(0);
    expect(deployFlags(plain, dep).some((f) => f.startsWith("--command") || f.startsWith("--args"))).toBe(false);
    // Arguments are set on the API only by design/rules/supervised-start.ts (the start without a
    // worker the plan deploys on its own): the script's `web` instead of its CMD `all`.
    const api = { ...plain, args: ["web"] };
    dep.services[at] = api;
    const flags = deployFlags(api, dep);
    expect(flags.filter((f) => f.startsWith("--command") || f.startsWith("--args"))).toEqual([
      "--command=",
      "--args=web",
    ]);
  });

  it("a one-off job borrowing its owner's image takes the run it is given, never the owner's", () => {
    const owner = { ...seedDeployment().services[1]!, args: ["web"] };
    const viaEntry = asJob(owner, { args: ["migrate", "--noinput"] });
    expect(viaEntry.args).toEqual(["migrate", "--noinput"]);
    expect(viaEntry.command).toBeUndefined();
    const direct = asJob(owner, ["python", "manage.py", "migrate"]);
    expect(direct.command).toEqual(["python", "manage.py", "migrate"]);
    expect(direct.args).toBeUndefined();
  });
});

describe("a model's answer keeps how the image starts each process", () => {
  const YAML = `
apiVersion: infra-migrate/v1
kind: Inventory
metadata: { name: shop }
services:
  - { name: web, role: web, software: gunicorn, command: "gunicorn shop.wsgi --bind 127.0.0.1:8000", listen: ["127.0.0.1:8000"] }
  - { name: report, role: cron, software: python, schedule: "0 6 * * *", command: "python manage.py report" }
target: { project: shop-prod-1, region: us-central1, github: acme/shop }
`;
  it("arguments the draft planned replace the answer's command; arguments it did not plan are dropped", () => {
    const { design } = chainYaml(YAML);
    const draft = structuredClone(design.deployment);
    const job = draft.services.find((t) => t.kind === "job")!;
    delete job.command;
    job.args = ["report"];
    const answer = designAnswerSchema.parse(structuredClone(design));
    const merged = mergeSurroundings(answer, draft).deployment.services.find((t) => t.name === job.name)!;
    expect([merged.command, merged.args]).toEqual([undefined, ["report"]]);

    const invented = designAnswerSchema.parse(structuredClone(design));
    invented.deployment.services.find((t) => t.name === job.name)!.args = ["anything"];
    const kept = mergeSurroundings(invented, design.deployment).deployment.services.find((t) => t.name === job.name)!;
    expect([kept.command, kept.args]).toEqual([["python", "manage.py", "report"], undefined]);
  });
});

describe("a team image whose ENTRYPOINT script sets things up", () => {
  const trees = new TempTrees("im-entry-");
  afterAll(() => trees.removeAll());
  const INVENTORY = `
apiVersion: infra-migrate/v1
kind: Inventory
metadata: { name: shop }
services:
  - { name: web, role: web, software: gunicorn, command: "/srv/shop/venv/bin/gunicorn shop.wsgi --bind 127.0.0.1:8000", listen: ["127.0.0.1:8000"] }
  - { name: worker, role: worker, software: celery, command: "/srv/shop/venv/bin/celery -A shop.tasks worker" }
  - { name: report, role: cron, software: python, schedule: "0 6 * * *", command: "/srv/shop/venv/bin/python /srv/shop/manage.py report" }
target: { project: shop-prod-1, region: us-central1, github: acme/shop }
`;
  const REPO = {
    "manage.py": "import django\n",
    "requirements.txt": "django\ncelery\ngunicorn\n",
    "shop/__init__.py": "",
    "shop/wsgi.py": "application = None\n",
    Dockerfile:
      'FROM python:3.12\nCOPY requirements.txt /srv/shop/requirements.txt\nCOPY shop /srv/shop/shop\nCOPY manage.py /srv/shop/manage.py\nCOPY docker/entry.sh /usr/local/bin/shop\nEXPOSE 8000\nENTRYPOINT ["shop"]\nCMD ["web"]\n',
    "docker/entry.sh":
      '#!/bin/sh\ncd /srv/shop\nexport DJANGO_SETTINGS_MODULE=shop.production\ncase "$1" in\n  web) exec gunicorn shop.wsgi --bind 0.0.0.0:8000 ;;\n  worker)\n    shift\n    exec celery -A shop.tasks worker "$@"\n    ;;\nesac\n',
  };

  it("starts what the script dispatches through it, and names what runs without its set-up", async () => {
    const dir = trees.makeSync({ "inventory.yaml": INVENTORY });
    const repo = trees.makeSync(REPO);
    const { artifacts } = await renderOffline(`${dir}/inventory.yaml`, repo);
    const workflow = artifacts.find((a) => a.path === ".github/workflows/deploy.yml")!.content;
    expect(workflow).toMatch(/--service shop-prod-worker [\s\S]*?--command= \\?\s*--args=worker\n/);
    expect(workflow).toMatch(/--service shop-prod-report [\s\S]*?--command=python \\?\s*--args=manage.py,report\n/);
    const readme = artifacts.find((a) => a.path.endsWith("cicd/README.md"))!.content;
    expect(readme).toContain(
      "`docker/entry.sh`, your `Dockerfile`'s ENTRYPOINT, changes to `/srv/shop` and exports `DJANGO_SETTINGS_MODULE` before it starts a process, and it starts none of shop-prod-report (`python manage.py report`)",
    );
  });
});

describe("a team image whose default start runs supervisord with a worker the plan deploys on its own", () => {
  const trees = new TempTrees("im-supervised-");
  afterAll(() => trees.removeAll());
  const INVENTORY = `
apiVersion: infra-migrate/v1
kind: Inventory
metadata: { name: shop }
services:
  - { name: web, role: web, software: gunicorn, command: "/srv/shop/venv/bin/gunicorn shop.wsgi --bind 127.0.0.1:8000", listen: ["127.0.0.1:8000"] }
  - { name: worker, role: worker, software: celery, command: "/srv/shop/venv/bin/celery -A shop.tasks worker" }
target: { project: shop-prod-1, region: us-central1, github: acme/shop }
`;
  const program = (name: string, command: string) =>
    `[program:${name}]\ncommand=${command}\nautorestart=true ; restarted\n`;
  const repo = (web: boolean) => ({
    "manage.py": "import django\n",
    "requirements.txt": "django\ncelery\ngunicorn\n",
    "shop/__init__.py": "",
    "shop/wsgi.py": "application = None\n",
    Dockerfile: [
      "FROM python:3.12",
      "RUN apt-get update && apt-get install -y nginx supervisor",
      "COPY requirements.txt /srv/shop/requirements.txt",
      "COPY shop /srv/shop/shop",
      "COPY manage.py /srv/shop/manage.py",
      "COPY docker/entry.sh /usr/local/bin/shop",
      "COPY docker/supervisor /etc/supervisord",
      "COPY docker/all.conf /etc/supervisord.all.conf",
      ...(web ? ["COPY docker/web.conf /etc/supervisord.web.conf"] : []),
      "EXPOSE 80",
      'ENTRYPOINT ["shop"]',
      'CMD ["all"]',
      "",
    ].join("\n"),
    "docker/entry.sh": [
      "#!/bin/bash",
      "cd /srv/shop",
      'if [ "$1" == "all" ]; then',
      "    exec sudo -E /usr/bin/supervisord -n -c /etc/supervisord.all.conf",
      "fi",
      ...(web ? ['if [ "$1" == "web" ]; then', "    exec supervisord -n -c /etc/supervisord.web.conf", "fi"] : []),
      'if [ "$1" == "webworker" ]; then',
      "    exec gunicorn shop.wsgi --bind=unix:/tmp/shop.sock",
      "fi",
      'if [ "$1" == "worker" ]; then',
      "    shift",
      '    exec celery -A shop.tasks worker "$@"',
      "fi",
      "",
    ].join("\n"),
    "docker/all.conf": "[include]\nfiles = /etc/supervisord/*.conf\n",
    ...(web ? { "docker/web.conf": "[include]\nfiles = supervisord/nginx.conf supervisord/web.conf\n" } : {}),
    "docker/supervisor/nginx.conf": program("nginx", "/usr/sbin/nginx"),
    "docker/supervisor/web.conf": program("web", "/usr/local/bin/shop webworker"),
    "docker/supervisor/worker.conf": program("worker", "/usr/local/bin/shop worker"),
  });

  it("the web service runs the script's start without the worker, and the design says why", async () => {
    const dir = trees.makeSync({ "inventory.yaml": INVENTORY });
    const { artifacts } = await renderOffline(`${dir}/inventory.yaml`, trees.makeSync(repo(true)));
    const workflow = artifacts.find((a) => a.path === ".github/workflows/deploy.yml")!.content;
    expect(workflow).toMatch(/--service shop-prod-worker [\s\S]*?--command= \\?\s*--args=worker\n/);
    expect(workflow).toMatch(/--service shop-prod --strategy [\s\S]*?--command= \\?\s*--args=web\n/);
    const design = artifacts.find((a) => a.path.endsWith("design/architecture.md"))!.content;
    expect(design).toContain(
      "The image's CMD is `all`: `docker/entry.sh all` runs supervisord with nginx, web, worker (docker/supervisor/nginx.conf, docker/supervisor/web.conf, docker/supervisor/worker.conf), so every web instance would also run worker (`/usr/local/bin/shop worker`, deployed as shop-prod-worker)",
    );
    expect(design).toContain(
      "runs `web` instead (--args=web, --command left empty so the script's set-up runs first): nginx, web.",
    );
  });

  it("with no start without the worker, the web service keeps the CMD and the design says what it also runs", async () => {
    const dir = trees.makeSync({ "inventory.yaml": INVENTORY });
    const { artifacts } = await renderOffline(`${dir}/inventory.yaml`, trees.makeSync(repo(false)));
    const workflow = artifacts.find((a) => a.path === ".github/workflows/deploy.yml")!.content;
    expect(workflow).not.toMatch(/--service shop-prod --strategy [\s\S]*?--args=/);
    const design = artifacts.find((a) => a.path.endsWith("design/architecture.md"))!.content;
    expect(design).toContain(
      "so every web instance also runs worker (`/usr/local/bin/shop worker`, deployed as shop-prod-worker)",
    );
    expect(design).toContain("the image has no start without it.");
  });
});
