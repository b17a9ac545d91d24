// docker-compose.yml: one service per entry. Known images say what a service is (postgres:15 is
// the database, version 15); otherwise its command does (gunicorn, celery worker/beat, …).
import path from "node:path";
import { quote } from "shell-quote";
import { parse } from "yaml";
import { ENV_NAME, type ServiceRole } from "../inventory/schema.js";
import { afterWaiter, classifyCommand, splitCommand, type CommandFacts } from "./command.js";
import { sanitiseName } from "./procfile.js";
import { unionNames } from "./systemd.js";
import { interpolate } from "./compose-interpolate.js";
import { imageExtensions, POSTGRES_EXTENSION_IMAGES, postgresTagVersion } from "./postgres-extensions.js";
import type { ComposeImage, ServiceFinding } from "./types.js";

const IMAGES: { match: RegExp; software: string; role: ServiceRole }[] = [
  { match: /^(mysql|percona|percona-server)$/, software: "mysql", role: "database" },
  { match: /^mariadb$/, software: "mariadb", role: "database" },
  { match: /^(postgres|postgis|postgresql)$/, software: "postgres", role: "database" },
  { match: POSTGRES_EXTENSION_IMAGES, software: "postgres", role: "database" },
  { match: /^mongo(db)?$/, software: "mongodb", role: "database" },
  { match: /^(redis|valkey)$/, software: "redis", role: "cache" },
  { match: /^memcached$/, software: "memcached", role: "cache" },
  { match: /^rabbitmq$/, software: "rabbitmq", role: "broker" },
  { match: /^nginx$/, software: "nginx", role: "reverse-proxy" },
];

/** "bitnami/postgresql:15.4-debian" → ["postgresql", "15.4"]. */
function imageParts(image: string): [string, string | undefined] {
  const [repo, tag] = image.split("@")[0]!.split(/:(?=[^/]*$)/) as [string, string | undefined];
  const name = repo.slice(repo.lastIndexOf("/") + 1);
  const version = tag ? /^(\d+(?:\.\d+)*)/.exec(tag)?.[1] : undefined;
  return [name, version];
}

type Vars = Readonly<Record<string, string>>;

/** An image reference as `docker pull` takes it: registry/name[:tag][@digest], nothing left unfilled. */
export const IMAGE_REFERENCE = /^[a-z0-9][a-z0-9._\/-]*(:[\w.-]+)?(@sha256:[a-f0-9]{64})?$/;

/**
 * "8000:8000", "127.0.0.1:5432:5432", { published: 80, target: 80 }, "${WEB_PORT:-80}:8080" → host
 * listen address (compose's variables filled in from `vars`); none when the port is not a number.
 */
function publishedListen(port: unknown, vars: Vars): string | undefined {
  if (typeof port === "number") return `0.0.0.0:${port}`;
  if (port && typeof port === "object") {
    const { published, host_ip: hostIp } = port as { published?: unknown; host_ip?: unknown };
    if (typeof published !== "number" && typeof published !== "string") return undefined;
    const value = interpolate(String(published), vars);
    const host = typeof hostIp === "string" ? interpolate(hostIp, vars) : "";
    return /^\d+$/.test(value) ? `${host || "0.0.0.0"}:${value}` : undefined;
  }
  if (typeof port !== "string") return undefined;
  const parts = interpolate(port, vars).split("/")[0]!.split(":");
  if (parts.length === 1) return /^\d+$/.test(parts[0]!) ? `0.0.0.0:${parts[0]}` : undefined;
  const host = parts.length === 3 ? parts[0]! : "0.0.0.0";
  const published = parts[parts.length - 2]!;
  return /^\d+$/.test(published) ? `${host}:${published}` : undefined;
}

