// The Memorystore instance's name for a store kept on Memorystore: read by the mapping, the
// deployment's caches (edge.ts) and the commands that name the store's address (command-addresses.ts).
import type { Draft } from "./draft.js";
import { freeRunName, runName } from "./names.js";
import type { StoreHome } from "./store-homes.js";

/**
 * `<base>-redis` / `<base>-memcached` for the store of that kind named so on the VM (`redis`), else for
 * the first; `<base>-<service>` for the others, never twice the same name: a RabbitMQ broker moved to
 * Memorystore for Redis beside the VM's own `redis` (two instances, one Standard for the queue and one
 * Basic for pub/sub) were both `<base>-redis`, so the setup created one and the deploy gave every
 * service that instance's address under both tiers' settings.
 */
export function memorystoreName(d: Draft, home: StoreHome): string {
  const taken: string[] = [];
  for (const kind of ["memorystore-redis", "memorystore-memcached"] as const) {
    const same = d.stores.filter((h) => h.home === kind);
    const word = kind === "memorystore-memcached" ? "memcached" : "redis";
    const primary = same.find((h) => runName(d.base, h.service.name) === runName(d.base, word)) ?? same[0];
    const ordered = primary ? [primary, ...same.filter((h) => h !== primary)] : [];
    for (const h of ordered) {
      const name = freeRunName(taken, runName(d.base, h === primary ? word : h.service.name));
      if (h === home) return name;
      taken.push(name);
    }
  }
  return runName(d.base, home.service.name);
}
