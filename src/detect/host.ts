// `init --from-host`: read the VM itself, read-only. The same parsers as for a repository, pointed
// at the places a single-VM deploy keeps its setup (admin systemd units and timers, nginx sites,
// crontabs), plus what listens on which port (`ss -ltnp`) and the machine's size. `root` is `/` on
// the VM; tests point it at a fixture tree shaped like one.
import { readdir, readlink, stat } from "node:fs/promises";
import path from "node:path";
import { classifyCommand } from "./command.js";
import type { HostFacts, ServiceFinding } from "./types.js";
import { SUPERVISOR_DIRS, SUPERVISOR_FILES } from "./supervisor.js";
import { CADDYFILE } from "./caddy.js";
import { readSmallText } from "./walk.js";

export type { HostFacts } from "./types.js";

/**
 * Apache's stock include folders and files (apache-config.ts follows the Includes from the main file;
 * the ssh read sends these and what their Includes name): Debian's apache2, then RHEL's httpd.
 */
export const APACHE_SITE_DIRS = ["etc/apache2/sites-enabled", "etc/apache2/conf-enabled", "etc/httpd/conf.d"];
export const APACHE_MODULE_DIRS = ["etc/apache2/mods-enabled", "etc/httpd/conf.modules.d"];
export const APACHE_FILES = ["etc/apache2/apache2.conf", "etc/apache2/ports.conf", "etc/httpd/conf/httpd.conf"];

/** Folders (relative to the host root) whose files describe the services; one level deep. */
export const HOST_DIRS = [
  "etc/systemd/system",
  "etc/nginx/sites-enabled",
  "etc/nginx/conf.d",
  ...APACHE_SITE_DIRS,
  ...APACHE_MODULE_DIRS,
  "etc/cron.d",
  "var/spool/cron/crontabs",
  ...SUPERVISOR_DIRS,
];
/** nginx.conf: its http{} level sets the upload limit of sites that set none (body-limit.ts). */
export const HOST_FILES = ["etc/crontab", "etc/nginx/nginx.conf", ...APACHE_FILES, ...SUPERVISOR_FILES, CADDYFILE];
/** Dependency files read from the folder an admin's unit runs in (its WorkingDirectory=). */
export const HOST_APP_FILES = ["requirements.txt", "pyproject.toml", "package.json"];

/**
 * What an ssh read takes from an app folder (an admin's unit's WorkingDirectory=), as POSIX EREs
 * on the path inside the folder, for the script on the VM: every file's name (lockfiles, upload
 * folders), and the content of the manifests, the deployment's env files and the settings files
 * app-context.ts reads on a disk (keep in step with its CONFIG_TEXT, JSON_SETTINGS and isEnvFile).
 */
export const HOST_APP_SCAN = {
  // `[.]`, not `\.`: awk -v would take the backslash as an escape of its own.
  // Also the compose files a unit running `docker compose` starts from its folder (compose-storage.ts vmComposeFile).
  manifests:
    "^(requirements[^/]*[.]txt|requirements/[^/]+[.]txt|pyproject[.]toml|package[.]json|Gemfile|composer[.]json|go[.]mod|pom[.]xml|build[.]gradle([.]kts)?|(docker-)?compose([.-][A-Za-z0-9_]+)*[.]ya?ml)$",
  envFiles: "^([.]env([.](production|prod))?([.]local)?|[.]env[.]local[.]php|[A-Za-z0-9_-]+[.]conf)$",
  // pm2's ecosystem files at the top of an app folder (keep in step with pm2-ecosystem.ts ECOSYSTEM_FILE).
  pm2: "^(ecosystem([.-][A-Za-z0-9_-]+)*|process|pm2)[.](config[.])?(c?js|mjs|json|ya?ml)$",
  // Also Puma's and Unicorn's config/*.rb and gunicorn.conf.py, which `rails server`, unicorn and gunicorn read unnamed (server-capacity.ts).
  settings:
    "(^|/)(config/puma[.]rb|config/unicorn[.]rb|gunicorn[.]conf[.]py|settings(/[^/]+)?[.]py|settings[.]py|configuration[.]py|config[.]py|production[.]rb|config/application[.]rb|session_store[.]rb|cable[.]yml|application(-[A-Za-z0-9_]+)?[.](properties|ya?ml)|(cache|queue|session|broadcasting|database|filesystems)[.]php|config/mail[.]php|config/initializers/[^/]*(mail|cable)[^/]*[.]rb|config/database[.]yml|app[.]ini|db-config[.]json|config/packages/(prod/)?[^/]+[.]ya?ml|config/services[.]ya?ml|app/config/[^/]+[.]yml|src/([A-Za-z0-9_]+/)*[A-Za-z0-9_]*SessionHandler[.]php)$|^config[.](production|prod)[.]json$|^config/config[.]json$",
};

