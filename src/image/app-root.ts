// Where the application lives on the VM (/opt/netbox, /home/mastodon/live, /var/www/pixelfed), and
// where a VM path lands in the image, which copies the repository to APP_DIR. Commands and storage
// folders name VM paths; the image and the Cloud Storage mounts need the same places inside the
// container. The root is read from the inventory alone (virtualenvs, `cd DIR &&`, `--chdir`, entry
// files such as artisan or manage.py, storage folders, the app's `.env`) and, when the repository is at hand,
// confirmed by the paths that exist in it.
import { existsSync, readFileSync } from "node:fs";
import path from "node:path";
import type { Inventory, Service } from "../inventory/schema.js";
import { isObjectStore } from "../contracts/object-store.js";

/** Where every generated Dockerfile puts the repository. */
export const APP_DIR = "/app";

const SYSTEM = /^\/(usr|bin|sbin|etc|lib|lib64|proc|sys|dev|run|tmp|var\/(log|tmp|run))(\/|$)/;
const ENTRY_FILES =
  /^(artisan|manage\.py|app\.py|main\.py|wsgi\.py|asgi\.py|server\.js|index\.js|package\.json|Gemfile|config\.ru)$/;

/** PHP's command-line program, as a command runs it (`php`, `/usr/bin/php8.2`). */
const PHP_CLI = /(^|[\s/;&|(])php[\d.]*\s/;

/** Absolute paths mentioned by a command line (quotes and `=` prefixes stripped). */
export function absolutePaths(command: string | undefined): string[] {
  return (command ?? "")
    .split(/[\s'"=:;&|()]+/)
    .filter((w) => /^\/[A-Za-z0-9._@+\/-]+$/.test(w) && !SYSTEM.test(w))
    .map((w) => w.replace(/\/+$/, ""));
}

// A virtualenv's bin/ (venv, .venv, virtualenv, env, or named for the app: Weblate's guide makes
// ~/weblate-env): the folder that holds the virtualenv is a candidate, the virtualenv never is.
const VENV_BIN = /(\/[^\s'";&|]+?)\/(?:\.?venv|virtualenv|env|[\w.-]+[-_](?:venv|env))\/bin\//g;

/** A language runtime's program, as a runtime's bin/ holds it (java, node, python3.12, ruby, php8.2…). */
const RUNTIME_PROGRAM = /^(?:java|node|nodejs|bun|deno|python[\d.]*|ruby|php[\d.]*|perl|dotnet|erl|elixir)$/;
/** The folder name of a runtime an app ships inside its own folder (Traccar's /opt/traccar/jre). */
const BUNDLED_RUNTIME = /^(?:jre|jdk|java|runtime|node|python|ruby)(?:[-_.]?[\w.]*)?$/i;

function candidatesOf(command: string | undefined): string[] {
  const out: string[] = [];
  const text = command ?? "";
  for (const m of text.matchAll(VENV_BIN)) out.push(m[1]!);
  for (const m of text.matchAll(/(?:^|[;&|(]\s*|\s)cd\s+(\/[^\s;&|]+)/g)) out.push(m[1]!);
  for (const m of text.matchAll(/--(?:chdir|working-dir|app-dir)[= ](\/[^\s'";&|]+)/g)) out.push(m[1]!);
  for (const p of absolutePaths(text)) {
    const base = path.posix.basename(p);
    if (ENTRY_FILES.test(base)) out.push(path.posix.dirname(p));
    // A PHP script the command hands to PHP's CLI (`php -f /var/www/nextcloud/cron.php`, the cron
    // line PHP apps' guides give): PHP runs the app's own file, from the app's folder. With the
    // repository at hand, a script in a subfolder is corrected by its parents (below).
    else if (/\.php$/.test(base) && PHP_CLI.test(text)) out.push(path.posix.dirname(p));
    // Symfony's console sits in the app's bin/ (`php /var/www/app/bin/console messenger:consume`),
    // and so does any program of the app's own run from a bin/ folder (a monorepo package's
    // /opt/n8n/packages/cli/bin/n8n): the folder above bin/, never a virtualenv's or a version
    // manager's (hidden folders, venv, node_modules).
    // A language runtime's own program (`/opt/traccar/jre/bin/java`, `/opt/node-v20.11.1/bin/node`) is
    // not the app's: a runtime the app ships in its folder (jre/, jdk/, runtime/) places the app one
    // folder up; a runtime installed beside apps (/opt/node-v20…) places nothing.
    else if (/\/bin\/[^/]+$/.test(p) && RUNTIME_PROGRAM.test(base)) {
      const runtime = path.posix.dirname(path.posix.dirname(p));
      const app = path.posix.dirname(runtime);
      if (BUNDLED_RUNTIME.test(path.posix.basename(runtime)) && app.split("/").length > 2) out.push(app);
    } else if (
      /\/bin\/[^/]+$/.test(p) &&
      !/\/(\.[^/]*|venv|virtualenv|env|[\w.-]+[-_](?:venv|env)|node_modules)\//.test(p)
    )
      out.push(path.posix.dirname(path.posix.dirname(p)));
  }
  return out.map((p) => p.replace(/\/+$/, "")).filter((p) => p.length > 1 && !SYSTEM.test(p));
}

/** A package manager's script, or node given a relative entry: run from the checkout's folder. */
const FROM_CHECKOUT = /^(?:\S*\/)?(?:(?:npm|pnpm|yarn|yarnpkg)(?:\s|$)|node\s+(?![-/])\S)/;

/** The longest common folder of some absolute paths. */
function commonDir(paths: string[]): string | undefined {
  if (paths.length === 0) return undefined;
  const split = paths.map((p) => p.split("/").filter(Boolean));
  const first = split[0]!;
  let n = 0;
  while (n < first.length && split.every((parts) => parts[n] === first[n])) n++;
  return n > 0 ? `/${first.slice(0, n).join("/")}` : undefined;
}

/** Paths under `root` (relative) that the inventory mentions: commands and storage folders. */
function mentioned(inv: Inventory, root: string): string[] {
  const all = [...inv.services.flatMap((s) => absolutePaths(s.command)), ...(inv.storage ?? []).map((x) => x.path)];
  return all.filter((p) => p.startsWith(`${root}/`)).map((p) => p.slice(root.length + 1));
}

/**
 * A secret settings file under `root` that the repository places: the file itself, or the example
 * it ships beside the place the file goes (Weblate's weblate/settings_example.py for
 * weblate/settings.py, NetBox's configuration_example.py, Redmine's database.yml.example), since
 * the real file is kept out of git.
 */
function placedSecrets(inv: Inventory, root: string, repoDir: string): number {
  return (inv.secretFiles ?? [])
    .map((f) => f.path)
    .filter((p) => p.startsWith(`${root}/`))
    .filter((p) => {
      const rel = p.slice(root.length + 1);
      const dir = path.posix.dirname(rel);
      const base = path.posix.basename(rel);
      return [base, ...exampleNames(base)].some((n) => existsSync(path.join(repoDir, dir, n)));
    }).length;
}

/**
 * The names a repository gives the example of a settings file it keeps out of git, beside it:
 * configuration_example.py for configuration.py (NetBox), settings_example.py (Weblate),
 * database.yml.example (Redmine), config.php.dist, app.ini.sample.
 */
export function exampleNames(base: string): string[] {
  const dot = base.lastIndexOf(".");
  const [name, ext] = dot > 0 ? [base.slice(0, dot), base.slice(dot)] : [base, ""];
  return [
    `${name}_example${ext}`,
    `${name}.example${ext}`,
    `${name}-example${ext}`,
    `${name}.sample${ext}`,
    `${name}.dist${ext}`,
    `${base}.example`,
    `${base}.sample`,
    `${base}.dist`,
  ];
}

export function vmAppRoot(inv: Inventory, repoDir?: string): string | undefined {
  const counts = new Map<string, number>();
  const app = inv.services.filter((s) => !["database", "cache", "broker", "reverse-proxy"].includes(s.role));
  // The app's own code runs on a runtime: when some process does, a vendor's program beside it
  // (Keycloak's /opt/keycloak/bin/kc.sh) names no root of the app's.
  const own = app.filter((s) => s.runtime && s.runtime !== "other");
  for (const s of own.length ? own : app)
    for (const c of candidatesOf(s.command)) counts.set(c, (counts.get(c) ?? 0) + 1);
  // The app's own `.env` sits in the folder it runs from (dotenv reads the working directory):
  // Chatwoot's units run `bin/rails server` with no path at all, from /home/chatwoot/chatwoot.
  // It counts only when no command names a folder: a command's path says more.
  if (counts.size === 0)
    for (const s of app) {
      const dir = s.envFile && /^\.env/.test(path.posix.basename(s.envFile)) && path.posix.dirname(s.envFile);
      if (dir && dir.split("/").length > 2 && !SYSTEM.test(dir)) counts.set(dir, (counts.get(dir) ?? 0) + 1);
    }
  const storage = (inv.storage ?? []).map((x) => x.path.replace(/\/+$/, ""));
  // A folder a command hands its program (wp-cli's `--path=/var/www/html`, the WordPress files)
  // that holds a user-file folder (/var/www/html/wp-content/uploads): the app's own, when nothing
  // above named one. Not an object store's data folder (`minio server /srv/minio`): its own.
  if (counts.size === 0)
    for (const s of app.filter((x) => !isObjectStore(x)))
      for (const p of absolutePaths(s.command))
        if (p.split("/").length > 2 && storage.some((f) => f.startsWith(`${p}/`)))
          counts.set(p, (counts.get(p) ?? 0) + 1);
  // Several user-file folders share the app's root (/opt/paperless/{media,data,consume}).
  if (counts.size === 0 && storage.length > 1) {
    const dir = commonDir(storage);
    if (dir && dir.split("/").length > 2) counts.set(dir, 1);
  }
  const ranked = [...counts.entries()].sort((a, b) => b[1] - a[1] || a[0].length - b[0].length);
  if (!repoDir || !existsSync(repoDir)) return ranked[0]?.[0];
  // With the repository at hand, the root is the candidate under which most mentioned paths exist.
  // An entry file's folder may sit inside the app (pm2's /opt/uptime-kuma/server/server.js): its
  // parents are candidates too, with no votes of their own, so they win only on what exists.
  const parents = ranked.flatMap(([root]) =>
    [path.posix.dirname(root), path.posix.dirname(path.posix.dirname(root))].filter(
      (p) => p.split("/").length > 2 && !SYSTEM.test(p) && !counts.has(p),
    ),
  );
  for (const p of parents) if (!ranked.some(([r]) => r === p)) ranked.push([p, 0]);
  // A secret settings file's folders: the checkout can be beside the virtualenv the commands name
  // (Weblate runs ~/weblate-env/bin/gunicorn; its code and weblate/settings.py are in ~/weblate-src).
  // They win only on what the repository places there.
  const secretOnly = new Set<string>();
  for (const file of inv.secretFiles ?? [])
    for (let dir = path.posix.dirname(file.path); dir.split("/").length > 2; dir = path.posix.dirname(dir))
      if (!SYSTEM.test(dir) && !ranked.some(([r]) => r === dir)) {
        ranked.push([dir, 0]);
        secretOnly.add(dir);
      }
  // A unit that runs `yarn start` or `node app.js` from its WorkingDirectory names no folder at
  // all, yet runs from the checkout (the package manager reads package.json there): a user-file
  // folder the repository also holds (HedgeDoc's public/uploads, kept in git by a .gitkeep) places
  // that checkout, as the folder above it whose tail the repository has. Such a candidate must be
  // confirmed by the repository. A program run by its absolute path (`node /usr/bin/ghost run`)
  // may write to a folder its settings name absolutely: that folder stays where it is.
  const confirmedOnly = new Set<string>();
  if (counts.size === 0 && app.some((s) => FROM_CHECKOUT.test((s.command ?? "").trim())))
    for (const folder of storage)
      for (let dir = path.posix.dirname(folder); dir.split("/").length > 2; dir = path.posix.dirname(dir))
        if (!SYSTEM.test(dir) && !ranked.some(([r]) => r === dir)) {
          ranked.push([dir, 0]);
          confirmedOnly.add(dir);
        }
  const scored = ranked.map(([root, n]) => ({
    root,
    n,
    hits:
      mentioned(inv, root).filter((rel) => existsSync(path.join(repoDir, rel))).length +
      placedSecrets(inv, root, repoDir),
  }));
  scored.sort((a, b) => b.hits - a.hits || b.n - a.n || a.root.length - b.root.length);
  const best = scored[0];
  if (best && best.hits === 0 && (confirmedOnly.has(best.root) || secretOnly.has(best.root))) return undefined;
  return workspaceRoot(best?.root, repoDir);
}

/**
 * A root found in a Node workspace's member (Twenty's units and .env in
 * /opt/twenty/packages/twenty-server) is the member: the checkout, the repository root, is above it,
 * where the repository's root package.json declares its workspaces (or nx.json, turbo.json,
 * pnpm-workspace.yaml say it is a monorepo) and the member's folder holds a package.json.
 */
function workspaceRoot(root: string | undefined, repoDir: string): string | undefined {
  if (!root) return root;
  const at = (rel: string) => existsSync(path.join(repoDir, rel));
  let manifest: { workspaces?: unknown } = {};
  try {
    manifest = JSON.parse(readFileSync(path.join(repoDir, "package.json"), "utf8"));
  } catch {
    return root;
  }
  const monorepo =
    manifest.workspaces !== undefined || ["nx.json", "turbo.json", "pnpm-workspace.yaml", "lerna.json"].some(at);
  if (!monorepo) return root;
  // The longest tail of the root that is a package of the repository: the checkout is above it.
  const parts = root.split("/").filter(Boolean);
  for (let k = parts.length - 1; k >= 1; k--) {
    const rel = parts.slice(parts.length - k).join("/");
    if (at(path.posix.join(rel, "package.json"))) return `/${parts.slice(0, parts.length - k).join("/")}`;
  }
  return root;
}

/**
 * The folder of another checkout a process runs from, beside the app's root rather than inside it:
 * its virtualenv or entry file (/home/taiga/taiga-protected/.venv/bin/gunicorn) or its own `.env`
 * (/home/taiga/taiga-events/.env) sits in a sibling of the root (/home/taiga/taiga-back). Taiga's
 * install guide clones taiga-back, taiga-events and taiga-protected side by side in the user's home
 * (taiga-doc setup-production.adoc, "From source code"): this repository does not hold that code.
 */
export function otherCheckout(s: Service, root: string | undefined): string | undefined {
  if (!root) return undefined;
  const envDir = s.envFile && /^\.env/.test(path.posix.basename(s.envFile)) ? [path.posix.dirname(s.envFile)] : [];
  const parent = path.posix.dirname(root);
  return [...candidatesOf(s.command), ...envDir].find(
    (dir) => dir !== root && path.posix.dirname(dir) === parent && parent.split("/").length > 2,
  );
}

/** The container path for a VM path: under the app root it moves to APP_DIR, anything else stays. */
export function inImagePath(vmPath: string, root: string | undefined): string {
  const clean = vmPath.replace(/\/+$/, "");
  if (root && (clean === root || clean.startsWith(`${root}/`))) return `${APP_DIR}${clean.slice(root.length)}`;
  return clean;
}
