// Read-only view of the application's repository for image planning: small text files and the
// existence of paths, never outside the repository (symlinks are not followed out of it).
import { existsSync, lstatSync, readdirSync, readFileSync, readlinkSync, realpathSync, statSync } from "node:fs";
import path from "node:path";

// Folders that never hold the app's own manifests: dependencies, build output, docs and tests.
const SKIP = new Set([
  ".git",
  "node_modules",
  "vendor",
  "venv",
  ".venv",
  "__pycache__",
  ".infra-migrate",
  "dist",
  "build",
  "docs",
  "doc",
  "tests",
  "test",
  "examples",
]);
const MAX_TEXT = 512 * 1024;

export interface AppRepo {
  readonly dir: string;
  /** True when the repository folder exists at all. */
  readonly present: boolean;
  exists(rel: string): boolean;
  isDir(rel: string): boolean;
  /** A text file's content, or undefined (missing, a folder, too large, outside the repository). */
  read(rel: string): string | undefined;
  /** The names of the files (not folders) in a folder ("" for the root), sorted; none when it is not one. */
  files(rel: string): string[];
  /** Folders (relative, "" for the root) holding `file`, shallowest first, at most `depth` deep. */
  foldersWith(file: string, depth?: number): string[];
  /** The path inside the repository a path leads to, links followed (the copy's own for a VM's link). */
  canonical(rel: string): string | undefined;
}

/** A JSON file of the repository, parsed; undefined when it is missing, unreadable or not JSON. */
export function readJson<T>(repo: AppRepo, rel: string): T | undefined {
  try {
    const text = repo.read(rel);
    return text ? (JSON.parse(text) as T) : undefined;
  } catch {
    return undefined;
  }
}

/**
 * The package names `fields` of every package.json of the repository list (a monorepo's members
 * too, 3 deep): its runtime `dependencies` by default.
 */
export function packageDependencies(repo: AppRepo, fields: readonly string[] = ["dependencies"]): Set<string> {
  const out = new Set<string>();
  for (const dir of repo.foldersWith("package.json", 3)) {
    const pkg = readJson<Record<string, unknown>>(repo, path.posix.join(dir, "package.json"));
    for (const field of fields) {
      const deps = pkg?.[field];
      if (deps && typeof deps === "object" && !Array.isArray(deps)) for (const name of Object.keys(deps)) out.add(name);
    }
  }
  return out;
}

/** Folders that hold no file of the app's: git's own, and infra-migrate's state. */
const NOT_THE_APPS = new Set([".git", ".infra-migrate"]);
/** Entries looked at before a folder is taken to hold the app's files anyway (a huge tree). */
const PRESENCE_BUDGET = 5000;

/**
 * Whether the folder holds any file that is not infra-migrate's own output: the paths `ignore`
 * names and those its manifest (.infra-migrate/manifest.json) lists. An empty folder, or one that
 * holds only a previous run's output (`--out` reused), is no repository to read: planning from it
 * would find "no source to test" and drop the workflow's test job.
 */
function holdsOwnFiles(root: string, ignore: ReadonlySet<string>): boolean {
  let generated: ReadonlySet<string> = ignore;
  try {
    const manifest = JSON.parse(readFileSync(path.join(root, ".infra-migrate", "manifest.json"), "utf8")) as {
      files?: Record<string, unknown>;
    };
    if (manifest.files && typeof manifest.files === "object")
      generated = new Set([...ignore, ...Object.keys(manifest.files)]);
  } catch {
    // No manifest (no run wrote here) or an unreadable one: only `ignore` is known to be ours.
  }
  let budget = PRESENCE_BUDGET;
  const walk = (rel: string): boolean => {
    let entries;
    try {
      entries = readdirSync(path.join(root, rel), { withFileTypes: true });
    } catch {
      return false;
    }
    for (const e of entries) {
      if (--budget < 0) return true;
      const child = rel ? `${rel}/${e.name}` : e.name;
      if (!rel && NOT_THE_APPS.has(e.name)) continue;
      if (e.isDirectory() ? walk(child) : !generated.has(child)) return true;
    }
    return false;
  };
  return walk("");
}