export interface HostFile {
  /** Path relative to the host root, e.g. `etc/systemd/system/api.service`. */
  file: string;
  /**
   * Written by the machine's admins rather than installed by a package: a regular file directly in
   * its folder. Links (`*.wants/`, aliases) lead to the distribution's units in /lib, which count
   * only when they run something we recognise (nginx, MySQL, Redis…), not sshd or cron.
   */
  own: boolean;
  /** For a unit: its drop-ins (`etc/systemd/system/api.service.d/*.conf`), applied in name order. */
  dropIns?: string[];
  /**
   * For a template unit (`n8n-worker@.service`): the instances enabled from it (`systemctl enable
   * n8n-worker@1 n8n-worker@2` links `n8n-worker@1.service` and `@2` into a `.wants/` folder), in
   * name order. systemd runs one process per instance.
   * https://www.freedesktop.org/software/systemd/man/latest/systemd.unit.html (templates, %i)
   */
  instances?: string[];
}

/** `name@instance.service` → [template `name@.service`, instance]; undefined for any other file. */
const TEMPLATE_INSTANCE = /^([^/@]+@)([^/@]+)\.service$/;

/** Unit files, nginx sites and crontabs on the host; each unit name once, admins' copies first. */
export async function listHostFiles(root: string): Promise<HostFile[]> {
  const found: HostFile[] = [];
  for (const dir of HOST_DIRS) {
    for (const entry of await entries(root, dir)) {
      if (entry.dir && dir === "etc/systemd/system" && entry.name.endsWith(".wants")) {
        for (const wanted of await entries(root, `${dir}/${entry.name}`))
          if (!wanted.dir) found.push({ file: `${dir}/${entry.name}/${wanted.name}`, own: false });
      } else if (!entry.dir) {
        found.push({ file: `${dir}/${entry.name}`, own: !entry.link });
      }
    }
  }
  for (const file of HOST_FILES) if ((await statInRoot(root, file))?.isFile()) found.push({ file, own: true });
  found.sort(
    (a, b) =>
      Number(b.own) - Number(a.own) ||
      depth(a.file) - depth(b.file) ||
      (a.file < b.file ? -1 : a.file > b.file ? 1 : 0),
  );
  // One entry per unit: by name (an admin's copy hides the distribution's), and by the file a link
  // leads to (Debian links mysql.service and mysqld.service to mariadb.service: one server, not three),
  // named after that file when a link of the same name exists.
  const targets = new Map<string, string>();
  for (const { file } of found) targets.set(file, await resolveInRoot(root, file));
  const isUnit = (file: string) => /\.(service|timer)$/.test(file);
  const named = new Set(
    found.filter(({ file }) => isUnit(file) && path.posix.basename(file) === path.posix.basename(targets.get(file)!)),
  );
  const units = new Set<string>();
  const unitTargets = new Set<string>();
  const unique = found.filter((entry) => {
    const base = path.posix.basename(entry.file);
    const target = targets.get(entry.file)!;
    if (!isUnit(base)) return true;
    if (units.has(base) || unitTargets.has(target)) return false;
    const better = !named.has(entry) && [...named].some((n) => n !== entry && targets.get(n.file) === target);
    if (better) return false;
    units.add(base);
    unitTargets.add(target);
    return true;
  });
  // Instances enabled from a template: each `.wants/` link `name@I.service` is one more process.
  const instances = new Map<string, Set<string>>();
  for (const { file } of found) {
    const m = TEMPLATE_INSTANCE.exec(path.posix.basename(file));
    if (!m || !file.includes(".wants/")) continue;
    const template = `${m[1]}.service`;
    instances.set(template, (instances.get(template) ?? new Set()).add(m[2]!));
  }
  for (const entry of unique) {
    const base = path.posix.basename(targets.get(entry.file)!);
    const template = TEMPLATE_INSTANCE.exec(base) ? base.replace(TEMPLATE_INSTANCE, "$1.service") : base;
    const enabled = instances.get(template);
    if (enabled) entry.instances = [...enabled].sort();
  }
  // `systemctl edit api` writes api.service.d/override.conf: it can replace ExecStart.
  for (const entry of unique) {
    const base = path.posix.basename(entry.file);
    if (!base.endsWith(".service")) continue;
    const dir = `etc/systemd/system/${base}.d`;
    const confs = (await entries(root, dir))
      .filter((e) => !e.dir && e.name.endsWith(".conf"))
      .map((e) => `${dir}/${e.name}`);
    if (confs.length) entry.dropIns = confs;
  }
  return unique;
}

const depth = (file: string) => file.split("/").length;

/** Host folders that exist but could not be read (crontabs need root): said as evidence. */
export async function unreadableHostDirs(
  root: string,
  readDir: (dir: string) => Promise<unknown> = readdir,
): Promise<string[]> {
  const out: string[] = [];
  for (const dir of HOST_DIRS) {
    const error = await readDir(path.join(root, dir)).then(
      () => undefined,
      (e: NodeJS.ErrnoException) => e.code,
    );
    if (error === "EACCES" || error === "EPERM") out.push(`/${dir}`);
  }
  return out;
}

