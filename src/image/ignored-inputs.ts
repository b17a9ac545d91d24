// Files a Dockerfile we write builds from that the repository's .gitignore leaves out. The pipeline
// builds from a checkout, which holds tracked files only: Redmine ignores its Gemfile.lock and the
// Gemfile.local an admin adds Puma with, so a build that COPYs them fails on the first push (or,
// without the lockfile, resolves other versions than the VM runs). The VM's copies must be committed
// (`git add -f`, since git ignores them) before the first deploy.
import ignore from "ignore";
import type { AppRepo } from "./repo.js";

/** Lockfiles the image's package manager installs from, when the repository has them. */
const LOCKFILES = [
  "Gemfile.lock",
  "package-lock.json",
  "npm-shrinkwrap.json",
  "yarn.lock",
  "pnpm-lock.yaml",
  "composer.lock",
  "poetry.lock",
  "Pipfile.lock",
  "uv.lock",
  "pdm.lock",
  "go.sum",
];

/** Plain sources of the Dockerfile's COPY/ADD lines (no stage, URL, glob or variable). */
function copiedSources(dockerfile: string): string[] {
  const out: string[] = [];
  for (const line of dockerfile.replace(/\\\n/g, " ").split("\n")) {
    const m = /^\s*(COPY|ADD)\s+(.*)$/i.exec(line);
    if (!m || /--from=/.test(m[2]!)) continue;
    const words = m[2]!.split(/\s+/).filter((w) => w && !w.startsWith("--"));
    for (const src of words.slice(0, -1))
      if (!/[*?$[]|^https?:/.test(src) && src !== "." && src !== "./") out.push(src.replace(/^\.\//, ""));
  }
  return out;
}

/** `Gemfile.local`-style files a Gemfile evaluates by name (eval_gemfile of a name it spells out). */
function evaluatedGemfiles(repo: AppRepo, dir: string): string[] {
  const gemfile = repo.read(dir ? `${dir}/Gemfile` : "Gemfile") ?? "";
  if (!/\beval_gemfile\b/.test(gemfile)) return [];
  return [...gemfile.matchAll(/["'](Gemfile\.[\w.-]+|[\w.-]*\.gemfile)["']/g)].map((m) =>
    dir ? `${dir}/${m[1]}` : m[1]!,
  );
}

/** Flags that name a settings file on a command line (detect/settings-file.ts reads the same). */
const CONFIG_FLAGS = ["--config", "-c", "--config-file", "--configfile", "--conf"];

/**
 * Relative files the image's start command names with --config, -c… (NetBox's `gunicorn --config
 * gunicorn.py`, a file its .gitignore leaves out: the admin copies it from contrib/), whether the
 * CMD is a JSON array, a shell form or a `sh -c` string.
 */
function startSettingsFiles(dockerfile: string): string[] {
  const out: string[] = [];
  for (const line of dockerfile.replace(/\\\n/g, " ").split("\n")) {
    const m = /^\s*(CMD|ENTRYPOINT)\s+(.*)$/i.exec(line);
    if (!m) continue;
    const words = m[2]!.split(/[\s"',[\]]+/).filter(Boolean);
    words.forEach((word, i) => {
      const eq = CONFIG_FLAGS.find((f) => word.startsWith(`${f}=`));
      const value = eq ? word.slice(eq.length + 1) : CONFIG_FLAGS.includes(word) ? words[i + 1] : undefined;
      if (value && !value.startsWith("/") && !value.startsWith("-") && !/[$*?]/.test(value))
        out.push(value.replace(/^\.\//, ""));
    });
  }
  return out;
}

/**
 * The files the Dockerfile builds from that the repository has but its root .gitignore leaves out of a
 * checkout: files COPY names, the package manager's lockfiles, files the Gemfile evaluates, settings
 * files the start command names. `dir`: the folder of the app's manifests in the build context ("" for
 * its root). `secretFiles`: files (relative to the context) that reach Cloud Run from Secret Manager
 * instead, never committed.
 */
export function ignoredBuildInputs(
  dockerfile: string,
  repo: AppRepo,
  dir = "",
  secretFiles: readonly string[] = [],
): string[] {
  const gitignore = repo.read(".gitignore");
  if (!gitignore) return [];
  const rules = ignore().add(gitignore);
  const candidates = [
    ...copiedSources(dockerfile),
    ...LOCKFILES.map((f) => (dir ? `${dir}/${f}` : f)),
    ...evaluatedGemfiles(repo, dir),
    ...startSettingsFiles(dockerfile),
  ];
  return [...new Set(candidates)].filter(
    (f) => repo.exists(f) && !repo.isDir(f) && rules.ignores(f) && !secretFiles.includes(f),
  );
}
