// One database server, several databases (an app beside Keycloak or Metabase, two apps of one
// team): the Cloud SQL instance stays one, but each database keeps its name and gets its own user,
// and each process's own settings (its URL, user, password, name) are stored for its database
// (inventory data[].databases). Without the field every process shares one database; when two
// processes read different families of settings for the server (DATABASE_URL beside KC_DB_URL),
// the design says they may be two databases and how to declare them.
import type { Service } from "../../../inventory/schema.js";
import { isAiGatewayTarget, isAiWorkerTarget, type DeployTarget } from "../../../contracts/deployment.js";
import { databaseSettingRole } from "../../../contracts/database-settings.js";
import { isJavaProcess as isJava } from "../../../contracts/java-process.js";
import type { Draft } from "./draft.js";

/** The primary database's user (setup-database.sh's default `--user`). */
export const PRIMARY_USER = "app";

const userFor = (name: string) => (name === PRIMARY_USER ? `${name}_user` : name.slice(0, 32));

export function planServerDatabases(d: Draft): void {
  const db = d.database;
  if (!db || !d.notes.databaseService) return;
  const store = d.inv.data.find((x) => x.service === d.notes.databaseService);
  const onSql = d.services.filter(
    (t) => t.cloudSqlInstance === db.instance && !isAiWorkerTarget(t) && !isAiGatewayTarget(t),
  );
  const stored = (t: DeployTarget) => d.notes.env?.[t.name]?.stored ?? [];
  if (!store?.databases) {
    askWhenFamiliesDiffer(d, onSql, stored);
    return;
  }
  const declared = store.databases;
  const dbOf = (t: DeployTarget) =>
    declared.find((x) => x.services.some((n) => t.replaces.includes(n))) ?? declared[0]!;
  const service = (t: DeployTarget) => d.inv.services.find((s) => s.name === t.replaces[0]);
  // A database none of whose processes runs on Cloud Run (held, a decision) is not the first: the
  // first is setup-database.sh's default, whose user the deployed targets' settings hold.
  const used = (x: (typeof declared)[number]) => onSql.some((t) => dbOf(t) === x);
  const ordered = [...declared.filter(used), ...declared.filter((x) => !used(x))];
  db.databases = ordered.map((x, i) => {
    const targets = onSql.filter((t) => dbOf(t) === x);
    const secrets = [...new Set(targets.flatMap(stored))].sort();
    const readers = targets.filter((t) => stored(t).some((n) => databaseSettingRole(n) === "url")).map(service);
    const jdbc = readers.length > 0 && readers.every((s) => s && isJava(s));
    return {
      name: x.name,
      user: i === 0 ? PRIMARY_USER : userFor(x.name),
      targets: targets.map((t) => t.name),
      secrets,
      ...(jdbc ? { jdbc } : {}),
    };
  });
  // Secret Manager holds one value per name: two databases' processes reading the same setting
  // would be given one database.
  const shared = db.databases.flatMap((x, i) =>
    x.secrets.filter((n) => db.databases!.some((y, j) => j > i && y.secrets.includes(n))),
  );
  if (shared.length)
    d.assumptions.push(
      `${[...new Set(shared)].join(", ")} ${shared.length === 1 ? "is" : "are"} read by processes of different databases (data[].databases), but Secret Manager keeps one value per name: scripts/setup-database.sh stores the last database's. Give one of the apps other names for its database settings before the move.`,
    );
}

/**
 * Two processes of different runtimes that read disjoint database settings for the
 * one server: on the VM they may well use two databases of it. The design cannot see that, so it
 * says so and how to declare them.
 */
function askWhenFamiliesDiffer(d: Draft, onSql: DeployTarget[], stored: (t: DeployTarget) => string[]): void {
  const service = (t: DeployTarget) => d.inv.services.find((s) => s.name === t.replaces[0]);
  // Processes of one runtime (a Django web and its Celery worker) are one app, whatever names each reads.
  const kind = (s: Service | undefined) => s?.runtime ?? s?.software ?? "";
  const families: Array<{ targets: DeployTarget[]; names: string[] }> = [];
  for (const t of onSql) {
    const names = stored(t);
    if (!names.length) continue;
    const family = families.find((f) => f.names.some((n) => names.includes(n)));
    if (family) {
      family.targets.push(t);
      family.names = [...new Set([...family.names, ...names])];
    } else families.push({ targets: [t], names: [...names] });
  }
  if (families.length < 2) return;
  const kinds = new Set(families.map((f) => kind(service(f.targets[0]!))));
  if (kinds.size < 2) return;
  const i = d.inv.data.findIndex((x) => x.service === d.notes.databaseService);
  const who = (f: (typeof families)[number]) => [...new Set(f.targets.map((t) => t.replaces[0]!))].join(", ");
  const said = families.map((f) => `${who(f)} (${f.names.join(", ")})`);
  const example = families.map((f) => `{ name: DATABASE, services: [${who(f)}] }`).join(", ");
  d.assumptions.push(
    `One database and user on ${d.database!.instance} for all: ${said.join(" and ")} read different settings for ${d.notes.databaseService}, so they may use different databases of it. If so, declare \`data[${i}].databases\` and run again.`.slice(
      0,
      400,
    ),
  );
  const first = who(families[0]!);
  for (const f of families.slice(1))
    for (const t of f.targets) {
      const plan = d.notes.env?.[t.name];
      if (plan)
        plan.changes = [
          ...(plan.changes ?? []),
          `${t.replaces[0]} reads ${f.names.join(", ")}, other database settings than ${first}'s: if it uses a database of its own on ${d.notes.databaseService}, declare each in the inventory with the VM's database names, \`data[${i}].databases: [${example}]\`, and run again. As it is, scripts/setup-database.sh stores ${first}'s database and user in its settings too, and it would start on ${first}'s database, with none of its own data.`,
        ];
    }
}
