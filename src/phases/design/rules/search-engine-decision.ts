// A search engine on the VM (contracts/search-engine.ts) is a stateful server with its index on the
// VM's disk: Cloud Run keeps no disk, and Google Cloud runs none of these engines as a managed service
// of its own. So it is an open decision with the homes that work (the engine's own managed service,
// a Compute Engine VM with a persistent disk, the database's own full-text search) and what each
// costs; the index is moved by rebuilding it from the database (or a snapshot), never copied as files.
import type { Service } from "../../../inventory/schema.js";
import { loadPriceBook, pickRegion } from "../../../contracts/gcp-prices.js";
import {
  SEARCH_ENGINE_NAMES,
  type SearchEngine,
  searchEngineOf,
  searchEngineOfStorage,
} from "../../../contracts/search-engine.js";
import type { DecisionOption, MappingEntry } from "../schema.js";
import type { Draft } from "./draft.js";
import { cleanName, someNames } from "./names.js";
import { clipText } from "./mapping-processes.js";

/** The engine's own managed offering, where there is one (none for Manticore). */
const MANAGED: Partial<Record<SearchEngine, { option: string; reach: string }>> = {
  elasticsearch: {
    option: "Elastic Cloud on Google Cloud (Elastic's managed Elasticsearch, in the Google Cloud Marketplace)",
    reach: "its HTTPS endpoint with an API key, or privately through Private Service Connect",
  },
  opensearch: {
    option: "A managed OpenSearch on Google Cloud (Aiven for OpenSearch, in the Google Cloud Marketplace)",
    reach: "its HTTPS endpoint with the service's credentials, or over VPC peering",
  },
  solr: {
    option: "A managed Solr on Google Cloud (SearchStax Cloud)",
    reach: "its HTTPS endpoint with the deployment's credentials",
  },
  meilisearch: {
    option: "Meilisearch Cloud (Meilisearch's own hosted service, in the region nearest the app)",
    reach: "its HTTPS endpoint with an API key",
  },
  typesense: {
    option: "Typesense Cloud (Typesense's own hosted cluster, in the region nearest the app)",
    reach: "its HTTPS endpoint with an API key",
  },
};

/** The engines that run on the JVM: their heap takes half the VM's memory, the page cache the rest. */
const JVM: ReadonlySet<SearchEngine> = new Set(["elasticsearch", "opensearch", "solr"]);

/** An e2-standard-2 (2 vCPU, 8 GiB) with a balanced disk for the index, internal IP only. */
function vmCost(d: Draft, diskGiB: number): string {
  const book = loadPriceBook();
  const p = pickRegion(book.computeEngine.regions, d.inv.target.region).value;
  const h = book.hoursPerMonth;
  const usd = h * (2 * p.e2VcpuPerHour + 8 * p.e2MemoryPerGibHour) + diskGiB * p.balancedDiskPerGibMonth;
  return `about $${usd.toFixed(2)}/month (${h} h × (2 vCPU × $${p.e2VcpuPerHour} + 8 GiB × $${p.e2MemoryPerGibHour}) e2-standard-2 + ${diskGiB} GiB × $${p.balancedDiskPerGibMonth} balanced disk)`;
}

export function searchEngineDecision(d: Draft, s: Service): MappingEntry {
  const engine = searchEngineOf(s)!;
  const label = SEARCH_ENGINE_NAMES[engine];
  const users = d.inv.services.filter((u) => u !== s && u.dependsOn.includes(s.name)).map((u) => u.name);
  const usersText = users.length ? someNames(users) : "the app";
  const port = s.listen[0]?.split(":").pop();
  const sizeGiB =
    d.inv.data.find((x) => x.service === s.name)?.sizeGiB ??
    (d.inv.storage ?? []).find((x) => searchEngineOfStorage(d.inv, x) === s)?.sizeGiB;
  const diskGiB = Math.max(20, Math.ceil((sizeGiB ?? 10) * 2));
  const managed = MANAGED[engine];
  // No process's settings name the engine: the app keeps its address where init cannot read it (an
  // admin setting in its database: Zammad's es_url, es_user, es_password, set with `rails r`).
  const where = users.length
    ? "its address and credentials in Secret Manager under the settings they read today"
    : "its address and credentials set where the app keeps them today (no environment or settings file on the VM names them: an admin setting in its database, for one)";
  const options: DecisionOption[] = [
    ...(managed
      ? [
          {
            option: managed.option,
            change: clipText(
              `Create a deployment of the same major version${s.version ? ` (${s.version})` : ""} in or near ${d.inv.target.region}; ${usersText} reach it over ${managed.reach}, ${where}. No server to patch or back up.`,
              600,
            ),
            cost: "the provider's price for the index size and memory (its pricing page); billed through the Marketplace where listed",
          },
        ]
      : []),
    {
      option: `Run ${label} on a Compute Engine VM with a persistent disk`,
      change: clipText(
        `One e2-standard-2 (2 vCPU, 8 GiB${JVM.has(engine) ? ", heap at 4 GiB" : ""}) with its index on a ${diskGiB} GiB balanced persistent disk, no external IP: ${usersText} reach its internal IP${port ? ` on port ${port}` : ""} over Direct VPC egress (their VPC subnet, as for Memorystore), with a firewall rule from that subnet only. A snapshot schedule on the disk is its backup; patching and upgrades stay yours.`,
        600,
      ),
      cost: vmCost(d, diskGiB),
    },
    {
      option: `Search with the database's own full-text index instead of ${label}`,
      change:
        "Only where the app supports it (some apps make the search engine optional, others need it): switch its search integration off, or move the queries to PostgreSQL's tsvector with a GIN index or MySQL's FULLTEXT indexes. One server fewer; search ranking and features change.",
      cost: "$0/month beyond Cloud SQL (the index's storage and CPU)",
    },
  ];
  const name = cleanName(s.name, 62);
  return {
    service: s.name,
    target: { kind: "needs-decision", name: name.length >= 2 ? name : `${name}0` },
    subject: `where ${s.name} (${label}) runs`,
    reason: clipText(
      `${s.name} is ${label}, a search engine ${users.length ? `that ${usersText} ${users.length === 1 ? "queries" : "query"}` : "the app queries"}${port ? ` on port ${port}` : ""}, with its index on the VM's disk. Cloud Run keeps no disk (an instance's files live in its memory and go with it) and a worker pool has no endpoint for the app to call, and Google Cloud runs no managed ${label} of its own: it needs a home chosen for it, like the database.`,
      800,
    ),
    settings: {},
    appChanges: [
      ...(users.length
        ? []
        : [
            clipText(
              `No environment variable or settings file of the app names ${s.name}'s address: the app keeps it elsewhere (an admin setting stored in its database, such as Zammad's es_url): change it there to the new home at the cut-over, or the app keeps calling the VM.`,
              600,
            ),
          ]),
      clipText(
        `Move the index by rebuilding it, not by copying ${label}'s data folder: in most apps it is derived from the database, and the app's own reindex command fills the new engine after the database move${engine === "elasticsearch" || engine === "opensearch" ? " (or restore a snapshot taken to a Cloud Storage snapshot repository)" : ""}. Until it is rebuilt, search returns nothing: run it before the cut-over against the copied database, and again for what changed since.`,
        600,
      ),
    ],
    options,
  };
}
