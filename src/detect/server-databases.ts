// Which database of the VM's server each app process uses, read from its own settings' values on
// the VM (held in memory, never written out; only the database names reach the inventory): a URL's
// path (`postgresql://…/portal`, Keycloak's `jdbc:postgresql://localhost:5432/keycloak`) or a
// database-name setting (DB_NAME, POSTGRES_DB). When two processes name different databases, the
// inventory's data[].databases says so, and each keeps its own database on Cloud SQL.
import { databaseSettingRole } from "../contracts/database-settings.js";
import { DATABASE_NAME, type ServerDatabase } from "../inventory/schema.js";
import type { ServiceFinding } from "./types.js";

/** The database a URL names: the first segment of its path (`scheme://[user@]host[:port]/NAME?…`). */
export function urlDatabaseName(url: string): string | undefined {
  const m = /^(?:jdbc:)?[a-z][a-z0-9+.-]*:\/\/(?:[^@/?]*@)?[^/?]*\/([^/?;#]+)/i.exec(url.trim());
  if (!m) return undefined;
  try {
    return decodeURIComponent(m[1]!);
  } catch {
    return undefined;
  }
}

/** The database one process's settings name, if they name one. */
function databaseOf(finding: ServiceFinding, values: Record<string, string>): string | undefined {
  const names = finding.env ?? [];
  const of = (role: string) => names.filter((n) => databaseSettingRole(n) === role && values[n]);
  const fromUrl = of("url")
    .map((n) => urlDatabaseName(values[n]!))
    .find(Boolean);
  const name = fromUrl ?? of("name").map((n) => values[n]!.trim())[0];
  return name && DATABASE_NAME.test(name) ? name : undefined;
}

/**
 * The server's databases by the processes that name them, in the order first named; only when
 * at least two are named (one database is what the inventory assumes without the field).
 * `appEnv`: the app's env files' values, under each process's own.
 */
export function serverDatabases(
  findings: readonly ServiceFinding[],
  appEnv: Record<string, string>,
  appRoles: ReadonlySet<string>,
): ServerDatabase[] | undefined {
  const out: ServerDatabase[] = [];
  for (const f of findings) {
    if (!appRoles.has(f.role)) continue;
    const name = databaseOf(f, { ...appEnv, ...f.envValues });
    if (!name) continue;
    const db = out.find((x) => x.name === name);
    if (!db) out.push({ name, services: [f.name] });
    else if (!db.services.includes(f.name)) db.services.push(f.name);
  }
  // The first is the one a process no entry names uses: the web app's, before a side tool's. A web
  // process of the app's own code (a runtime) comes before a vendor's web server (Keycloak's kc.sh).
  const rank = (x: ServerDatabase) => {
    const fs = findings.filter((f) => x.services.includes(f.name) && f.role === "web");
    return fs.some((f) => f.runtime) ? 0 : fs.length ? 1 : 2;
  };
  return out.length >= 2 ? [...out].sort((a, b) => rank(a) - rank(b)) : undefined;
}
