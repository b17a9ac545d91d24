// An app that loads its own env file (Laravel's .env, dotenv's .env.production, paperless.conf)
// keeps its settings in a file git ignores, so the image will not hold it: every name in it must
// reach Cloud Run (Secret Manager, plain env, the Cloud SQL user, the Memorystore address), and
// the secrets setup must be pointed at that file. Built on small VM trees in a temp folder, then
// checked end to end on the corpus apps whose guides keep the settings there (Pixelfed, Mastodon,
// paperless-ngx).
import { writeFile } from "node:fs/promises";
import path from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { gitIgnores } from "../../src/detect/app-context.js";
import { detectRepo } from "../../src/detect/detect-repo.js";
import type { Deployment } from "../../src/contracts/deployment.js";
import { TempTrees } from "../helpers/file-tree.js";
import { renderOffline } from "../helpers/offline-output.js";
import { ROOT } from "../helpers/phase-input.js";
import { collectFromTree } from "../helpers/host-reads.js";

const noGit = async () => undefined;
const trees = new TempTrees("im-envfile-");
afterAll(() => trees.removeAll());
/** A VM tree: the files given, relative to its root. */
const vm = (files: Record<string, string>) => trees.make(files);

const unit = (exec: string, dir?: string) =>
  `[Unit]\nDescription=app\n[Service]\n${dir ? `WorkingDirectory=${dir}\n` : ""}ExecStart=${exec}\n[Install]\nWantedBy=multi-user.target\n`;

const detect = (root: string, app: string) =>
  detectRepo(path.join(root, app), { readRemote: noGit, host: { root, readListeners: async () => "" } });

describe("gitIgnores", () => {
  it.each([
    [".env", ".env", true],
    ["/.env", ".env", true],
    ["**/.env", ".env", true],
    [".env*", ".env.production", true],
    [".env.*\n!.env.production", ".env.production", false],
    ["*.env", "prod.env", true],
    ["node_modules/\n# .env", ".env", false],
    ["config/.env", ".env", false],
    [".env.example", ".env", false],
  ])("%j ignores %s: %s", (gitignore, base, expected) => {
    expect(gitIgnores(gitignore, base)).toBe(expected);
  });
});

