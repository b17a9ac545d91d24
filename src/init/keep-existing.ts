// A rerun of `init` rewrites the inventory from the answers, but the file may hold more than the
// questions cover: a person's own keys, `host.diskGiB`, `deploy.testCommand`, a second data store,
// `llm.model`. The new content is the old document with the answered values replaced: a key the
// questions own and the answers no longer give is dropped; any other key is kept as written.
const isRecord = (v: unknown): v is Record<string, unknown> => typeof v === "object" && v !== null && !Array.isArray(v);

/** Keys the answers own, by path (`services[]` for every service). Absent from the answers = removed. */
const OWNED: Record<string, ReadonlySet<string>> = {
  "": new Set(["services", "data", "llm"]),
  host: new Set(["cpus", "memoryGiB", "monthlyCostUsd"]),
  deploy: new Set(["method", "durationMinutes", "perWeek", "rollback"]),
  traffic: new Set(["peakRps", "growth"]),
  team: new Set(["engineers", "kubernetes"]),
  target: new Set(["project", "region", "service", "github", "businessHours"]),
  llm: new Set(["useCase", "latencySeconds", "provider"]),
  "services[]": new Set([
    "version",
    "systemdUnit",
    "command",
    "listen",
    "dependsOn",
    "env",
    "emptyEnv",
    "plainEnv",
    "unitEnv",
    "envFile",
    "workingDir",
    "schedule",
    "runtime",
    "framework",
    "packageManager",
    "protocols",
    "uwsgiSocket",
    "rawPorts",
    "longRunning",
    "usedFor",
    "maxRequestBodyMiB",
    "internalFolders",
    "servedFolders",
    "urlPath",
    "phpIni",
    "sessionStore",
    "cacheStore",
    "inProcessJobs",
    "outboundMail",
    "singleInstance",
    "runsOnce",
    "build",
    "image",
    "extensions",
    "beforeStart",
    "instances",
    "capacity",
    "routes",
  ]),
  "data[]": new Set(["engine", "version", "sizeGiB", "backups"]),
};

/** List items are matched by these keys, so a reordered or shortened list keeps each item's extras. */
const IDENTITY: Record<string, string> = {
  services: "name",
  data: "service",
  storage: "path",
  secretFiles: "path",
  buildInputs: "path",
};

function mergeList(path: string, old: unknown[], next: unknown[], keepUnmatched: boolean): unknown[] {
  const id = IDENTITY[path];
  if (!id) return next;
  const key = (item: unknown) => (isRecord(item) ? item[id] : undefined);
  const merged = next.map((item) => {
    const before = old.find((o) => key(o) !== undefined && key(o) === key(item));
    return before === undefined ? item : mergeValue(`${path}[]`, before, item);
  });
  if (!keepUnmatched) return merged;
  const taken = new Set(next.map(key));
  return [...merged, ...old.filter((o) => !taken.has(key(o)))];
}

function mergeValue(path: string, old: unknown, next: unknown): unknown {
  if (Array.isArray(old) && Array.isArray(next)) return mergeList(path, old, next, path === "storage");
  if (!isRecord(old) || !isRecord(next)) return next;
  const owned = OWNED[path] ?? new Set<string>();
  const result: Record<string, unknown> = {};
  for (const [k, v] of Object.entries(old)) {
    if (k in next) result[k] = mergeValue(path ? `${path}.${k}` : k, v, next[k]);
    else if (!owned.has(k)) result[k] = v;
  }
  for (const [k, v] of Object.entries(next)) if (!(k in result)) result[k] = v;
  return result;
}

/** Data stores beyond the one the database question covers stay while their service does. */
function keepOtherStores(old: Record<string, unknown>, merged: Record<string, unknown>): void {
  const services = new Set(
    (Array.isArray(merged.services) ? merged.services : []).map((s) => (isRecord(s) ? s.name : undefined)),
  );
  const data = Array.isArray(merged.data) ? merged.data : [];
  const covered = new Set(data.map((d) => (isRecord(d) ? d.service : undefined)));
  const others = (Array.isArray(old.data) ? old.data : []).filter(
    (d) => isRecord(d) && !covered.has(d.service) && services.has(d.service),
  );
  if (others.length) merged.data = [...data, ...others];
}

/** Provenance of values carried over stays; entries of services that are gone are dropped. */
function mergeProvenance(old: Record<string, unknown>, next: Record<string, unknown>, merged: Record<string, unknown>) {
  const services = new Set(
    (Array.isArray(merged.services) ? merged.services : []).map((s) => (isRecord(s) ? s.name : "")),
  );
  const entries = {
    ...(isRecord(old.provenance) ? old.provenance : {}),
    ...(isRecord(next.provenance) ? next.provenance : {}),
  };
  const live = Object.entries(entries).filter(([key]) => {
    const service = /^services\[([^\]]+)\]/.exec(key)?.[1];
    return service === undefined || services.has(service);
  });
  if (live.length) merged.provenance = Object.fromEntries(live);
  else delete merged.provenance;
}

/** The inventory to write: `next` (built from the answers) over `old` (the document as it was). */
export function keepExisting(old: unknown, next: Record<string, unknown>): Record<string, unknown> {
  if (!isRecord(old)) return next;
  // A host the answers no longer describe at all still drops the answered keys (a cleared cost).
  const merged = mergeValue("", old, isRecord(old.host) && !("host" in next) ? { ...next, host: {} } : next) as Record<
    string,
    unknown
  >;
  if (isRecord(merged.host) && Object.keys(merged.host).length === 0) delete merged.host;
  keepOtherStores(old, merged);
  mergeProvenance(old, next, merged);
  return merged;
}