async function entries(root: string, dir: string): Promise<{ name: string; dir: boolean; link: boolean }[]> {
  const names = await readdir(path.join(root, dir)).catch(() => [] as string[]);
  const out: { name: string; dir: boolean; link: boolean }[] = [];
  for (const name of names.sort()) {
    const info = await statInRoot(root, `${dir}/${name}`);
    const link = (await readlink(path.join(root, dir, name)).catch(() => undefined)) !== undefined;
    if (info) out.push({ name, dir: info.isDirectory(), link });
  }
  return out;
}

/**
 * The root-relative path a link leads to, followed the way the host would: an absolute link target
 * is taken inside `root` (a fixture tree, or `/` itself). At most 8 hops, like a loop guard.
 */
export async function resolveInRoot(root: string, file: string): Promise<string> {
  let current = file;
  for (let hops = 0; hops < 8; hops++) {
    const target = await readlink(path.join(root, current)).catch(() => undefined);
    if (target === undefined) break;
    current = path.posix.isAbsolute(target) ? target.slice(1) : path.posix.join(path.posix.dirname(current), target);
  }
  return current;
}

export async function statInRoot(root: string, file: string): Promise<Awaited<ReturnType<typeof stat>> | undefined> {
  return stat(path.join(root, await resolveInRoot(root, file))).catch(() => undefined);
}

/** Reads a root-relative file through links resolved inside `root`; undefined when missing or large. */
export async function readHostFile(root: string, file: string, maxBytes = 256 * 1024): Promise<string | undefined> {
  return readSmallText(root, await resolveInRoot(root, file), maxBytes);
}

/** `ss -ltnpH` on this machine; undefined when ss is missing. Process names need root to be shown. */
export async function readListeners(): Promise<string | undefined> {
  const { execa } = await import("execa");
  const result = await execa("ss", ["-ltnpH"], { reject: false, timeout: 5000 });
  return result.exitCode === 0 ? result.stdout : undefined;
}

export interface Listener {
  listen: string;
  process?: string;
}

/** `ss -ltnpH` lines → listening address and the first process name (none without permission). */
export function parseListeners(text: string): Listener[] {
  const out: Listener[] = [];
  const seen = new Set<string>();
  for (const line of text.split(/\r?\n/)) {
    const fields = line.trim().split(/\s+/);
    if (fields.length < 4 || fields[0] !== "LISTEN") continue;
    const local = fields[3]!.replace(/%\S+?(?=:\d+$)/, "");
    const m = /^(.*):(\d{1,5})$/.exec(local);
    if (!m) continue;
    const host = m[1] === "*" || m[1] === "[::]" ? "0.0.0.0" : m[1] === "[::1]" ? "127.0.0.1" : m[1]!;
    const listen = `${host}:${m[2]}`;
    const process = /users:\(\("([^"]+)"/.exec(line)?.[1];
    const key = `${listen} ${process ?? ""}`;
    if (seen.has(key)) continue;
    seen.add(key);
    out.push({ listen, ...(process ? { process } : {}) });
  }
  return out;
}

const STORE_OR_PROXY = new Set(["database", "cache", "broker", "reverse-proxy"]);

/**
 * Data stores and proxies seen listening, as findings (apps are found from their units). A store
 * that is already known keeps its name and gets the address; a new one is added.
 */
export function listenerFindings(listeners: Listener[]): ServiceFinding[] {
  const found = new Map<string, ServiceFinding>();
  for (const { listen, process } of listeners) {
    if (!process) continue;
    const facts = classifyCommand(normaliseProcess(process));
    if (!STORE_OR_PROXY.has(facts.role)) continue;
    const existing = found.get(facts.software);
    if (existing) {
      if (!existing.listen.includes(listen)) existing.listen.push(listen);
      continue;
    }
    found.set(facts.software, {
      name: facts.software,
      role: facts.role,
      software: facts.software,
      listen: [listen],
      source: "ss -ltnp",
    });
  }
  return [...found.values()];
}

// Process names as `ss` shows them (the kernel's 15-character comm): `postgres`, `mysqld`,
// `redis-server`, `beam.smp` (RabbitMQ), `memcached`, `mongod`.
function normaliseProcess(name: string): string {
  if (name === "beam.smp") return "rabbitmq-server";
  return name;
}

export async function readHostFacts(root: string): Promise<HostFacts> {
  const facts: HostFacts = {};
  const hostname = (await readHostFile(root, "etc/hostname"))?.trim();
  if (hostname && /^[A-Za-z0-9.-]{1,253}$/.test(hostname)) facts.hostname = hostname;
  const pretty = /^PRETTY_NAME="?([^"\n]+)"?$/m.exec((await readHostFile(root, "etc/os-release")) ?? "")?.[1];
  if (pretty) facts.os = pretty.slice(0, 100);
  const cpuinfo = await readHostFile(root, "proc/cpuinfo", 4 * 1024 * 1024);
  const cpus = cpuinfo?.match(/^processor\s*:/gm)?.length;
  if (cpus) facts.cpus = cpus;
  const memKiB = Number(/^MemTotal:\s+(\d+)\s+kB/m.exec((await readHostFile(root, "proc/meminfo")) ?? "")?.[1]);
  if (memKiB > 0) facts.memoryGiB = Math.round((memKiB / (1024 * 1024)) * 10) / 10;
  return facts;
}
