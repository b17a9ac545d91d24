// `infra-migrate init` without a terminal, through the BUILT bin (run `npx tsc -p .` first).
import { cp, mkdtemp, readFile, rm, writeFile, access } from "node:fs/promises";
import { tmpdir } from "node:os";
import path from "node:path";
import { execa } from "execa";
import { afterEach, beforeAll, describe, expect, it } from "vitest";
import { renderReportsWorkflow } from "../../src/ci/reports-workflow.js";
import { loadInventory } from "../../src/inventory/load.js";
import { runInProcess } from "../helpers/cli-in-process.js";
import { cleanEnv } from "../helpers/cli.js";

const ROOT = path.resolve(import.meta.dirname, "../..");
const BIN = path.join(ROOT, "bin/infra-migrate.js");
const FIXTURES = path.join(ROOT, "test/fixtures/repos");
const ENV = { CI: "true", FORCE_COLOR: "0", NO_COLOR: "1", GEMINI_API_KEY: "", GOOGLE_API_KEY: "" };
const temps: string[] = [];

async function temp(prefix: string): Promise<string> {
  const dir = await mkdtemp(path.join(tmpdir(), prefix));
  temps.push(dir);
  return dir;
}
const exists = (file: string) =>
  access(file).then(
    () => true,
    () => false,
  );
const init = (args: string[], cwd: string) =>
  execa("node", [BIN, "init", ...args], { cwd, env: ENV, reject: false, stdin: "ignore" });
/**
 * The same init in this process (test/helpers/cli-in-process.ts): for input refused before anything
 * is written (exit 2), where a new process would be most of the cost; paths must be absolute.
 */
const refused = (args: string[], cwd: string) => runInProcess(["init", ...args], { cwd, env: cleanEnv(ENV) });

/** A copy of a fixture outside our own git repo, optionally with a GitHub origin. */
async function fixtureCopy(name: string, origin?: string): Promise<string> {
  const dir = path.join(await temp("im-repo-"), name);
  await cp(path.join(FIXTURES, name), dir, { recursive: true });
  if (origin) {
    await execa("git", ["init", "-q", dir]);
    await execa("git", ["-C", dir, "remote", "add", "origin", origin]);
  }
  return dir;
}

const hasGit = await execa("git", ["--version"], { reject: false }).then(
  (r) => r.exitCode === 0,
  () => false,
);

beforeAll(async () => {
  if (!(await exists(path.join(ROOT, "dist/cli/commands/init.js"))))
    throw new Error("dist/ is not built: run `npx tsc -p .` (or npm run build) first");
});
afterEach(async () => {
  await Promise.all(temps.splice(0).map((d) => rm(d, { recursive: true, force: true })));
});

