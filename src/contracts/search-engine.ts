// A search engine the VM runs beside the app (Elasticsearch, OpenSearch, Solr, Meilisearch,
// Typesense, Manticore/Sphinx): a stateful server the app reaches over HTTP (or MySQL's protocol for
// Manticore), whose index lives on the VM's disk. Google Cloud runs none of them as a managed
// service of its own, and Cloud Run keeps no disk, so it is decided (design's search-engine-decision.ts),
// never run from the app's image nor dropped. Its index is usually derived from the app's database
// and rebuilt by the app's own reindex command, which is why its data folder is not copied as files.
import type { Inventory, Service, Storage } from "../inventory/schema.js";

export type SearchEngine = "elasticsearch" | "opensearch" | "solr" | "meilisearch" | "typesense" | "manticore";

const BY_WORD: Array<[RegExp, SearchEngine]> = [
  [/elasticsearch/i, "elasticsearch"],
  [/opensearch/i, "opensearch"],
  [/(?:^|[\s/_-])solr(?:$|[\s/_.-])/i, "solr"],
  [/meilisearch/i, "meilisearch"],
  [/typesense/i, "typesense"],
  [/manticore|(?:^|[\s/])searchd(?:$|\s)|sphinxsearch/i, "manticore"],
];

/** Which search engine the process is, by its software, command or image; undefined for anything else. */
export function searchEngineOf(s: Service): SearchEngine | undefined {
  // The software name first: a process of the app whose command merely mentions an engine
  // (`rake searchkick:reindex`, `--elasticsearch-url`) is not the engine.
  if (s.runtime && s.runtime !== "java" && s.runtime !== "other") return undefined;
  for (const [re, engine] of BY_WORD) if (re.test(s.software)) return engine;
  const program = (s.command ?? "").trim().split(/\s+/)[0] ?? "";
  for (const [re, engine] of BY_WORD) if (re.test(program) || (s.image && re.test(s.image))) return engine;
  // Elasticsearch's and OpenSearch's own JVM: the main class names the engine wherever the binary lives.
  if (/org\.elasticsearch\.bootstrap\.Elasticsearch/.test(s.command ?? "")) return "elasticsearch";
  if (/org\.opensearch\.bootstrap\.OpenSearch/.test(s.command ?? "")) return "opensearch";
  return undefined;
}

export const isSearchEngine = (s: Service): boolean => searchEngineOf(s) !== undefined;

/** The name an engine goes by in prose. */
export const SEARCH_ENGINE_NAMES: Record<SearchEngine, string> = {
  elasticsearch: "Elasticsearch",
  opensearch: "OpenSearch",
  solr: "Apache Solr",
  meilisearch: "Meilisearch",
  typesense: "Typesense",
  manticore: "Manticore Search",
};

/**
 * The port each engine's HTTP API listens on when its configuration names none (Elasticsearch's and
 * OpenSearch's `http.port`, Solr's `SOLR_PORT`, Meilisearch's `--http-addr`, Typesense's `api-port`,
 * Manticore's HTTP listener): what a unit that starts the packaged engine listens on.
 */
export const SEARCH_ENGINE_PORTS: Record<SearchEngine, number> = {
  elasticsearch: 9200,
  opensearch: 9200,
  solr: 8983,
  meilisearch: 7700,
  typesense: 8108,
  manticore: 9308,
};

/** Whether a process's software name is a search engine's (the names init gives them). */
export const isSearchEngineSoftware = (software: string): software is SearchEngine =>
  Object.hasOwn(SEARCH_ENGINE_NAMES, software);

/** The folders a search engine keeps its index in by default on a Linux VM (the distribution packages'). */
const DATA_DIRS: Record<SearchEngine, string[]> = {
  elasticsearch: ["/var/lib/elasticsearch"],
  opensearch: ["/var/lib/opensearch"],
  solr: ["/var/solr", "/var/lib/solr"],
  meilisearch: ["/var/lib/meilisearch"],
  typesense: ["/var/lib/typesense"],
  manticore: ["/var/lib/manticore", "/var/lib/sphinxsearch"],
};

/**
 * The search engine whose index a storage folder holds: one the folder names as its user, or whose
 * default data folder it is (or lies in).
 */
export function searchEngineOfStorage(inv: Inventory, storage: Storage): Service | undefined {
  const engines = inv.services.filter(isSearchEngine);
  if (engines.length === 0) return undefined;
  const users = storage.services ?? [];
  if (users.length > 0 && users.every((u) => engines.some((s) => s.name === u)))
    return engines.find((s) => users.includes(s.name));
  const folder = storage.path.replace(/\/+$/, "");
  return engines.find((s) => DATA_DIRS[searchEngineOf(s)!].some((d) => folder === d || folder.startsWith(`${d}/`)));
}
