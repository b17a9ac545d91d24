// A setting that holds the VM's address of a data store the design does not move to a managed
// service it fills in (a RabbitMQ left to an open decision or kept on a VM, a MongoDB or
// Elasticsearch on the VM): its VM value is a loopback address or the VM's own name, which reaches
// nothing from Cloud Run. Copying it from the VM (what every other carried setting does) would
// start the app pointed at nowhere, so the process's mapping says to store the address the store
// gets instead, the "keeps its value from the VM" line leaves it out, and setup-secrets.sh asks for
// it (deployment.repointed). Memorystore's addresses
// (REDIS_URL, CELERY_BROKER_URL…) are the deploy's own (app-env.ts isStoreAddress); the Cloud SQL
// database's settings setup-database.sh's (database-settings.ts).
import type { Service } from "../../../inventory/schema.js";
import type { Draft } from "./draft.js";
import { databaseSettingRole } from "../../../contracts/database-settings.js";

/** The last word of a name that holds where something is (vm-app-address.ts reads it too). */
export const ADDRESS =
  /(^|_)(HOST|HOSTNAME|HOSTS|URL|URI|URLS|ADDR|ADDRESS|ADDRESSES|SERVER|SERVERS|NODES|ENDPOINT|ORIGIN|DSN)$/;

/**
 * A name for the address browsers use (MERCURE_PUBLIC_URL, PUBLIC_S3_URL): the public domain, which
 * the cut-over keeps pointing at the app through the load balancer, not the VM's own address.
 */
export const PUBLIC_ADDRESS = /(^|_)PUBLIC(_|$)/;

/** Other words a store's settings go by, beside its software's own name. */
const ALIASES: Array<[RegExp, string[]]> = [
  [/rabbit/i, ["RABBITMQ", "RABBIT", "AMQP"]],
  [/mongo/i, ["MONGODB", "MONGO"]],
  [/elastic|opensearch/i, ["ELASTICSEARCH", "ELASTIC", "OPENSEARCH"]],
  [/kafka|redpanda/i, ["KAFKA"]],
  [/meili/i, ["MEILISEARCH", "MEILI"]],
  [/clickhouse/i, ["CLICKHOUSE"]],
  [/influx/i, ["INFLUXDB", "INFLUX"]],
  [/nats/i, ["NATS"]],
  [/solr/i, ["SOLR"]],
  [/typesense/i, ["TYPESENSE"]],
];

function wordsOf(store: Service): string[] {
  const own = store.software.toUpperCase().replace(/[^A-Z0-9]/g, "");
  const alias = ALIASES.find(([re]) => re.test(store.software))?.[1] ?? [];
  return [...new Set([...(own.length >= 4 ? [own] : []), ...alias])];
}

/** A database setting that says where the database is: its URL, host or socket. */
const WHERE = new Set(["url", "host", "socket"]);

/**
 * The stores whose VM address the process's carried names hold, each with those names. A process
 * that reaches no Cloud SQL instance and depends on one database the design does not move (a
 * second database, an engine Cloud SQL does not run) holds that database's address in its
 * connection settings (DATABASE_URL, DB_HOST) whatever their words.
 */
export function vmStoreAddresses(
  d: Draft,
  names: readonly string[],
  process?: { service: Service; cloudSql: boolean },
): Array<{ store: Service; names: string[] }> {
  const moved = new Set(
    d.stores.filter((h) => h.home.startsWith("memorystore") || h.home === "unused").map((h) => h.service.name),
  );
  const stores = d.inv.services.filter(
    (x) =>
      ["broker", "cache", "database", "other"].includes(x.role) &&
      x.name !== d.notes.databaseService &&
      !moved.has(x.name),
  );
  const out: Array<{ store: Service; names: string[] }> = [];
  const unmovedDbs = process?.cloudSql
    ? []
    : stores.filter((x) => x.role === "database" && process?.service.dependsOn.includes(x.name));
  const claimed = new Set<string>();
  if (unmovedDbs.length === 1) {
    const mine = names.filter((n) => WHERE.has(databaseSettingRole(n) ?? ""));
    if (mine.length) out.push({ store: unmovedDbs[0]!, names: mine });
    mine.forEach((n) => claimed.add(n));
  }
  for (const store of stores) {
    const words = wordsOf(store);
    if (words.length === 0) continue;
    const mine = names.filter((n) => {
      if (claimed.has(n)) return false;
      const up = n.toUpperCase();
      return ADDRESS.test(up) && !PUBLIC_ADDRESS.test(up) && up.split("_").some((part) => words.includes(part));
    });
    if (mine.length) out.push({ store, names: mine });
  }
  return out;
}

/** The mapping change for one such store. */
export function vmStoreAddressChange(found: { store: Service; names: string[] }): string {
  const { store, names } = found;
  const list = names.join(", ");
  const database =
    store.role === "database"
      ? ` Until then this process has no database on Cloud Run: keep its users' traffic on the VM (no DNS switch for it).`
      : "";
  return `${list} ${names.length === 1 ? "holds" : "hold"} ${store.name}'s address on the VM (loopback or the VM's own name there), and the design fills in no new one (${store.name}'s entry says where it goes): before the first deploy, store the address it gets in Secret Manager under ${names.length === 1 ? "that name" : "those names"}. The secrets setup asks for ${names.length === 1 ? "it" : "them"} rather than copying the VM's value, which reaches nothing from Cloud Run.${database}`;
}

/** Where such a setting's new value comes from, as setup-secrets.sh says when it asks for it. */
export function vmStoreAddressValue(store: Service): string {
  return `where ${store.name} runs after the move, in the form of the VM's value (${store.name}'s decision in docs/migration/design/architecture.md)`;
}