describe("init --yes (no TTY)", () => {
  it.skipIf(!hasGit)("writes an inventory the real loader accepts, owner/repo from git", async () => {
    const repo = await fixtureCopy("fastapi-celery-mysql", "https://github.com/acme/web-app.git");
    const out = await temp("im-out-");
    const r = await init(
      ["--yes", "--from", repo, "--out", out, "--project", "acme-mvp-prod", "--engineers", "2", "--json"],
      out,
    );
    expect(r.stderr).toBe("");
    expect(r.exitCode).toBe(0);
    const doc = JSON.parse(r.stdout);
    expect(doc.files).toEqual([
      { path: "infra-migrate.inventory.yaml", action: "create" },
      { path: "infra-migrate.config.yaml", action: "create" },
      // The inventory's `$schema` line points here: it resolves inside the repository.
      { path: ".infra-migrate/inventory.schema.json", action: "create" },
    ]);
    expect(doc.detected.github).toBe("acme/web-app");
    // Editors resolve the `$schema` line from the repository itself (no node_modules, no network).
    const inventoryText = await readFile(path.join(out, "infra-migrate.inventory.yaml"), "utf8");
    expect(inventoryText.split("\n")[0]).toBe("# yaml-language-server: $schema=./.infra-migrate/inventory.schema.json");
    expect(await readFile(path.join(out, ".infra-migrate/inventory.schema.json"), "utf8")).toBe(
      await readFile(path.join(import.meta.dirname, "../../schema/inventory.schema.json"), "utf8"),
    );
    const { inventory } = await loadInventory(path.join(out, "infra-migrate.inventory.yaml"));
    expect(inventory.services.map((s) => s.name)).toEqual(["nginx", "api", "celery-worker", "redis", "mysql"]);
    expect(inventory.target).toMatchObject({ project: "acme-mvp-prod", github: "acme/web-app", region: "us-central1" });
    expect(inventory.team.engineers).toBe(2);
    expect(await readFile(path.join(out, "infra-migrate.config.yaml"), "utf8")).toContain(
      "inventory: infra-migrate.inventory.yaml",
    );
  });
  if (!hasGit) console.warn("skipped the git-remote e2e case: git is not installed");

  it("--ci also writes the reports workflow, byte for byte what the renderer produces", async () => {
    const out = await temp("im-out-");
    const r = await init(
      [
        "--yes",
        "--from",
        path.join(FIXTURES, "django-postgres-compose"),
        "--project",
        "acme-mvp-prod",
        "--github",
        "acme/web-app",
        "--ci",
      ],
      out,
    );
    expect(r.exitCode, r.stderr).toBe(0);
    expect(await readFile(path.join(out, ".github/workflows/migration-reports.yml"), "utf8")).toBe(
      renderReportsWorkflow(),
    );
    expect(r.stdout).toContain("create .github/workflows/migration-reports.yml");
  });

  it("missing answers: exit 2, every missing flag listed, nothing written", async () => {
    const empty = await temp("im-empty-");
    const r = await refused(["--yes", "--from", empty], empty);
    expect(r.exitCode).toBe(2);
    for (const flag of ["--service", "--project", "--github"]) expect(r.stderr).toContain(flag);
    expect(r.stderr).not.toContain("--name");
    expect(await exists(path.join(empty, "infra-migrate.inventory.yaml"))).toBe(false);
    expect(await exists(path.join(empty, ".infra-migrate"))).toBe(false);
  });

  it("without --yes a detected value is not enough: it names the flag and what was detected", async () => {
    const out = await temp("im-out-");
    const r = await refused(
      ["--from", path.join(FIXTURES, "flask-procfile"), "--project", "shop-prod-1", "--github", "acme/shop", "--json"],
      out,
    );
    expect(r.exitCode).toBe(2);
    const doc = JSON.parse(r.stdout);
    expect(doc.ok).toBe(false);
    expect(doc.error.code).toBe("init.missing");
    expect(doc.error.issues.map((i: { path: string }) => i.path.split(" ")[0])).toEqual([
      "--name",
      "--service",
      "--database",
      "--service-name",
    ]);
    expect(doc.error.issues[2].message).toContain("detected: postgres");
  });

  it("bad flag values: exit 2 naming each flag", async () => {
    const out = await temp("im-out-");
    const r = await refused(
      ["--yes", "--from", out, "--service", "api:web", "--project", "X", "--github", "acme/x", "--region", "moon"],
      out,
    );
    expect(r.exitCode).toBe(2);
    expect(r.stderr).toMatch(/--service: "api:web"/);
    expect(r.stderr).toMatch(/--project: "X"/);
    expect(r.stderr).toMatch(/--region: "moon"/);
  });
});

describe("init with a path that is not there", () => {
  it.each([["--from"], ["--from-host"]])(
    '%s to a missing directory is bad input (exit 2), not "nothing found"',
    async (flag) => {
      const out = await temp("im-out-");
      const r = await refused(["--yes", flag, path.join(out, "no-such-dir"), "--json"], out);
      expect(r.exitCode).toBe(2);
      expect(JSON.parse(r.stdout).error).toMatchObject({
        code: "usage.invalid",
        issues: [{ file: "command line", path: flag, message: expect.stringMatching(/^no directory at /) }],
      });
      expect(await exists(path.join(out, "infra-migrate.inventory.yaml"))).toBe(false);
    },
  );
});

