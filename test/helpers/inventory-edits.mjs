// Small seeded edits of a raw inventory object for the mutation fuzzer (inventory-mutations.mjs):
// a PRNG, free names and ports, and renaming a service everywhere the inventory names it.

/** mulberry32: a small seeded PRNG, the same numbers on every machine. */
export function rngFor(seed) {
  let a = seed >>> 0;
  const next = () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
  const int = (lo, hi) => lo + Math.floor(next() * (hi - lo + 1));
  const pick = (items) => items[Math.floor(next() * items.length)];
  return { next, int, pick };
}

const APP_ROLES = ["web", "worker", "scheduler", "cron", "other"];
export const apps = (inv) => inv.services.filter((s) => APP_ROLES.includes(s.role));
const usedPorts = (inv) =>
  new Set(inv.services.flatMap((s) => (s.listen ?? []).map((l) => Number(String(l).split(":").pop()))));
export function freePort(inv, rng) {
  const used = usedPorts(inv);
  for (;;) {
    const port = rng.int(10_000, 60_000);
    if (!used.has(port)) return port;
  }
}
export function freshName(inv, rng, prefix = "svc") {
  const names = new Set(inv.services.map((s) => s.name));
  for (;;) {
    const name = `${prefix}-${rng.int(0, 99_999)}`;
    if (!names.has(name)) return name;
  }
}

/** Every place an inventory names a service, renamed (or dropped when `to` is undefined). */
export function renameReferences(inv, from, to) {
  const swap = (list) => (list ?? []).flatMap((n) => (n === from ? (to ? [to] : []) : [n]));
  for (const s of inv.services) {
    if (s.dependsOn) s.dependsOn = swap(s.dependsOn);
    if (s.routes) s.routes = s.routes.filter((r) => to || r.service !== from);
    for (const r of s.routes ?? []) if (r.service === from) r.service = to;
  }
  if (inv.data) inv.data = inv.data.filter((d) => to || d.service !== from);
  for (const d of inv.data ?? []) {
    if (d.service === from) d.service = to;
    if (d.services) d.services = swap(d.services);
  }
  for (const st of inv.storage ?? []) if (st.services) st.services = swap(st.services);
  if (inv.provenance) {
    const renamed = {};
    for (const [key, value] of Object.entries(inv.provenance)) {
      const hit = key.includes(`[${from}]`);
      if (!hit) renamed[key] = value;
      else if (to) renamed[key.split(`[${from}]`).join(`[${to}]`)] = value;
    }
    inv.provenance = renamed;
  }
}
