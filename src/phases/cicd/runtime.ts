// The application's runtime: which language stack it is, which release its image and CI use,
// and how its own tests run. Versions are supported releases only: a VM's end-of-life runtime
// moves to the nearest supported one, never further (each step up can break an app).
import { existsSync } from "node:fs";
import path from "node:path";
import type { Inventory } from "../../inventory/schema.js";
import { mainRuntime, planImages } from "../../image/plan.js";
import { javaBuild } from "../../image/java-build.js";
import { STACK_MANIFESTS } from "../../image/release-image.js";
import { openRepo, readJson, type AppRepo } from "../../image/repo.js";
import { readToml, tomlAt } from "../../image/toml-file.js";
import { declaredVersion, osPythonVersion, type Stack, supportedVersion } from "../../image/runtime-versions.js";

export type { Stack } from "../../image/runtime-versions.js";

/** Manifests at the repository root that settle the stack (checked in this order). */
const MANIFESTS = STACK_MANIFESTS;

/**
 * The stack the pipeline tests and builds: the repository's manifests when it has one at its root;
 * otherwise the app's main runtime as the inventory says it (each process's `runtime`, which init
 * reads off the VM, else what its software and command name), so an inventory without a repository
 * at hand still gets its own language's test job (a Go app once got pytest).
 */
export function detectStack(inventory: Inventory, repoDir?: string): Stack {
  if (repoDir) {
    const found = MANIFESTS.find(([, files]) => files.some((f) => existsSync(path.join(repoDir, f))));
    if (found) return found[0];
  }
  return mainRuntime(inventory) ?? "python";
}

/**
 * Why CI has nothing of the app to test, when the repository at hand holds no project of its stack
 * (no manifest at its root or two folders down): the VM runs a prebuilt release (Mattermost's
 * tarball, Metabase's downloaded jar). Every runner but pytest fails there on the first push
 * (`mvn -B verify` with no pom.xml, `npm test` with no package.json), and pytest would only stand in
 * for a stack guessed from nothing. A repository not at hand (no folder) says nothing.
 */
export function nothingToTest(inventory: Inventory, stack: Stack, repoDir?: string): string | undefined {
  if (!repoDir) return undefined;
  const repo = openRepo(repoDir);
  if (!repo.present) return undefined;
  const files = MANIFESTS.find(([s]) => s === stack)![1];
  if (files.some((f) => repo.foldersWith(f, 2).length)) return stack === "php" ? noPhpSuite(repo) : undefined;
  const known = mainRuntime(inventory);
  if (stack === "python" && known === "python") return undefined;
  return known
    ? `the repository holds no ${files.join(", ")}: the VM runs a prebuilt release, with no source here to test`
    : "the repository holds no project (no manifest of any language): the VM runs a prebuilt release, with no source here to test";
}

interface ComposerJson {
  require?: Record<string, string>;
  "require-dev"?: Record<string, string>;
  config?: { "vendor-dir"?: unknown; "bin-dir"?: unknown };
}

/** Test runners composer installs (their binaries land in its bin-dir). */
const PHP_RUNNERS = ["phpunit/phpunit", "pestphp/pest"];
const PHPUNIT_CONFIG = ["phpunit.xml", "phpunit.xml.dist", "phpunit.dist.xml"];

/**
 * Why a PHP repository has no suite CI can run: no composer.json of it requires PHPUnit or Pest
 * and none has a phpunit.xml beside it. A release archive (Nextcloud's, installed on the VM as
 * its docs say) ships composer.json without its dev tools and tests: `vendor/bin/phpunit` would
 * fail the first push.
 */
function noPhpSuite(repo: AppRepo): string | undefined {
  const dirs = repo.foldersWith("composer.json", 2);
  const runs = dirs.some((d) => {
    const json = readJson<ComposerJson>(repo, path.posix.join(d, "composer.json"));
    const deps = { ...json?.require, ...json?.["require-dev"] };
    return PHP_RUNNERS.some((r) => r in deps) || PHPUNIT_CONFIG.some((f) => repo.exists(path.posix.join(d, f)));
  });
  return runs
    ? undefined
    : "no composer.json requires PHPUnit or Pest and no phpunit.xml is there: the repository holds no test suite to run";
}

/**
 * Where composer puts PHPUnit's binary: its bin-dir, which follows a moved vendor-dir
 * (`"vendor-dir": "lib/composer"` puts it in lib/composer/bin). https://getcomposer.org/doc/06-config.md#bin-dir
 */
function phpunitBinary(repo: AppRepo | undefined): string {
  const config = repo ? readJson<ComposerJson>(repo, "composer.json")?.config : undefined;
  const dir = (v: unknown) =>
    typeof v === "string" && /^(\.\/)?([A-Za-z0-9_-]{1,40}\/){0,2}[A-Za-z0-9_-]{1,40}\/?$/.test(v)
      ? v.replace(/^\.\/|\/+$/g, "")
      : undefined;
  const bin = dir(config?.["bin-dir"]) ?? `${dir(config?.["vendor-dir"]) ?? "vendor"}/bin`;
  return `${bin}/phpunit`;
}

