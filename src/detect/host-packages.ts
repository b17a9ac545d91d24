// Which server packages the VM has installed, from the package database (Debian/Ubuntu's
// /var/lib/dpkg/status, Alpine's /lib/apk/db/installed): the exact version of the database, cache,
// broker and proxy, and whether a `mysqld` is really MariaDB (MariaDB before 10.4 runs as `mysqld`
// and Debian's mariadb.service is also reachable as mysql.service).
import type { Evidence, ServiceFinding } from "./types.js";
import { readHostFile } from "./host.js";
import { MTA_PACKAGES } from "./local-mta.js";

/**
 * Packages that say what a server is (and the mail servers local-mta.ts names). Also used by the ssh script (an awk ERE there), so it keeps
 * to syntax both understand: no `\d`, no lookarounds.
 */
export const SERVER_PACKAGES = `^(mariadb-server|mariadb-server-core|mariadb-server-[0-9.]+|mariadb-server-core-[0-9.]+|mysql-server|mysql-server-[0-9.]+|mysql-server-core-[0-9.]+|percona-server-server|percona-server-server-[0-9.]+|postgresql-[0-9]+|redis-server|valkey-server|nginx|nginx-core|nginx-full|nginx-light|nginx-extras|rabbitmq-server|memcached|mongodb-org-server|${MTA_PACKAGES})$`;
const SERVER_PACKAGE = new RegExp(SERVER_PACKAGES);

/** The package database files this module reads, relative to the host root. */
export const PACKAGE_DATABASES = ["var/lib/dpkg/status", "lib/apk/db/installed"];
/** Files a MariaDB or MySQL server writes its own version string into (readable by root). */
export const DATABASE_VERSION_FILES = ["var/lib/mysql/mariadb_upgrade_info", "var/lib/mysql/mysql_upgrade_info"];

export interface HostPackages {
  /** Installed server package → its version as the package manager writes it (`1:10.11.6-0+deb12u1`). */
  packages: Map<string, string>;
  /** Where the list came from, for evidence. */
  source?: string;
  /** The database's own version string (`10.11.6-MariaDB`), when its data folder says it. */
  databaseVersion?: { text: string; source: string };
}

/** Installed server packages; an empty map when the root has no package database we can read. */
export async function readHostPackages(root: string): Promise<HostPackages> {
  const result: HostPackages = { packages: new Map() };
  // The dpkg database of a full server is a few MB; it is read once and only stanzas are kept.
  const dpkg = await readHostFile(root, PACKAGE_DATABASES[0]!, 32 * 1024 * 1024);
  if (dpkg !== undefined) {
    for (const stanza of dpkg.split(/\r?\n\r?\n/)) {
      const name = /^Package:\s*(\S+)/m.exec(stanza)?.[1];
      const version = /^Version:\s*(\S+)/m.exec(stanza)?.[1];
      const status = /^Status:\s*(.+)$/m.exec(stanza)?.[1] ?? "";
      if (name && version && SERVER_PACKAGE.test(name) && /\binstalled$/.test(status) && !/not-installed/.test(status))
        result.packages.set(name, version);
    }
    result.source = `/${PACKAGE_DATABASES[0]}`;
  }
  const apk = await readHostFile(root, PACKAGE_DATABASES[1]!, 32 * 1024 * 1024);
  if (apk !== undefined) {
    for (const stanza of apk.split(/\r?\n\r?\n/)) {
      const name = /^P:(\S+)/m.exec(stanza)?.[1];
      const version = /^V:(\S+)/m.exec(stanza)?.[1];
      // Alpine names the MariaDB server `mariadb` and PostgreSQL `postgresql16`.
      const known = name === "mariadb" ? "mariadb-server" : name?.replace(/^postgresql(\d+)$/, "postgresql-$1");
      if (known && version && SERVER_PACKAGE.test(known)) result.packages.set(known, version);
    }
    result.source ??= `/${PACKAGE_DATABASES[1]}`;
  }
  for (const file of DATABASE_VERSION_FILES) {
    const text = (await readHostFile(root, file, 4096))?.trim().split(/\s/)[0];
    if (text && /^\d+\.\d+/.test(text)) {
      result.databaseVersion = { text, source: `/${file}` };
      break;
    }
  }
  return result;
}

