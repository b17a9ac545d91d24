// A valid inventory with N services for benchmarks (audit of 500 services): mixed roles, unique
// names and ports, dependsOn only pointing at earlier services (so never a cycle), a data store
// per database/cache. Deterministic: the same N always gives the same text.
import { stringify } from "yaml";

const ROLES = [
  { role: "web", software: "uvicorn", command: (port) => `uvicorn app.main:app --host 127.0.0.1 --port ${port}` },
  { role: "worker", software: "celery", command: () => "celery -A app.tasks worker --concurrency 4" },
  { role: "database", software: "mysql", version: "8.0" },
  { role: "cache", software: "redis", version: "7.2" },
  { role: "broker", software: "rabbitmq", version: "3.12" },
  { role: "cron", software: "cron", schedule: "*/15 * * * *", command: () => "/usr/local/bin/cleanup --older-than 7d" },
  { role: "scheduler", software: "celery", command: () => "celery -A app.tasks beat" },
  { role: "other", software: "node" },
];

/** @param {number} nServices @returns {string} YAML text of a valid inventory. */
export function generateInventory(nServices) {
  if (!Number.isInteger(nServices) || nServices < 1 || nServices > 5000)
    throw new RangeError("nServices must be 1..5000");
  const services = [
    {
      name: "nginx",
      role: "reverse-proxy",
      software: "nginx",
      version: "1.18",
      listen: ["0.0.0.0:80", "0.0.0.0:443"],
      dependsOn: [],
    },
  ];
  for (let i = 1; i < nServices; i++) {
    const spec = ROLES[i % ROLES.length];
    const name = `${spec.role}-${String(i).padStart(4, "0")}`;
    const port = 10_000 + i;
    const service = { name, role: spec.role, software: spec.software };
    if (spec.version) service.version = spec.version;
    if (spec.command) service.command = spec.command(port);
    if (spec.schedule) service.schedule = spec.schedule;
    if (spec.role !== "worker" && spec.role !== "cron" && spec.role !== "scheduler")
      service.listen = [`127.0.0.1:${port}`];
    // Up to two dependencies on earlier services: a DAG by construction.
    service.dependsOn = [i - 1, Math.floor(i / 2)]
      .filter((j, k, all) => j >= 1 && all.indexOf(j) === k)
      .map((j) => services[j].name);
    // An app process names the settings of the stores it depends on (a setting naming a store its
    // dependsOn leaves out is a loader warning: src/contracts/implied-links.ts); stores name none.
    const on = (role) => service.dependsOn.some((n) => services.find((x) => x.name === n).role === role);
    if (!["database", "cache", "broker"].includes(spec.role))
      service.env = [...(on("database") ? ["DATABASE_URL"] : []), ...(on("cache") ? ["REDIS_URL"] : [])];
    services.push(service);
  }
  services[0].dependsOn = services.slice(1, 3).map((s) => s.name);
  const data = services
    .filter((s) => s.role === "database" || s.role === "cache")
    .map((s) => ({ service: s.name, engine: s.software, version: s.version, sizeGiB: 5, backups: "daily" }));
  return stringify({
    apiVersion: "infra-migrate/v1",
    kind: "Inventory",
    metadata: {
      name: `bench-${nServices}`,
      description: `Synthetic inventory with ${nServices} services for benchmarks.`,
    },
    host: { hostname: "bench-vm", os: "Ubuntu 22.04", cpus: 32, memoryGiB: 128, diskGiB: 1000, provider: "gcp" },
    services,
    data,
    deploy: { method: "ssh-systemctl", durationMinutes: 45, perWeek: 1, rollback: "none", downtime: true },
    traffic: { peakRps: 400, averageRps: 80, growth: 10 },
    team: { engineers: 6, kubernetes: false },
    target: {
      cloud: "gcp",
      project: "bench-project",
      region: "us-central1",
      service: "bench-app",
      github: "acme/bench",
    },
  });
}
