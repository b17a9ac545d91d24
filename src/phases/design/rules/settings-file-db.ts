// A process whose command names a settings file holding its database connection (inventory
// `secretFiles` with `database`: Gitea's app.ini [database], read by init's settings-file.ts) reads
// no database URL from its environment: the file itself must name Cloud SQL. The file is a secret
// mounted read-only, so the plan says what its stored version must change.
import type { DeployTarget } from "../../../contracts/deployment.js";
import type { Inventory, Service } from "../../../inventory/schema.js";
import type { Draft } from "./draft.js";

/** The secret settings file (inventory `secretFiles` with `database`) this process reads its database from. */
export function databaseSettingsFile(d: Draft, s: Service): NonNullable<Inventory["secretFiles"]>[number] | undefined {
  return (d.inv.secretFiles ?? []).find((f) => f.database && (f.services ?? []).includes(s.name));
}

/**
 * What changes in such a file: its host names the VM's database, and an env var cannot change a
 * file's contents (unless the app reads overrides itself), so the secret's version must.
 */
export function settingsFileDatabaseChange(
  d: Draft,
  s: Service,
  file: NonNullable<Inventory["secretFiles"]>[number],
  t: DeployTarget,
): string {
  const db = file.database!;
  const socket = `/cloudsql/${d.project.id}:${d.inv.target.region}:${t.cloudSqlInstance}`;
  return (
    `${s.name} reads its database from [${db.section}] in ${file.path} (a secret file, mounted read-only), not from a DATABASE_URL: ` +
    `${db.host ? `its host there (${db.host}) is the VM's database` : "it names the VM's database"}. ` +
    `Before the cut-over, store a version of that secret with the host set to the Cloud SQL socket ${socket} and the user, password and database name scripts/setup-database.sh created (it stores them in its URL secret); ` +
    `environment variables do not change a file's contents unless the app reads overrides itself.`
  );
}