/** `ignore`: repository paths infra-migrate generated (the manifest): never the app's own files. */
export function openRepo(dir: string, ignore: ReadonlySet<string> = new Set()): AppRepo {
  const root = existsSync(dir) ? realpathSync(dir) : path.resolve(dir);
  const present = existsSync(root) && statSync(root).isDirectory() && holdsOwnFiles(root, ignore);
  // Paths come from the inventory's commands and the VM's files: one the file system cannot look
  // up (a name over 255 bytes, a loop of links, a folder it may not read) is not in the repository.
  const resolve = (rel: string): string | undefined => {
    const clean = path.posix.normalize(rel.replace(/^\.?\/+/, "")).replace(/^\.$/, "");
    if (clean.split("/").includes("..") || ignore.has(clean)) return undefined;
    try {
      const full = path.join(root, vmLinksMapped(root, clean));
      if (!existsSync(full)) return undefined;
      const real = realpathSync(full);
      return real === root || real.startsWith(`${root}${path.sep}`) ? real : undefined;
    } catch {
      return undefined;
    }
  };
  const stat = (full: string) => {
    try {
      return statSync(full);
    } catch {
      return undefined;
    }
  };
  const foldersWith = (file: string, depth = 2): string[] => {
    const out: string[] = [];
    const walk = (rel: string, level: number) => {
      if (resolve(path.posix.join(rel, file))) out.push(rel);
      if (level >= depth) return;
      let entries: string[] = [];
      try {
        entries = readdirSync(path.join(root, rel), { withFileTypes: true })
          .filter((e) => e.isDirectory() && !SKIP.has(e.name) && !e.name.startsWith("."))
          .map((e) => e.name)
          .sort();
      } catch {
        return;
      }
      for (const name of entries) walk(rel ? `${rel}/${name}` : name, level + 1);
    };
    if (present) walk("", 0);
    return out;
  };
  return {
    dir: root,
    present,
    exists: (rel) => resolve(rel) !== undefined,
    isDir: (rel) => {
      const full = resolve(rel);
      return full !== undefined && stat(full)?.isDirectory() === true;
    },
    read: (rel) => {
      const full = resolve(rel);
      const info = full ? stat(full) : undefined;
      if (!full || !info?.isFile() || info.size > MAX_TEXT) return undefined;
      try {
        return readFileSync(full, "utf8");
      } catch {
        return undefined;
      }
    },
    files: (rel) => {
      const full = rel === "" || rel === "." ? root : resolve(rel);
      if (!full || !present || !stat(full)?.isDirectory()) return [];
      try {
        return readdirSync(full, { withFileTypes: true })
          .filter((e) => e.isFile() || (e.isSymbolicLink() && resolve(path.posix.join(rel, e.name)) !== undefined))
          .map((e) => e.name)
          .sort();
      } catch {
        return [];
      }
    },
    foldersWith,
    canonical: (rel) => {
      const full = resolve(rel);
      return full === undefined ? undefined : path.relative(root, full).split(path.sep).join("/");
    },
  };
}

/**
 * A path with each absolute link that leads outside the repository taken to the repository's own
 * copy of its target: a folder copied off a VM keeps the VM's links (ghost-cli's `current ->
 * /var/www/ghost/versions/5.96.1`), which lead to the same folder inside the copy (versions/5.96.1).
 * The longest tail of the target that is a folder of the repository is that copy.
 */
function vmLinksMapped(root: string, rel: string): string {
  let out = "";
  for (const part of rel.split("/").filter(Boolean)) {
    const next = out ? `${out}/${part}` : part;
    const info = lstatSync(path.join(root, next), { throwIfNoEntry: false });
    const target = info?.isSymbolicLink() ? readlinkSync(path.join(root, next)) : undefined;
    if (!target?.startsWith("/") || existsSync(path.join(root, next))) {
      out = next;
      continue;
    }
    const parts = target.split("/").filter(Boolean);
    const tail = parts
      .map((_, i) => parts.slice(i).join("/"))
      .find((t) => statSync(path.join(root, t), { throwIfNoEntry: false })?.isDirectory());
    out = tail ?? next;
  }
  return out;
}