/** `environment:` as a list (`- A=1`, `- B`) or a map: the variable names, sorted; values dropped. */
function envNames(environment: unknown): string[] {
  const keys = Array.isArray(environment)
    ? environment.map((e) => String(e).split("=")[0]!.trim())
    : environment && typeof environment === "object"
      ? Object.keys(environment)
      : [];
  return unionNames(
    [],
    keys.filter((k) => ENV_NAME.test(k)),
  );
}

type ComposeMount = NonNullable<ServiceFinding["composeMounts"]>[number];

/**
 * A service's `volumes:` entry (`./media:/app/media:rw`, `media:/app/media`, the long form
 * `{ type: bind, source, target }`): where the container sees it and what backs it on the VM. An
 * anonymous volume (a target alone) or a tmpfs backs nothing kept.
 */
function composeMount(
  entry: unknown,
  named: Map<string, string | undefined>,
  vars: Vars,
  project?: string,
): ComposeMount | undefined {
  let source: string | undefined;
  let target: string | undefined;
  if (typeof entry === "string") {
    const parts = interpolate(entry, vars).split(":");
    if (parts.length < 2) return undefined;
    [source, target] = [parts[0], parts[1]];
  } else if (entry && typeof entry === "object") {
    const e = entry as { type?: unknown; source?: unknown; target?: unknown };
    if (e.type !== undefined && e.type !== "bind" && e.type !== "volume") return undefined;
    source = typeof e.source === "string" ? interpolate(e.source, vars) : undefined;
    target = typeof e.target === "string" ? interpolate(e.target, vars) : undefined;
  }
  if (!source || !target?.startsWith("/")) return undefined;
  const at = { target: target.replace(/\/+$/, "") || "/", ...(project ? { project } : {}) };
  if (/^\.{0,2}\//.test(source) || source === "." || source === "..") return { ...at, bind: source };
  if (!/^[A-Za-z0-9][\w.-]*$/.test(source)) return undefined;
  const volumeName = named.get(source);
  return { ...at, volume: source, ...(volumeName ? { volumeName } : {}) };
}

/** Top-level `volumes:`: each key, with the Docker volume's own name when the file sets it. */
function namedVolumes(volumes: unknown): Map<string, string | undefined> {
  const out = new Map<string, string | undefined>();
  if (!volumes || typeof volumes !== "object") return out;
  for (const [key, raw] of Object.entries(volumes as Record<string, unknown>)) {
    const v = (raw ?? {}) as { name?: unknown; external?: unknown };
    // An external volume is named by its key unless it says otherwise; `name:` is used as is.
    out.set(key, typeof v.name === "string" ? v.name : v.external ? key : undefined);
  }
  return out;
}

/** `command:` or `entrypoint:` as one line: a list's words joined, a string as written. */
function words(value: unknown): string | undefined {
  if (Array.isArray(value)) return value.map(String).join(" ") || undefined;
  return typeof value === "string" && value.trim() ? value.trim() : undefined;
}

/**
 * `wait-for-it.sh db:5432 -- /start-web.sh` → `/start-web.sh`: the guard waits for another compose
 * service by its compose host name (`db`), which names nothing once the services run apart (Cloud
 * SQL, Memorystore), so the command that runs is the one it waits to start.
 */
function unwaited(command: string | undefined): string | undefined {
  if (!command) return undefined;
  const all = splitCommand(command);
  const rest = afterWaiter(all);
  return rest === all ? command : rest.length ? quote(rest) : undefined;
}

/** `build: .` or `build: { context, dockerfile, target }`: where the service's image is built from. */
function buildOf(build: unknown, vars: Vars): ComposeImage["build"] | undefined {
  if (typeof build === "string") {
    const context = contextOf(interpolate(build, vars));
    return context === undefined ? undefined : { context, dockerfile: "Dockerfile" };
  }
  if (!build || typeof build !== "object") return undefined;
  const b = build as { context?: unknown; dockerfile?: unknown; target?: unknown; args?: unknown };
  const context = contextOf(typeof b.context === "string" ? interpolate(b.context, vars) : ".");
  if (context === undefined) return undefined;
  const dockerfile = typeof b.dockerfile === "string" ? interpolate(b.dockerfile, vars) : "Dockerfile";
  const target = typeof b.target === "string" ? interpolate(b.target, vars) : undefined;
  const args = buildArgs(b.args);
  return { context, dockerfile, ...(target ? { target } : {}), ...(args ? { args } : {}) };
}

/**
 * `build.args` (a map, or a list of `NAME=value`) as a checkout builds them: the compose file's own
 * defaults filled in and nothing from the VM's .env, whose values (secrets among them) never go in
 * the inventory or a committed workflow. A bare `NAME` takes its value from the environment: none here.
 */
function buildArgs(raw: unknown): Record<string, string> | undefined {
  const entries: [string, unknown][] = Array.isArray(raw)
    ? raw.flatMap((e): [string, unknown][] => {
        const m = /^([^=]+)=(.*)$/s.exec(String(e));
        return m ? [[m[1]!, m[2]]] : [];
      })
    : raw && typeof raw === "object"
      ? Object.entries(raw as Record<string, unknown>)
      : [];
  const args = Object.fromEntries(
    entries
      .filter(([name, value]) => /^[A-Za-z_]\w*$/.test(name) && value !== null && typeof value !== "object")
      .map(([name, value]) => [name, interpolate(String(value), {})] as const)
      .filter(([, value]) => !/[\n\r]/.test(value) && value.length <= 500),
  );
  return Object.keys(args).length ? args : undefined;
}

/** A build context as a folder of the compose file's folder: "." → "", "./app/" → "app"; a URL or "../x": none. */
function contextOf(context: string): string | undefined {
  const normal = path.posix.normalize(context).replace(/\/+$/, "");
  if (normal.startsWith("..") || normal.startsWith("/") || context.includes("://")) return undefined;
  return normal === "." ? "" : normal;
}

/**
 * `restart: always` or `unless-stopped`: Docker starts the container again whenever it exits, so
 * what it runs is meant to stay up, whatever image it is.
 * https://docs.docker.com/reference/compose-file/services/#restart
 */
function keptUp(restart: unknown): boolean {
  return restart === "always" || restart === "unless-stopped";
}

/**
 * Services another one waits for with `condition: service_completed_successfully`: they run once
 * and exit (a migration, an initializer), as compose's docs describe that condition.
 * https://docs.docker.com/reference/compose-file/services/#depends_on
 */
function runToCompletion(services: Record<string, unknown>): Set<string> {
  const out = new Set<string>();
  for (const raw of Object.values(services)) {
    const dependsOn = (raw as { depends_on?: unknown } | null)?.depends_on;
    if (!dependsOn || typeof dependsOn !== "object" || Array.isArray(dependsOn)) continue;
    for (const [name, spec] of Object.entries(dependsOn as Record<string, unknown>))
      if ((spec as { condition?: unknown } | null)?.condition === "service_completed_successfully") out.add(name);
  }
  return out;
}

/**
 * The services of a compose file. `vars`: the values compose fills its `${…}` with (the project's
 * .env beside the file), used for published ports, volume paths, image tags and the project name.
 */
export function parseCompose(text: string, file: string, vars: Vars = {}): ServiceFinding[] {
  let doc: unknown;
  try {
    // Compose's merge tags (`!reset`, `!override`) are unknown to YAML itself: read as plain values, without a warning.
    doc = parse(text, { maxAliasCount: 100, logLevel: "error" });
  } catch {
    return [];
  }
  const services = (doc as { services?: unknown } | null)?.services;
  if (!services || typeof services !== "object") return [];
  const top = doc as { name?: unknown; volumes?: unknown };
  const projectName = typeof top.name === "string" ? interpolate(top.name, vars) : undefined;
  const project = projectName && /^[a-z0-9][a-z0-9_-]*$/.test(projectName) ? projectName : undefined;
  const named = namedVolumes(top.volumes);
  const completed = runToCompletion(services as Record<string, unknown>);
  const findings: ServiceFinding[] = [];
  for (const [key, raw] of Object.entries(services as Record<string, unknown>)) {
    const svc = (raw ?? {}) as {
      image?: unknown;
      build?: unknown;
      entrypoint?: unknown;
      command?: unknown;
      ports?: unknown;
      depends_on?: unknown;
      environment?: unknown;
      volumes?: unknown;
      env_file?: unknown;
      restart?: unknown;
    };
    const name = sanitiseName(key);
    if (!name) continue;
    // `entrypoint:` replaces the image's ENTRYPOINT and CMD; `command:` is then its arguments.
    const command = unwaited([words(svc.entrypoint), words(svc.command)].filter(Boolean).join(" ") || undefined);
    const imageRef = typeof svc.image === "string" ? interpolate(svc.image, vars) : "";
    const [imageName, tagVersion] = imageRef ? imageParts(imageRef) : ["", undefined];
    const known = IMAGES.find((i) => i.match.test(imageName));
    const postgres = known?.software === "postgres";
    const tag = /:([^/@]+)(?:@|$)/.exec(imageRef)?.[1] ?? "";
    const version = (postgres ? postgresTagVersion(tag) : undefined) ?? tagVersion;
    const extensions = postgres ? imageExtensions(imageRef) : [];
    const facts: CommandFacts = known
      ? { software: known.software, role: known.role }
      : command
        ? classifyCommand(command)
        : { software: imageName || "unknown", role: "other" as const };
    const listen = (Array.isArray(svc.ports) ? svc.ports.map((p) => publishedListen(p, vars)) : []).filter(
      (l): l is string => l !== undefined,
    );
    const dependsOn = Array.isArray(svc.depends_on)
      ? svc.depends_on.map(String)
      : svc.depends_on && typeof svc.depends_on === "object"
        ? Object.keys(svc.depends_on)
        : [];
    const mounts = (Array.isArray(svc.volumes) ? svc.volumes : [])
      .map((v) => composeMount(v, named, vars, project))
      .filter((m): m is ComposeMount => m !== undefined);
    // `env_file: .env`, a list of them, or `{ path, required }` entries.
    const envFiles = (Array.isArray(svc.env_file) ? svc.env_file : [svc.env_file])
      .map((e) => (typeof e === "string" ? e : (e as { path?: unknown } | null)?.path))
      .filter((e): e is string => typeof e === "string" && e.length > 0);
    const { software: _s, role: _r, listen: _l, ...process } = facts;
    const build = buildOf(svc.build, vars);
    const image = typeof svc.image === "string" ? svc.image : undefined;
    findings.push({
      name,
      role: facts.role,
      software: facts.software,
      ...(Object.keys(process).length ? { process } : {}),
      ...(version ? { version } : {}),
      ...(extensions.length ? { extensions } : {}),
      ...(command ? { command } : {}),
      listen,
      dependsOn: dependsOn.map(sanitiseName).filter(Boolean),
      ...(envNames(svc.environment).length ? { env: envNames(svc.environment) } : {}),
      ...(mounts.length ? { composeMounts: mounts } : {}),
      ...(envFiles.length ? { composeEnvFiles: envFiles } : {}),
      ...(!known && (build || image)
        ? {
            composeImage: {
              ...(image ? { image } : {}),
              ...(image && IMAGE_REFERENCE.test(imageRef) ? { reference: imageRef } : {}),
              ...(build ? { build } : {}),
              ...(svc.entrypoint ? { entrypoint: true } : {}),
            },
          }
        : {}),
      ...(completed.has(key) ? { oneShot: true } : {}),
      ...(!known && !completed.has(key) && keptUp(svc.restart) ? { longRunning: true } : {}),
      source: file,
    });
  }
  return findings;
}