export { IMAGE_RELEASES, RUNTIME_VERSION, SUPPORTED, supportedVersion } from "../../image/runtime-versions.js";

/**
 * The release the image and the CI job use: the one the app declares in its repository
 * (requires-python, .nvmrc, .ruby-version, go.mod…) over the VM's, moved to the nearest supported
 * release (src/image/runtime-versions.ts).
 */
export function chooseRuntimeVersion(
  stack: Stack,
  inventory: Inventory,
  repoDir?: string,
  generated?: ReadonlySet<string>,
): string {
  const osPython = osPythonVersion(inventory.host.os);
  if (repoDir) {
    // The image's own choice, so the tests run on the runtime the image ships.
    const options = { ...(osPython ? { osPython } : {}), ...(generated ? { generated } : {}) };
    const image = planImages(inventory, repoDir, options).images.find((i) => i.runtime === stack);
    if (image?.version) return image.version;
    // No image planned (a build the rules do not guess): the release the repository declares still
    // decides the tests' runtime (Gradle's sourceCompatibility 21 cannot compile on Java 17).
    const declared = stack === "python" ? undefined : declaredVersion(stack, openRepo(repoDir));
    if (declared) return supportedVersion(stack, declared.release ?? declared.min, declared.below);
  }
  if (stack === "python") return supportedVersion("python", osPython);
  const app = inventory.services.find(
    (s) => (s.role === "web" || s.role === "worker") && new RegExp(stack, "i").test(s.software) && s.version,
  );
  return supportedVersion(stack, app?.version);
}

/** `[tool.pytest.ini_options]`, or pytest 9's native `[tool.pytest]` (https://docs.pytest.org/en/stable/reference/customize.html). */
function pyprojectConfiguresPytest(text: string): boolean {
  const parsed = readToml(text, "pyproject.toml");
  return parsed.ok
    ? tomlAt(parsed.doc, "tool", "pytest") !== undefined
    : /^\[tool\.pytest(\.ini_options)?\]/m.test(text);
}

/** pytest's own config (pytest.ini, conftest.py, or its section in pyproject.toml, setup.cfg, tox.ini). */
function configuresPytest(repo: AppRepo): boolean {
  if (repo.exists("pytest.ini") || repo.exists("conftest.py")) return true;
  return (
    pyprojectConfiguresPytest(repo.read("pyproject.toml") ?? "") ||
    /^\[tool:pytest\]/m.test(repo.read("setup.cfg") ?? "") ||
    /^\[pytest\]/m.test(repo.read("tox.ini") ?? "")
  );
}

/** Django's manage.py at the root, or one folder down (NetBox keeps it in netbox/). */
function manageScript(repo: AppRepo): string | undefined {
  // A folder name the safe-command pattern admits (letters, digits, _ and -).
  const dir = repo.foldersWith("manage.py", 1).find((d) => d === "" || /^[A-Za-z0-9_-]{1,40}$/.test(d));
  if (dir === undefined) return undefined;
  return dir ? `${dir}/manage.py` : "manage.py";
}

/**
 * The stack's usual test runner when the team declared none we can run safely. A Django app runs
 * Django's runner unless pytest is configured (pytest alone cannot import Django's settings, so a
 * plain `pytest` fails on the first push); with no repository to read, the inventory's framework says.
 */
export function defaultTestCommand(stack: Stack, repoDir?: string, framework?: string): string {
  const has = (f: string) => (repoDir ? existsSync(path.join(repoDir, f)) : false);
  switch (stack) {
    case "python": {
      const repo = repoDir ? openRepo(repoDir) : undefined;
      if (repo && configuresPytest(repo)) return "pytest";
      const manage = repo ? manageScript(repo) : undefined;
      if (manage) return `python ${manage} test`;
      const unread = !has("pyproject.toml") && !has("requirements.txt") && !has("setup.py");
      return framework === "django" && unread ? "python manage.py test" : "pytest";
    }
    case "node":
      return "npm test";
    case "ruby":
      return "bundle exec rake";
    case "go":
      return "go test ./...";
    case "php":
      return phpunitBinary(repoDir ? openRepo(repoDir) : undefined);
    case "java": {
      // The build the image runs (src/image/java-build.ts), so CI tests what ships.
      const build = repoDir ? javaBuild(openRepo(repoDir)) : undefined;
      if (build?.ok) return build.tool === "maven" ? "./mvnw -B verify" : "./gradlew build";
      if (has("gradlew")) return "./gradlew build";
      if (has("build.gradle") || has("build.gradle.kts")) return "gradle build";
      return has("mvnw") ? "./mvnw -B verify" : "mvn -B verify";
    }
  }
}
