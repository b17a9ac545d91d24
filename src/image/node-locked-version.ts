// The version of an npm package the repository pins: what its lockfile resolved (package-lock.json,
// yarn.lock of Yarn classic or Berry), else the range its package.json names. `npx --yes tool`
// with no version fetches whatever is newest the day a job runs; `tool@<this>` runs what the app
// was tested with. Lockfile formats: https://docs.npmjs.com/cli/configuring-npm/package-lock-json,
// https://classic.yarnpkg.com/en/docs/yarn-lock (Berry writes the same blocks as YAML).
import path from "node:path";
import { readJson, type AppRepo } from "./repo.js";

const EXACT = /^\d+\.\d+\.\d+(?:-[0-9A-Za-z.-]+)?$/;
// A range npx takes as one plain word: `^4.17.0`, `~4.1`, `4`.
const SIMPLE_RANGE = /^[\^~]?\d+(?:\.\d+){0,2}$/;

interface PackageLock {
  packages?: Record<string, { version?: string } | undefined>;
  dependencies?: Record<string, { version?: string } | undefined>;
}

/** The version yarn.lock resolves `name` to, when one block names it alone or every block agrees. */
function yarnLocked(text: string, name: string): string | undefined {
  const versions = new Set<string>();
  const lines = text.split(/\r?\n/);
  for (let i = 0; i < lines.length; i++) {
    const header = lines[i]!;
    if (/^\s/.test(header) || !header.endsWith(":")) continue;
    const specs = header
      .slice(0, -1)
      .split(/,\s*/)
      .map((s) => s.replace(/^"|"$/g, ""));
    if (!specs.some((s) => s.startsWith(`${name}@`) && !s.slice(name.length + 1).includes("@"))) continue;
    for (let j = i + 1; j < lines.length && /^\s/.test(lines[j]!); j++) {
      const m = /^\s+version:?\s+"?([^"\s]+)"?\s*$/.exec(lines[j]!);
      if (m) {
        versions.add(m[1]!);
        break;
      }
    }
  }
  const [only] = versions;
  return versions.size === 1 && EXACT.test(only!) ? only : undefined;
}

/** What `dir`'s or the root's lockfile resolved `name` to, or undefined. */
function lockedVersion(repo: AppRepo, dirs: readonly string[], name: string): string | undefined {
  for (const dir of dirs) {
    const lock = readJson<PackageLock>(repo, path.posix.join(dir, "package-lock.json"));
    const fromLock = lock?.packages?.[`node_modules/${name}`]?.version ?? lock?.dependencies?.[name]?.version;
    if (fromLock && EXACT.test(fromLock)) return fromLock;
    const yarn = repo.read(path.posix.join(dir, "yarn.lock"));
    const fromYarn = yarn ? yarnLocked(yarn, name) : undefined;
    if (fromYarn) return fromYarn;
  }
  return undefined;
}

/** What `dir`'s package.json names for `name` in its dependencies or devDependencies, as written. */
export function declaredDependency(repo: AppRepo, dir: string, name: string): string | undefined {
  const manifest = readJson<Record<string, Record<string, string> | undefined>>(
    repo,
    path.posix.join(dir, "package.json"),
  );
  return manifest?.dependencies?.[name] ?? manifest?.devDependencies?.[name];
}

/** The range a package.json of `dirs` names for `name` (dependencies or devDependencies), when plain. */
function declaredRange(repo: AppRepo, dirs: readonly string[], name: string): string | undefined {
  for (const dir of dirs) {
    const range = declaredDependency(repo, dir, name);
    if (range && SIMPLE_RANGE.test(range.trim())) return range.trim();
  }
  return undefined;
}

/**
 * The version of `name` to ask npx for, and where it comes from ("yarn.lock", "package.json's
 * ^4.17.0"), looking in `dirs` in order; undefined when the repository names none.
 */
export function pinnedVersion(
  repo: AppRepo,
  dirs: readonly string[],
  name: string,
): { version: string; from: string } | undefined {
  const locked = lockedVersion(repo, dirs, name);
  if (locked) return { version: locked, from: "the version the lockfile resolved" };
  const range = declaredRange(repo, dirs, name);
  return range ? { version: range, from: "the range package.json names; no lockfile entry was readable" } : undefined;
}