describe("an env file in the app's folder on the VM", () => {
  it("gives every app process of that folder its names (never values) and the file's path", async () => {
    const root = await vm({
      "srv/shop/package.json": JSON.stringify({ name: "shop", dependencies: { express: "4", dotenv: "16" } }),
      "srv/shop/.gitignore": "node_modules\n.env\n",
      "srv/shop/.env": "SESSION_SECRET=s3cret\nexport STRIPE_KEY='sk'\nCOMPOSE_PROJECT_NAME=shop\nlower_case=x\n",
      "etc/systemd/system/shop.service": unit("/usr/bin/node /srv/shop/server.js", "/srv/shop"),
      "etc/systemd/system/shop-worker.service": unit("/usr/bin/node /srv/shop/worker.js", "/srv/shop"),
    });
    const facts = await detect(root, "srv/shop");
    const apps = facts.services.filter((s) => s.runtime === "node");
    expect(apps.map((s) => s.name).sort()).toEqual(["shop", "shop-worker"]);
    for (const s of apps) {
      expect(s.env).toEqual(expect.arrayContaining(["SESSION_SECRET", "STRIPE_KEY"]));
      // docker compose's own settings and lowercase keys are not the app's environment.
      expect(s.env).not.toContain("COMPOSE_PROJECT_NAME");
      expect(s.env).not.toContain("lower_case");
      expect(s.envFile).toBe("/srv/shop/.env");
    }
    expect(JSON.stringify(facts)).not.toContain("s3cret");
    expect(facts.evidence.some((e) => e.file === "/srv/shop/.env" && /setting name\(s\)/.test(e.found))).toBe(true);
  });

  it("records which names are empty on the VM (REDIS_PASSWORD=), never a value, the unit's values over the file's", async () => {
    const root = await vm({
      "srv/shop/package.json": JSON.stringify({ name: "shop", dependencies: { express: "4", dotenv: "16" } }),
      "srv/shop/.gitignore": "node_modules\n.env\n",
      "srv/shop/.env": 'REDIS_PASSWORD=\nMAIL_PASSWORD=""\nSESSION_SECRET=s3cret\nSMTP_USER=\n',
      "etc/shop.env": "SMTP_USER=mailer\nAWS_ACCESS_KEY_ID=\n",
      "etc/systemd/system/shop.service": unit("/usr/bin/node /srv/shop/server.js", "/srv/shop").replace(
        "[Service]\n",
        "[Service]\nEnvironmentFile=/etc/shop.env\n",
      ),
    });
    const shop = (await detect(root, "srv/shop")).services.find((s) => s.name === "shop");
    expect(shop?.env).toEqual(["AWS_ACCESS_KEY_ID", "MAIL_PASSWORD", "REDIS_PASSWORD", "SESSION_SECRET", "SMTP_USER"]);
    // SMTP_USER is empty in .env but the unit's file sets it: the process gets the unit's value.
    expect(shop?.emptyEnv?.slice().sort()).toEqual(["AWS_ACCESS_KEY_ID", "MAIL_PASSWORD", "REDIS_PASSWORD"]);
    expect(JSON.stringify(shop)).not.toMatch(/s3cret|mailer/);
  });

  it("leaves out a file git tracks (it is in the image already)", async () => {
    const root = await vm({
      "srv/shop/package.json": JSON.stringify({ name: "shop", dependencies: { express: "4" } }),
      "srv/shop/.gitignore": "node_modules\n",
      "srv/shop/.env": "SESSION_SECRET=s3cret\n",
      "etc/systemd/system/shop.service": unit("/usr/bin/node /srv/shop/server.js", "/srv/shop"),
    });
    const shop = (await detect(root, "srv/shop")).services.find((s) => s.name === "shop");
    expect(shop?.env ?? []).not.toContain("SESSION_SECRET");
    expect(shop?.envFile).toBeUndefined();
  });

  it.each([
    ["node_modules\n.env\n", ["SESSION_SECRET"], "/srv/shop/.env"],
    ["node_modules\n", [], undefined],
  ])("over ssh too: the .gitignore %j is read, not taken as empty", async (gitignore, names, envFile) => {
    const root = await vm({
      "srv/shop/package.json": JSON.stringify({ name: "shop", dependencies: { express: "4", dotenv: "16" } }),
      "srv/shop/.gitignore": gitignore,
      "srv/shop/.env": "SESSION_SECRET=s3cret\n",
      "etc/systemd/system/shop.service": unit("/usr/bin/node /srv/shop/server.js", "/srv/shop"),
    });
    const collected = await collectFromTree(root);
    try {
      const shop = (await detect(collected.root, "srv/shop")).services.find((s) => s.name === "shop");
      expect(shop?.env ?? []).toEqual(names);
      expect(shop?.envFile).toBe(envFile);
    } finally {
      await collected.cleanup();
    }
  });

  it("leaves it out when the app's packages hold no loader (Django without python-dotenv or django-environ)", async () => {
    const root = await vm({
      "srv/shop/requirements.txt": "Django==4.2\ngunicorn==21.2\n",
      "srv/shop/.env": "DJANGO_DEBUG=false\n",
      "etc/systemd/system/shop.service": unit(
        "/srv/shop/.venv/bin/gunicorn shop.wsgi --bind 127.0.0.1:8001",
        "/srv/shop",
      ),
    });
    const shop = (await detect(root, "srv/shop")).services.find((s) => s.name === "shop");
    expect(shop?.runtime).toBe("python");
    expect(shop?.env ?? []).not.toContain("DJANGO_DEBUG");
    // The same app with django-environ reads it.
    await writeFile(
      path.join(root, "srv/shop/requirements.txt"),
      "Django==4.2\ngunicorn==21.2\ndjango-environ==0.11\n",
    );
    const withLoader = (await detect(root, "srv/shop")).services.find((s) => s.name === "shop");
    expect(withLoader?.env).toContain("DJANGO_DEBUG");
  });

  it("keeps a unit's EnvironmentFile= as the file to read, and matches two apps to their own folders", async () => {
    const root = await vm({
      "srv/a/package.json": JSON.stringify({ name: "a", dependencies: { express: "4", dotenv: "16" } }),
      "srv/a/.env": "A_SECRET=1\n",
      "srv/b/Gemfile": "source 'https://rubygems.org'\ngem 'rails'\ngem 'dotenv'\n",
      "srv/b/.env.production": "B_SECRET=1\n",
      "srv/b/.env": "B_DEFAULT=1\n",
      "etc/a.env": "A_UNIT=1\n",
      "etc/systemd/system/a.service": unit("/usr/bin/node /srv/a/server.js", "/srv/a").replace(
        "[Service]\n",
        "[Service]\nEnvironmentFile=/etc/a.env\n",
      ),
      "etc/systemd/system/b.service": unit("/usr/local/bin/bundle exec puma -p 3000", "/srv/b"),
    });
    const facts = await detect(root, "srv/a");
    const a = facts.services.find((s) => s.name === "a");
    expect(a?.env).toEqual(["A_SECRET", "A_UNIT"]);
    expect(a?.envFile).toBe("/etc/a.env");
    const b = facts.services.find((s) => s.name === "b");
    expect(b?.env).toEqual(["B_DEFAULT", "B_SECRET"]);
    // dotenv reads .env.production first: its values win, so the secrets setup reads that one.
    expect(b?.envFile).toBe("/srv/b/.env.production");
  });
});

