// User files of an app that runs under docker compose on its VM: a bind mount (`./media:/app/media`,
// `/srv/uploads:/app/uploads`) or a named volume (`media:/app/media`) of an app service holds its
// uploads on the VM's disk. The bucket is mounted where the container writes (`path`, the team's
// image's own path), and the copy reads the folder on the VM (`hostPath`): a relative bind sits next
// to the compose file on the VM, a named volume in /var/lib/docker/volumes/<project>_<name>/_data
// (project: the compose file's `name:`, else its folder's name). Databases' and caches' volumes are
// their data, moved with them; code, config, logs, caches and sockets are never user files.
import { readdir } from "node:fs/promises";
import path from "node:path";
import { statInRoot } from "./host.js";
import type { Storage } from "../inventory/schema.js";
import type { ServiceFinding } from "./types.js";

/** The last folder of a container path that holds user files. */
const USER_FILES = /^(media|uploads?|files|attachments|storage|data|documents|user_?files)$/i;
/** Where a container keeps no user files: system folders, logs, caches, sockets, config. */
const NOT_USER_FILES =
  /^\/(etc|proc|sys|dev|run|tmp|var\/(log|run|tmp|cache|lib\/(postgresql|mysql|redis)))(\/|$)|(^|\/)(logs?|cache|tmp|config|conf|secrets?|certs?|ssl|node_modules|vendor|src|static|staticfiles)(\/|$)|\.(sock|conf|ya?ml|json|env|ini|py|js|rb|php)$/i;
const APP_ROLES = new Set(["web", "worker", "scheduler", "cron", "other"]);

/** `docker compose` or `docker-compose` in a command line. */
const COMPOSE_COMMAND = /(^|[\s/;&|])(docker(-compose|\s+compose)|podman-compose)(\s|$)/;

/** Compose's own file names, in the order `docker compose` looks for them in its folder. */
const DEFAULT_FILES = ["compose.yaml", "compose.yml", "docker-compose.yaml", "docker-compose.yml"];
/** A compose file name the VM's read sends from a unit's folder (host.ts HOST_APP_SCAN.manifests). */
const SENT_FILE = /^(docker-)?compose([.-][A-Za-z0-9_]+)*\.ya?ml$/;

/**
 * The compose files a unit that runs `docker compose` starts (absolute, on the VM), in its
 * WorkingDirectory (the folder the VM's read takes): its `-f` files there, else compose's own names
 * in the order compose looks for them. A `-f` file elsewhere is not read (the plan says so).
 */
