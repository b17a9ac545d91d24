// The files and modules a start command names, and whether they exist in the repository from a
// given folder: `netbox.wsgi` (with --pythonpath netbox), `manage.py`, `hc.wsgi:application`,
// `celery --app paperless`, `node build/server/index.js`, `npm run start`, `puma -C config/puma.rb`.
// The image planner uses it to find where each process runs; the build check to prove it.
import path from "node:path";
import { hasScript, memberBuilds } from "./node-workspace.js";
import type { AppRepo } from "./repo.js";

export type Anchor =
  | { kind: "file"; path: string; built?: boolean }
  | { kind: "module"; name: string; search: string[]; attribute?: boolean }
  | { kind: "script"; name: string };

const MODULE_APP = /^([A-Za-z_][\w.]*):[A-Za-z_][\w.()]*$/;
const PY_SERVERS = new Set(["gunicorn", "uvicorn", "granian", "hypercorn", "daphne", "waitress-serve"]);

function flagValue(argv: string[], ...flags: string[]): string | undefined {
  for (let i = 0; i < argv.length; i++) {
    const [name, value] = argv[i]!.split(/=(.*)/s);
    if (flags.includes(name!)) return value ?? argv[i + 1];
  }
  return undefined;
}

/** What a process's argv names, relative to its working folder. */
export function anchorsOf(argv: string[]): Anchor[] {
  const program = argv[0]?.split("/").pop() ?? "";
  const out: Anchor[] = [];
  if (/^python[\d.]*$/.test(program)) {
    const m = flagValue(argv, "-m");
    if (m) out.push({ kind: "module", name: m, search: [""] });
    else if (argv[1] && /\.py$/.test(argv[1])) out.push({ kind: "file", path: argv[1] });
  } else if (PY_SERVERS.has(program)) {
    const extra = flagValue(argv, "--pythonpath", "--chdir", "--app-dir", "--working-dir");
    const search = ["", ...(extra ? extra.split(",") : [])];
    // The app module: `mod:attr`, else a dotted name that is not a flag's value or a file.
    const positional = argv.slice(1).filter((w, i, a) => !w.startsWith("-") && !(i > 0 && /^-[\w-]+$/.test(a[i - 1]!)));
    const app =
      argv.slice(1).find((w) => MODULE_APP.test(w)) ??
      positional.find((w) => /^[A-Za-z_]\w*(\.[A-Za-z_]\w*)+$/.test(w) && !/\.(py|conf|ini|toml|pid)$/.test(w));
    if (app) out.push({ kind: "module", name: app.split(":")[0]!, search });
    const config = flagValue(argv, "--config", "-c");
    if (config && /\.py$/.test(config) && !config.startsWith("python:")) out.push({ kind: "file", path: config });
  } else if (program === "uwsgi") {
    const module = flagValue(argv, "--module", "-w", "--wsgi");
    const chdir = flagValue(argv, "--chdir");
    if (module) out.push({ kind: "module", name: module.split(":")[0]!, search: [chdir ?? ""] });
    const file = flagValue(argv, "--wsgi-file", "--ini");
    if (file) out.push({ kind: "file", path: file });
  } else if (program === "celery") {
    // `-A proj.celery` is a module, or module `proj` with attribute `celery`: Celery tries both.
    const app = flagValue(argv, "-A", "--app");
    if (app)
      out.push({
        kind: "module",
        name: app.split(":")[0]!,
        search: [flagValue(argv, "--workdir") ?? ""],
        attribute: true,
      });
  } else if (program === "node" || program === "bun") {
    const file = argv.slice(1).find((w) => !w.startsWith("-"));
    if (file) out.push({ kind: "file", path: file });
  } else if (["npm", "yarn", "pnpm"].includes(program)) {
    const i = argv.indexOf("run");
    const script = i >= 0 ? argv[i + 1] : argv[1] === "start" ? "start" : undefined;
    if (script) out.push({ kind: "script", name: script });
  } else if (program === "bundle" || program === "puma" || program === "rails" || program === "rake") {
    const config = flagValue(argv, "-C", "--config");
    if (config) out.push({ kind: "file", path: config });
    const bin = argv.find((w) => /^(\.\/)?bin\//.test(w));
    if (bin) out.push({ kind: "file", path: bin });
  } else if (program === "php") {
    const file = argv[1];
    if (file && !file.startsWith("-")) out.push({ kind: "file", path: file });
  } else if (/^(\.\/)?[\w.-]+\//.test(argv[0] ?? "")) {
    out.push({ kind: "file", path: argv[0]! });
  }
  return out;
}

/** True when a module (`a.b`) is a file, a package or a namespace folder under one of `bases`. */
export function moduleExists(repo: AppRepo, dir: string, name: string, bases: string[]): boolean {
  const rel = name.replace(/\./g, "/");
  return bases.some((base) => {
    const root = path.posix.join(dir, base);
    return (
      repo.exists(path.posix.join(root, `${rel}.py`)) ||
      repo.exists(path.posix.join(root, rel, "__init__.py")) ||
      repo.isDir(path.posix.join(root, rel))
    );
  });
}

/** Why an anchor does not resolve from `dir` (repository-relative), or undefined when it does. */
export function missingAnchor(
  repo: AppRepo,
  dir: string,
  anchor: Anchor,
  scripts?: Record<string, string>,
): string | undefined {
  switch (anchor.kind) {
    case "file":
      return repo.exists(path.posix.join(dir, anchor.path)) || anchor.built
        ? undefined
        : `${path.posix.join(dir || ".", anchor.path)} is not in the repository`;
    case "module":
      return moduleExists(repo, dir, anchor.name, anchor.search) ||
        (anchor.attribute &&
          anchor.name.includes(".") &&
          moduleExists(repo, dir, anchor.name.replace(/\.[^.]+$/, ""), anchor.search))
        ? undefined
        : `Python module ${anchor.name} is not in the repository (looked in ${anchor.search.map((b) => path.posix.join(dir || ".", b)).join(", ")})`;
    case "script":
      return scripts && anchor.name in scripts ? undefined : `package.json has no "${anchor.name}" script`;
  }
}

/** Folders a build writes (`node dist/main` runs a build output the repository does not hold). */
export const BUILD_OUTPUT = /^(\.\/)?(build|dist|out|lib|\.next|public)\//;

/**
 * The repository folder (among `candidates`) where most of the processes' anchors resolve: a file
 * there, a script its package.json has, or a build output of a workspace package that builds
 * (Twenty's `node dist/main` and `yarn worker:prod` in packages/twenty-server).
 */
export function bestFolder(repo: AppRepo, candidates: string[], argvs: string[][]): string {
  const anchors = argvs.flatMap(anchorsOf);
  const resolves = (dir: string, a: Anchor) =>
    a.kind === "script"
      ? hasScript(repo, dir, a.name)
      : !missingAnchor(repo, dir, a) || (a.kind === "file" && BUILD_OUTPUT.test(a.path) && memberBuilds(repo, dir));
  // `yarn worker:prod` runs a script too (Yarn and pnpm need no `run`): it counts for a folder whose
  // package.json has it, which tells a server apart from a sibling package that also builds (Twenty's
  // twenty-front). Not an anchor, since `yarn <binary>` looks the same and has no script to check.
  const shortcuts = argvs.flatMap((a) =>
    /^(yarn|pnpm)$/.test(a[0]?.split("/").pop() ?? "") && a[1] && !/^(-|run$|start$)/.test(a[1]) ? [a[1]] : [],
  );
  // Hundreds of processes of one app name the same few anchors (`uvicorn app.main:app` each): each
  // distinct anchor is looked up once per folder and counts as often as it is named.
  const distinctAnchors = counted(anchors, (a) => JSON.stringify(a));
  const distinctShortcuts = counted(shortcuts, (s) => s);
  const score = (dir: string) =>
    distinctAnchors.reduce((n, { item, count }) => n + (resolves(dir, item) ? count : 0), 0) +
    distinctShortcuts.reduce((n, { item, count }) => n + (hasScript(repo, dir, item) ? count : 0), 0);
  return [...new Set(candidates)].map((dir) => ({ dir, n: score(dir) })).sort((a, b) => b.n - a.n)[0]?.dir ?? "";
}

/** Each distinct item (by `key`) once, first-seen order, with how many times it occurs. */
export function counted<T>(items: readonly T[], key: (item: T) => string): { item: T; count: number }[] {
  const byKey = new Map<string, { item: T; count: number }>();
  for (const item of items) {
    const k = key(item);
    const seen = byKey.get(k);
    if (seen) seen.count++;
    else byKey.set(k, { item, count: 1 });
  }
  return [...byKey.values()];
}
