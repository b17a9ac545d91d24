// Packaging: the `npm pack` tarball installs into an empty project from the local npm cache and
// works from there through npx: --help, an offline `run` of the example, and `check` after it.
// The project's node_modules is seeded with the repo's own copies of the runtime packages first
// (test/helpers/pack-consumer.ts): npm still resolves the tarball's dependencies itself, but does
// not unpack 600 MB that would come out byte for byte the same (47 s of this test before).
import { existsSync } from "node:fs";
import { copyFile, mkdir, readFile, writeFile } from "node:fs/promises";
import path from "node:path";
import { execa } from "execa";
import { expect, it } from "vitest";
import { cleanEnv, tempDir } from "../helpers/cli.js";
import { prewarmConsumer } from "../helpers/pack-consumer.js";
import { ROOT, SEED_INVENTORY } from "../helpers/phase-input.js";

it("npm pack → npm install in an empty project → npx infra-migrate --help, run, check", async () => {
  const work = await tempDir("im-pack-");
  // Puppeteer's postinstall downloads Chrome from storage.googleapis.com, and our own
  // .puppeteerrc.cjs (skipDownload) does not apply inside a consumer's install. We render with a
  // system Chromium, so the download is skipped here as the README tells users to.
  const env = cleanEnv({ PUPPETEER_SKIP_DOWNLOAD: "true", npm_config_update_notifier: "false" });
  const npm = (args: string[], cwd: string) =>
    execa("npm", args, { cwd, env, extendEnv: false, reject: false, timeout: 240_000 });

  // dist/ is already built (npm test builds first; every e2e test runs it), so `prepare` is not run
  // a second time: --ignore-scripts packs the build the other tests checked.
  const pack = await npm(["pack", "--json", "--ignore-scripts", "--pack-destination", work], ROOT);
  expect(pack.exitCode, String(pack.stderr)).toBe(0);
  const [info] = JSON.parse(String(pack.stdout)) as [{ filename: string; files: { path: string }[] }];
  const shipped = info.files.map((f) => f.path);
  for (const file of [
    "bin/infra-migrate.js",
    "dist/cli/main.js",
    "dist/engine/check.js",
    "dist/ci/reports-workflow.js",
    // The validators' prebundled Mermaid parser (`npm run build` makes it).
    "dist/vendor/mermaid-parser.mjs",
    "package.json",
    ".puppeteerrc.cjs",
  ]) {
    expect(shipped).toContain(file);
  }
  expect(shipped.some((p) => p.startsWith("personas/"))).toBe(true);
  expect(shipped.some((p) => p.startsWith("templates/"))).toBe(true);
  expect(shipped.filter((p) => p.startsWith("src/") || p.startsWith("test/") || p.startsWith("node_modules/"))).toEqual(
    [],
  );

  const project = path.join(work, "project");
  await mkdir(project);
  await writeFile(path.join(project, "package.json"), JSON.stringify({ name: "pack-consumer", private: true }));
  expect(await prewarmConsumer(ROOT, project)).toBeGreaterThan(100);
  const install = await npm(
    ["install", path.join(work, info.filename), "--prefer-offline", "--no-audit", "--no-fund"],
    project,
  );
  expect(install.exitCode, String(install.stderr)).toBe(0);
  expect(existsSync(path.join(project, "node_modules/infra-migrate/dist/cli/main.js"))).toBe(true);
  // Every package of the installed tree satisfies the range its dependent asks for, nothing is
  // missing or extraneous (npm ls exits non-zero otherwise): the seeding left no stale package.
  const tree = await npm(["ls", "--all"], project);
  expect(tree.exitCode, String(tree.stdout).slice(-2000) + String(tree.stderr)).toBe(0);

  const npx = (args: string[]) =>
    execa("npx", ["--no", "--", "infra-migrate", ...args], {
      cwd: project,
      env,
      extendEnv: false,
      reject: false,
      timeout: 120_000,
    });
  const help = await npx(["--help"]);
  expect(help.exitCode, String(help.stderr)).toBe(0);
  expect(help.stdout).toMatch(/Usage: infra-migrate/);
  for (const command of ["run", "check", "render", "personas"]) expect(help.stdout).toContain(command);
  const pkg = JSON.parse(await readFile(path.join(ROOT, "package.json"), "utf8")) as { version: string };
  expect((await npx(["--version"])).stdout.trim()).toBe(pkg.version);

  await copyFile(SEED_INVENTORY, path.join(project, "inventory.yaml"));
  const out = path.join(project, "target");
  await mkdir(out);
  const run = await npx(["run", "--inventory", "inventory.yaml", "--out", "target", "--json"]);
  expect(run.exitCode, String(run.stderr)).toBe(0);
  const doc = JSON.parse(String(run.stdout)) as {
    phases: { phase: string; provider: string }[];
    counts: { create: number };
  };
  expect(doc.phases.map((p) => `${p.phase}:${p.provider}`)).toEqual([
    "audit:offline",
    "design:offline",
    "cicd:offline",
    "llmops:offline",
    "observe:offline",
  ]);
  expect(doc.counts.create).toBeGreaterThan(20);
  for (const file of [
    "docs/migration/audit/risk-report.md",
    "docs/migration/design/architecture.md",
    ".github/workflows/deploy.yml",
    "services/ai-worker/requirements.txt",
  ]) {
    expect(existsSync(path.join(out, file)), file).toBe(true);
  }
  // The target holds no app (no requirements.txt): no Dockerfile is guessed, the docs say what to do.
  expect(existsSync(path.join(out, "Dockerfile"))).toBe(false);
  expect(await readFile(path.join(out, "docs/migration/cicd/README.md"), "utf8")).toMatch(
    /no Dockerfile was written: add one, or build with Google Cloud's buildpacks/,
  );

  const check = await npx(["check", "--inventory", "inventory.yaml", "--out", "target", "--json"]);
  expect(check.exitCode, String(check.stderr)).toBe(0);
  expect(JSON.parse(String(check.stdout))).toMatchObject({ ok: true, status: "current" });
}, 420_000);
