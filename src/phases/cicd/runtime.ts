// The application's runtime: which language stack it is, which release its image and CI use,
// and how its own tests run. Versions are supported releases only: a VM's end-of-life runtime
// moves to the nearest supported one, never further (each step up can break an app).
import { existsSync } from "node:fs";
import path from "node:path";
import type { Inventory } from "../../inventory/schema.js";

export type Stack = "python" | "node" | "ruby" | "go" | "php" | "java";

/** Manifests at the repository root that settle the stack (checked in this order). */
const MANIFESTS: Array<[Stack, string[]]> = [
  ["python", ["requirements.txt", "pyproject.toml", "Pipfile", "setup.py", "manage.py"]],
  ["ruby", ["Gemfile"]],
  ["php", ["composer.json"]],
  ["java", ["pom.xml", "build.gradle", "build.gradle.kts"]],
  ["go", ["go.mod"]],
  ["node", ["package.json"]],
];

/** Software names and commands per stack, for inventories without a repository at hand. */
const SOFTWARE: Array<[Stack, RegExp]> = [
  ["python", /uvicorn|gunicorn|celery|fastapi|django|flask|python|hypercorn|daphne|\brq\b|dramatiq|huey/i],
  ["ruby", /puma|unicorn|rails|sidekiq|ruby|rackup|resque|good_?job|\bthin\b/i],
  ["php", /php|laravel|artisan|symfony/i],
  ["java", /java|spring|tomcat|jetty|gradle|\bmvn\b|\.jar\b/i],
  ["go", /\bgo\b|golang/i],
  ["node", /node|npm|pm2|express|next|nest|yarn|pnpm|bullmq/i],
];

export function detectStack(inventory: Inventory, repoDir?: string): Stack {
  if (repoDir) {
    const found = MANIFESTS.find(([, files]) => files.some((f) => existsSync(path.join(repoDir, f))));
    if (found) return found[0];
  }
  const app = inventory.services.filter((s) => s.role === "web" || s.role === "worker");
  const text = app.map((s) => `${s.software} ${s.command ?? ""}`).join(" ");
  return SOFTWARE.find(([, pattern]) => pattern.test(text))?.[0] ?? "python";
}

/**
 * Releases with upstream support on 2026-12-01 (python.org, nodejs.org, ruby-lang.org, php.net,
 * go.dev, Adoptium LTS). Python 3.10, Node 20, Ruby 3.2 and PHP 8.2 are past end of life.
 */
export const SUPPORTED: Record<Stack, readonly string[]> = {
  python: ["3.11", "3.12", "3.13", "3.14"],
  node: ["22", "24"],
  ruby: ["3.3", "3.4"],
  php: ["8.3", "8.4"],
  go: ["1.26", "1.27"],
  java: ["17", "21", "25"],
};

export const RUNTIME_VERSION = new RegExp(
  `^(${[...new Set(Object.values(SUPPORTED).flat())].map((v) => v.replace(".", "\\.")).join("|")})$`,
);

const compare = (a: string, b: string): number => {
  const [x, y] = [a, b].map((v) => v.split(".").map(Number));
  return x![0]! - y![0]! || (x![1] ?? 0) - (y![1] ?? 0);
};

/** The VM's version when supported, else the oldest supported release at or above it. */
export function supportedVersion(stack: Stack, current: string | undefined): string {
  const list = SUPPORTED[stack];
  const m = /^(\d+)(?:\.(\d+))?/.exec(current ?? "");
  if (!m) return list[stack === "python" ? 1 : 0]!;
  const wanted = m[2] !== undefined && stack !== "node" && stack !== "java" ? `${m[1]}.${m[2]}` : m[1]!;
  return list.find((v) => compare(v, wanted) >= 0) ?? list[list.length - 1]!;
}

/** The Python the VM's OS ships, which is what the app runs today. */
export function osPythonVersion(os: string | undefined): string | undefined {
  const known: Array<[RegExp, string]> = [
    [/ubuntu\s*24\.04/i, "3.12"],
    [/ubuntu\s*22\.04/i, "3.10"],
    [/ubuntu\s*20\.04/i, "3.8"],
    [/debian\s*12|bookworm/i, "3.11"],
    [/debian\s*11|bullseye/i, "3.9"],
  ];
  return known.find(([pattern]) => pattern.test(os ?? ""))?.[1];
}

export function chooseRuntimeVersion(stack: Stack, inventory: Inventory): string {
  if (stack === "python") return supportedVersion("python", osPythonVersion(inventory.host.os));
  const app = inventory.services.find(
    (s) => (s.role === "web" || s.role === "worker") && new RegExp(stack, "i").test(s.software) && s.version,
  );
  return supportedVersion(stack, app?.version);
}

/** The stack's usual test runner when the team declared none we can run safely. */
export function defaultTestCommand(stack: Stack, repoDir?: string): string {
  const has = (f: string) => (repoDir ? existsSync(path.join(repoDir, f)) : false);
  switch (stack) {
    case "python":
      return has("manage.py") && !has("pytest.ini") && !has("conftest.py") ? "python manage.py test" : "pytest";
    case "node":
      return "npm test";
    case "ruby":
      return "bundle exec rake";
    case "go":
      return "go test ./...";
    case "php":
      return "vendor/bin/phpunit";
    case "java":
      if (has("gradlew")) return "./gradlew build";
      if (has("build.gradle") || has("build.gradle.kts")) return "gradle build";
      return has("mvnw") ? "./mvnw -B verify" : "mvn -B verify";
  }
}