describe("init with systemd timers", () => {
  it("a timer with no exact cron form stops --yes naming the job and the flag; nothing is written", async () => {
    const out = await temp("im-out-");
    const r = await refused(
      [
        "--yes",
        "--from",
        path.join(FIXTURES, "django-timers"),
        "--project",
        "shop-prod-1",
        "--github",
        "acme/shop",
        "--json",
      ],
      out,
    );
    expect(r.exitCode).toBe(2);
    const doc = JSON.parse(r.stdout);
    expect(doc.error.issues).toEqual([
      expect.objectContaining({
        file: "infra-migrate.inventory.yaml (not written)",
        path: "services[1] (backup)",
        message: expect.stringMatching(/needs a `schedule`/),
      }),
    ]);
    expect(doc.error.hint).toMatch(/--service name:cron:software::"<cron>"/);
    expect(await exists(path.join(out, "infra-migrate.inventory.yaml"))).toBe(false);
  });

  it("--service gives cron jobs their schedules; a job with no command gets a loader warning", async () => {
    const out = await temp("im-out-");
    const services = [
      "web:web:gunicorn:8000",
      "backup:cron:backup-db.sh::0 2 * * *",
      "nightly-report:cron:django::30 6 * * 1-5",
    ];
    const r = await init(
      [
        "--yes",
        "--from",
        path.join(FIXTURES, "django-timers"),
        "--project",
        "shop-prod-1",
        "--github",
        "acme/shop",
        "--database",
        "postgres:15",
        ...services.flatMap((s) => ["--service", s]),
      ],
      out,
    );
    expect(r.exitCode, r.stderr).toBe(0);
    const { inventory, warnings } = await loadInventory(path.join(out, "infra-migrate.inventory.yaml"));
    expect(inventory.services.filter((s) => s.role === "cron").map((s) => [s.name, s.schedule])).toEqual([
      ["backup", "0 2 * * *"],
      ["nightly-report", "30 6 * * 1-5"],
    ]);
    // --service carries no command: the loader says what the Cloud Run job would run instead.
    expect(warnings.map((w) => w.message)).toContainEqual(expect.stringMatching(/cron job `backup` has no `command`/));
  });
});