export function vmComposeFiles(unit: ServiceFinding): { candidates: string[]; elsewhere: string[] } {
  const dir = unit.workingDirectory?.replace(/\/+$/, "");
  if (!unit.command || !COMPOSE_COMMAND.test(unit.command)) return { candidates: [], elsewhere: [] };
  const named = [...unit.command.matchAll(/(?:^|\s)(?:-f|--file)[=\s]+(\S+)/g)].map((m) =>
    m[1]!.replace(/^["']|["']$/g, ""),
  );
  const absolute = named.map((f) => (f.startsWith("/") ? path.posix.normalize(f) : dir ? path.posix.join(dir, f) : f));
  const inDir = (f: string) =>
    dir !== undefined && path.posix.dirname(f) === dir && SENT_FILE.test(path.posix.basename(f));
  if (absolute.length) return { candidates: absolute.filter(inDir), elsewhere: absolute.filter((f) => !inDir(f)) };
  return { candidates: dir?.startsWith("/") ? DEFAULT_FILES.map((f) => `${dir}/${f}`) : [], elsewhere: [] };
}

/** A unit that starts the compose project (`docker compose up`): the launcher, not a process of the app. */
export function isComposeLauncher(f: ServiceFinding): boolean {
  return Boolean(f.onHost && f.command && COMPOSE_COMMAND.test(f.command));
}

/**
 * The compose file's folder on the VM, when the VM says it: a unit that runs `docker compose`
 * (`-f /srv/shop/docker-compose.yml`, else its WorkingDirectory), or a compose file read on the VM
 * itself (its source is an absolute path there).
 */
export function composeDirOnVm(all: readonly ServiceFinding[]): string | undefined {
  for (const f of all.filter(isComposeLauncher)) {
    const file = /(?:^|\s)(?:-f|--file)[=\s]+(\S+)/.exec(f.command!)?.[1]?.replace(/^["']|["']$/g, "");
    if (file?.startsWith("/")) return path.posix.dirname(file);
    if (f.workingDirectory?.startsWith("/")) {
      const dir = f.workingDirectory.replace(/\/+$/, "");
      return file ? path.posix.dirname(path.posix.join(dir, file)) : dir;
    }
  }
  return all.find((f) => f.composeMounts && f.source.startsWith("/"))?.source.replace(/\/[^/]+$/, "");
}

/** Compose's default project name: the folder's name, lowercased, other characters dropped. */
function projectOf(dir: string): string {
  return path.posix
    .basename(dir)
    .toLowerCase()
    .replace(/[^a-z0-9_-]/g, "");
}

/** The folder on the VM that backs a mount, when it can be told. */
function hostPathOf(
  m: NonNullable<ServiceFinding["composeMounts"]>[number],
  dir: string | undefined,
): string | undefined {
  if (m.bind?.startsWith("/")) return path.posix.normalize(m.bind).replace(/(.)\/+$/, "$1");
  if (m.bind) return dir ? path.posix.join(dir, m.bind).replace(/(.)\/+$/, "$1") : undefined;
  const project = m.project ?? (dir ? projectOf(dir) : undefined);
  const name = m.volumeName ?? (project ? `${project}_${m.volume!}` : undefined);
  return name ? `/var/lib/docker/volumes/${name}/_data` : undefined;
}

/**
 * The folders of user files the app's compose services mount, as storage: `path` where the
 * container writes, `hostPath` where they are on the VM (absent when the compose file's folder on
 * the VM is unknown: `unplaced` names those, for the evidence to ask).
 */
export function composeStorage(
  composed: readonly ServiceFinding[],
  dir: string | undefined,
): { storage: Storage[]; unplaced: string[] } {
  const byPath = new Map<string, Storage>();
  const unplaced: string[] = [];
  for (const f of composed.filter((f) => APP_ROLES.has(f.role))) {
    for (const m of f.composeMounts ?? []) {
      if (!USER_FILES.test(path.posix.basename(m.target)) || NOT_USER_FILES.test(m.target) || m.target === "/")
        continue;
      const source = m.bind ?? `volume ${m.volume!}`;
      if (m.bind && NOT_USER_FILES.test(m.bind)) continue;
      const hostPath = hostPathOf(m, dir);
      const known = byPath.get(m.target);
      if (known) {
        known.services = [...new Set([...(known.services ?? []), f.name])];
        continue;
      }
      if (!hostPath) unplaced.push(`${source}:${m.target}`);
      byPath.set(m.target, {
        path: m.target,
        purpose: `compose ${m.bind ? "bind mount" : "named volume"} ${m.bind ?? m.volume}:${m.target}`.slice(0, 200),
        services: [f.name],
        absoluteSetting: true,
        ...(hostPath && hostPath !== m.target ? { hostPath } : {}),
      });
    }
  }
  return { storage: [...byPath.values()], unplaced };
}

/** The VM's enabled container engine (docker.service, podman.service), read from its units. */
export function runsDocker(findings: readonly ServiceFinding[]): boolean {
  return findings.some(
    (f) => f.onHost && /^(docker|podman|containerd)\.(service|socket)$/.test(path.posix.basename(f.systemdUnit ?? "")),
  );
}

/** Where a VM keeps an app's compose folder when no unit names it (read-host.sh looks in the same places). */
const COMPOSE_HOMES: { base: string; depth: number }[] = [
  { base: "opt", depth: 2 },
  { base: "srv", depth: 2 },
  { base: "var/www", depth: 2 },
  { base: "home", depth: 3 },
];

/**
 * Compose files one or two folders into /opt, /srv, /var/www and each home (absolute, sorted): in
 * each folder the first of compose's own names, as `docker compose` would pick. Hidden folders are
 * not entered, as the shell's globs do not.
 */
export async function composeFilesUnder(hostRoot: string): Promise<string[]> {
  const found: string[] = [];
  const walk = async (rel: string, left: number, min: number): Promise<void> => {
    const names = (await readdir(path.join(hostRoot, rel)).catch(() => [] as string[])).filter(
      (n) => !n.startsWith("."),
    );
    for (const name of names.sort()) {
      const sub = `${rel}/${name}`;
      if (!(await statInRoot(hostRoot, sub))?.isDirectory()) continue;
      if (min <= 1) {
        for (const file of DEFAULT_FILES)
          if ((await statInRoot(hostRoot, `${sub}/${file}`))?.isFile()) {
            found.push(`/${sub}/${file}`);
            break;
          }
      }
      if (left > 1) await walk(sub, left - 1, min - 1);
    }
  };
  // A home's own folder is its user's, not an app's: its apps are one or two folders further in.
  for (const { base, depth } of COMPOSE_HOMES) await walk(base, depth, base === "home" ? 2 : 1);
  return found.sort();
}