describe.each([
  // Laravel refuses to start without APP_KEY; Pixelfed's guide keeps it in .env.
  { app: "pixelfed", file: "/var/www/pixelfed/.env", secret: "APP_KEY" },
  // Mastodon's guide: `rake mastodon:setup` writes .env.production (SECRET_KEY_BASE, OTP_SECRET).
  { app: "mastodon", file: "/home/mastodon/live/.env.production", secret: "SECRET_KEY_BASE" },
  // paperless-ngx reads paperless.conf beside the code (PAPERLESS_SECRET_KEY).
  { app: "paperless-ngx", file: "/opt/paperless/paperless.conf", secret: "PAPERLESS_SECRET_KEY" },
])("$app: the settings its env file holds reach Cloud Run", async ({ app, file, secret }) => {
  const out = await renderOffline(path.join(ROOT, "test/fixtures/real", app, "inventory.yaml"));
  const deployment = (out.results.design as { deployment: Deployment }).deployment;
  const appTargets = deployment.services.filter((t) => t.cloudSqlInstance && !t.name.includes("ai-"));

  it(`every app target gets ${secret} from Secret Manager`, () => {
    expect(appTargets.length).toBeGreaterThan(0);
    for (const t of appTargets) expect(t.secrets, t.name).toContain(secret);
  });

  it("the plan points the secrets setup and the plain settings at that file", () => {
    const plan = out.artifacts.find((a) => a.path === "docs/migration/README.md")?.content ?? "";
    expect(plan).toContain(`--env-file ${file}`);
    expect(plan).not.toContain("/etc/ENV_FILE");
  });
});

// Mastodon's env file (its setup writes it) keeps REDIS_PASSWORD= empty for a local Redis: copied
// as a secret it would stop the secrets setup (Secret Manager refuses an empty version).
describe("mastodon: a setting empty on the VM", async () => {
  const out = await renderOffline(path.join(ROOT, "test/fixtures/real/mastodon/inventory.yaml"));
  const deployment = (out.results.design as { deployment: Deployment }).deployment;
  const apps = deployment.services.filter((t) => t.cloudSqlInstance);

  it("is deployed as the empty string on every target that had it, never as a secret", () => {
    expect(apps.length).toBeGreaterThan(3);
    for (const t of apps) {
      expect(t.env?.REDIS_PASSWORD, t.name).toBe("");
      expect(t.secrets, t.name).not.toContain("REDIS_PASSWORD");
    }
    const workflow = out.artifacts.find((a) => a.path === ".github/workflows/deploy.yml")?.content ?? "";
    expect(workflow).toContain("|REDIS_PASSWORD=|");
    expect(workflow).not.toContain("REDIS_PASSWORD=REDIS_PASSWORD:latest");
  });
});