describe("init --from-host", () => {
  it("reads a VM's tree (units, sites, crontabs, size) into an inventory the loader accepts", async () => {
    const out = await temp("im-out-");
    const host = path.join(ROOT, "test/fixtures/hosts/vm1");
    const r = await init(
      [
        "--yes",
        "--from",
        out,
        "--from-host",
        host,
        "--name",
        "acme-mvp",
        "--project",
        "acme-mvp-prod",
        "--github",
        "acme/web-app",
        "--json",
      ],
      out,
    );
    expect(r.stderr).toBe("");
    expect(r.exitCode).toBe(0);
    const doc = JSON.parse(r.stdout);
    expect(doc.detected.host).toEqual({ hostname: "app-vm-01", os: "Ubuntu 22.04.4 LTS", cpus: 4, memoryGiB: 15.6 });
    const { inventory, warnings } = await loadInventory(path.join(out, "infra-migrate.inventory.yaml"));
    expect(inventory.host).toMatchObject({ hostname: "app-vm-01", cpus: 4, memoryGiB: 15.6 });
    expect(inventory.services.map((s) => `${s.name}:${s.role}`)).toEqual([
      "nginx:reverse-proxy",
      "api:web",
      "celery:worker",
      "report:cron",
      "manage-tasks:cron",
      // The app's packages use Redis, but no Redis runs on this VM: said in the output, not invented.
      "mysql:database",
    ]);
    expect(inventory.services.find((s) => s.name === "report")!.schedule).toBe("0 6 * * *");
    expect(inventory.deploy.method).toBe("ssh-systemctl");
    expect(inventory.services.find((s) => s.name === "api")!.env).toContain("GEMINI_API_KEY");
    expect(warnings).toEqual([]);
    const text = await readFile(path.join(out, "infra-migrate.inventory.yaml"), "utf8");
    expect(text).toMatch(/^# The machine today: its size and monthly cost/m);
  });
});

describe("init and files that exist", () => {
  const args = (from: string, project: string) => [
    "--yes",
    "--from",
    from,
    "--project",
    project,
    "--github",
    "acme/shop",
  ];

  it("a rerun writes the new answers into the files, keeping a hand edit", async () => {
    const out = await temp("im-out-");
    const from = path.join(FIXTURES, "node-express");
    expect((await init(args(from, "shop-prod-1"), out)).exitCode).toBe(0);
    const again = await init(args(from, "shop-prod-2"), out);
    expect(again.exitCode, again.stderr).toBe(0);
    const inventoryFile = path.join(out, "infra-migrate.inventory.yaml");
    expect(await readFile(inventoryFile, "utf8")).toContain("project: shop-prod-2");

    // The person's note survives the rerun: init read the file back and changed only the project.
    const edited = (await readFile(inventoryFile, "utf8")).replace("metadata:", "# my note\nmetadata:");
    await writeFile(inventoryFile, edited);
    const rerun = await init(args(from, "shop-prod-3"), out);
    expect(rerun.exitCode, rerun.stderr).toBe(0);
    const after = await readFile(inventoryFile, "utf8");
    expect(after).toContain("# my note\nmetadata:");
    expect(after).toBe(edited.replace("project: shop-prod-2", "project: shop-prod-3"));
  });

  it("an inventory written by hand (not by init) is never overwritten without --force", async () => {
    const out = await temp("im-out-");
    await writeFile(path.join(out, "infra-migrate.inventory.yaml"), "# mine\n");
    const r = await init(args(path.join(FIXTURES, "node-express"), "shop-prod-1"), out);
    expect(r.exitCode).toBe(4);
    expect(await readFile(path.join(out, "infra-migrate.inventory.yaml"), "utf8")).toBe("# mine\n");
    expect(await exists(path.join(out, "infra-migrate.config.yaml"))).toBe(false);
  });
});

describe("startup", () => {
  // Resolve hook that reports any import of inquirer: `--help` must not pay for it.
  const HOOK =
    'data:text/javascript,import{register}from"node:module";register("data:text/javascript,' +
    'export async function resolve(s,c,n){if(s===\\"inquirer\\"||s.startsWith(\\"@inquirer/\\"))process.stderr.write(\\"IMPORTED:\\"+s+\\"\\\\n\\");return n(s,c)}")';

  it("`init --help` does not load inquirer, and neither does a run without a TTY", async () => {
    const help = await execa("node", ["--import", HOOK, BIN, "init", "--help"], { env: ENV, reject: false });
    expect(help.exitCode).toBe(0);
    expect(help.stdout).toContain("--service <name:role:software[:port[:schedule]]>");
    expect(help.stderr).not.toContain("IMPORTED:");
    const out = await temp("im-out-");
    const ci = await execa("node", ["--import", HOOK, BIN, "init", "--yes", "--from", out], {
      cwd: out,
      env: ENV,
      reject: false,
    });
    expect(ci.exitCode).toBe(2);
    expect(ci.stderr).not.toContain("IMPORTED:");
    // The hook itself works: importing inquirer is reported.
    const probe = await execa("node", ["--import", HOOK, "--input-type=module", "-e", 'await import("inquirer")'], {
      cwd: ROOT,
      reject: false,
    });
    expect(probe.stderr).toContain("IMPORTED:inquirer");
  });
});