/** `1:10.11.6-0+deb12u1` → `10.11`; PostgreSQL's major alone (`15.10-0+deb12u1` → `15`). */
export function upstreamVersion(version: string, software: string): string | undefined {
  const m = /^(?:\d+:)?(\d+)\.(\d+)/.exec(version);
  if (!m) return undefined;
  return software === "postgres" ? m[1] : `${m[1]}.${m[2]}`;
}

/** Software name (as classifyCommand gives it) → the packages that install it. */
const SOFTWARE_PACKAGES: [software: string, pattern: RegExp][] = [
  ["mariadb", /^mariadb-server/],
  ["mysql", /^(mysql-server|percona-server-server)/],
  ["postgres", /^postgresql-\d+$/],
  ["redis", /^(redis|valkey)-server$/],
  ["nginx", /^nginx/],
  ["rabbitmq", /^rabbitmq-server$/],
  ["memcached", /^memcached$/],
  ["mongodb", /^mongodb-org-server$/],
];

function installed(host: HostPackages, software: string): [name: string, version: string] | undefined {
  const pattern = SOFTWARE_PACKAGES.find(([s]) => s === software)?.[1];
  if (!pattern) return undefined;
  // Several PostgreSQL majors may be installed: the newest is the one most likely in use; then the
  // shortest name (mariadb-server before mariadb-server-core).
  const found = [...host.packages].filter(([name]) => pattern.test(name));
  const key = ([, version]: [string, string]) => version.replace(/^\d+:/, "");
  return found.sort((a, b) => key(b).localeCompare(key(a), "en", { numeric: true }) || a[0].length - b[0].length)[0];
}

/**
 * Names MariaDB for what it is and fills in the versions of the stores and the proxy from the
 * package database, saying so in the evidence (once per fact). Runs on the findings before they
 * are merged, so a unit and a listener of the same server agree on its software. A version read
 * from the service itself is kept.
 */
export function applyHostPackages(findings: ServiceFinding[], host: HostPackages, evidence: Evidence[]): void {
  const said = new Set<string>();
  const say = (file: string, found: string) => {
    if (!said.has(found)) evidence.push({ file, found });
    said.add(found);
  };
  const mariadbByVersion = /mariadb/i.test(host.databaseVersion?.text ?? "");
  const mariadbPackage = installed(host, "mariadb");
  const mariadbOnly = mariadbPackage !== undefined && installed(host, "mysql") === undefined;
  for (const s of findings) {
    if (s.software === "mysql" && (mariadbByVersion || mariadbOnly)) {
      s.software = "mariadb";
      // A listener is named after its software; a unit keeps its own name.
      if (!s.systemdUnit && s.name === "mysql") s.name = "mariadb";
      say(
        mariadbByVersion ? host.databaseVersion!.source : host.source!,
        `mysqld is MariaDB (${mariadbByVersion ? host.databaseVersion!.text : `package ${mariadbPackage![0]}`})`,
      );
    }
    if (s.version || !["database", "cache", "broker", "reverse-proxy"].includes(s.role)) continue;
    const fromFile =
      (s.software === "mariadb" || s.software === "mysql") && host.databaseVersion
        ? upstreamVersion(host.databaseVersion.text, s.software)
        : undefined;
    const pkg = installed(host, s.software);
    const version = fromFile ?? (pkg ? upstreamVersion(pkg[1], s.software) : undefined);
    if (!version) continue;
    s.version = version;
    say(
      fromFile ? host.databaseVersion!.source : host.source!,
      `${s.software} ${version}${fromFile ? ` (${host.databaseVersion!.text})` : ` (package ${pkg![0]} ${pkg![1]})`}`,
    );
  }
}
