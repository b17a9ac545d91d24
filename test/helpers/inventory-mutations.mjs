// Seeded mutations of an inventory (the raw YAML object, before defaults) for the mutation fuzzer
// (bench/mutate-corpus.mjs) and its fixed-seed test. Each one pushes one part of the inventory to
// an edge the schema still allows (`valid`: the run must succeed, or stop on a clear input error a
// cross-check raises), or breaks it on purpose (`invalid`: the run must stop with exit 2 naming the
// file and key path). Plain JS so the bench imports it unbuilt, like fake-gemini.mjs.
import { INVALID_MUTATIONS } from "./inventory-mutations-invalid.mjs";
import { apps, freePort, freshName, renameReferences, rngFor } from "./inventory-edits.mjs";

export { rngFor, renameReferences };

const ROLES = ["reverse-proxy", "web", "worker", "scheduler", "database", "cache", "broker", "cron", "other"];

/** A role's required and forbidden keys, so a re-roled service stays valid. */
function fitRole(service, role, rng) {
  service.role = role;
  if (role === "cron" || role === "scheduler") {
    service.schedule ??= rng.pick(["*/5 * * * *", "@daily", "0 3 * * 0", "@reboot", "*/10 * * * * *"]);
    service.command ??= "/usr/local/bin/nightly-job --all";
  } else delete service.schedule;
  if (role !== "reverse-proxy") delete service.routes;
}

const ODD_COMMANDS = [
  `sh -c 'cd /srv/app && exec gunicorn "app:create_app()" --bind 127.0.0.1:$PORT'`,
  "FOO=1 BAR='two words' node --max-old-space-size=4096 dist/server.js | tee -a /var/log/app.log",
  `bash -lc "source ~/.profile; bundle exec puma -C config/puma.rb" 2>&1 && echo done`,
  "python3 -m app.worker --queues=high,default,low --name=wörker-ü --log=%(asctime)s",
  "/usr/bin/env -S java -Xmx2g -jar /opt/app/app.jar --spring.profiles.active=prod,cloud",
  `php artisan queue:work --sleep=3 --tries=3 $(cat /etc/app/flags) \`date +%s\``,
  "celery -A proj worker -B -Q " + Array.from({ length: 300 }, (_, i) => `q${i}`).join(","),
  "x".repeat(4000),
];

export const VALID_MUTATIONS = {
  "drop-service": (inv, rng) => {
    if (inv.services.length < 2) return undefined;
    const [gone] = inv.services.splice(rng.int(1, inv.services.length - 1), 1);
    renameReferences(inv, gone.name, undefined);
    return `dropped ${gone.name}`;
  },
  "rename-service": (inv, rng) => {
    const service = rng.pick(inv.services);
    const to = rng.next() < 0.3 ? `${"long-".repeat(8)}${rng.int(100, 999)}`.slice(0, 49) : freshName(inv, rng);
    const from = service.name;
    service.name = to;
    renameReferences(inv, from, to);
    return `renamed ${from} to ${to}`;
  },
  "re-role": (inv, rng) => {
    const service = rng.pick(inv.services);
    const role = rng.pick(ROLES.filter((r) => r !== service.role));
    const was = service.role;
    fitRole(service, role, rng);
    return `${service.name}: ${was} -> ${role}`;
  },
  "huge-data": (inv, rng) => {
    const size = rng.pick([1_000_000, 250_000, 40_000]);
    for (const d of inv.data ?? []) d.sizeGiB = size;
    for (const st of inv.storage ?? []) st.sizeGiB = size;
    inv.host = { ...inv.host, diskGiB: 1_000_000 };
    return `every size ${size} GiB`;
  },
  "huge-traffic": (inv, rng) => {
    const peak = rng.pick([10_000_000, 2_500_000, 120_000]);
    inv.traffic = { ...inv.traffic, peakRps: peak, averageRps: Math.floor(peak / rng.int(1, 20)), growth: 10_000 };
    return `peak ${peak} rps`;
  },
  "many-secrets": (inv, rng) => {
    const service = rng.pick(apps(inv).length ? apps(inv) : inv.services);
    const kinds = ["API_KEY", "SECRET", "TOKEN", "PASSWORD", "DSN", "SETTING"];
    const names = Array.from({ length: 300 }, (_, i) => `${rng.pick(kinds)}_${String(i).padStart(3, "0")}`);
    service.env = [...new Set([...(service.env ?? []), ...names])];
    return `${service.name}: 300 env names`;
  },
  "odd-command": (inv, rng) => {
    const service = rng.pick(apps(inv).length ? apps(inv) : inv.services);
    service.command = rng.pick(ODD_COMMANDS);
    return `${service.name}: command ${service.command.slice(0, 40)}`;
  },
  protocols: (inv, rng) => {
    const service = rng.pick(apps(inv).length ? apps(inv) : inv.services);
    service.protocols = ["http", "websocket", "grpc", "smtp", "tcp"].filter(() => rng.next() < 0.6);
    if (!service.protocols.length) service.protocols = [rng.pick(["grpc", "websocket"])];
    service.longRunning = rng.next() < 0.5;
    if (!service.listen?.length) service.listen = [`127.0.0.1:${freePort(inv, rng)}`];
    return `${service.name}: ${service.protocols.join(",")}`;
  },
  "extra-databases": (inv, rng) => {
    const engines = ["postgresql", "mysql", "mariadb", "mongodb", "redis", "elasticsearch", "memcached", "sqlite"];
    const added = [];
    for (let i = rng.int(1, 4); i > 0; i--) {
      const engine = rng.pick(engines);
      const name = freshName(inv, rng, engine.replace(/[^a-z]/g, ""));
      const role = ["redis", "memcached"].includes(engine) ? "cache" : "database";
      inv.services.push({ name, role, software: engine, listen: [`127.0.0.1:${freePort(inv, rng)}`] });
      inv.data = [...(inv.data ?? []), { service: name, engine, sizeGiB: rng.int(0, 5000), backups: "daily" }];
      const user = apps(inv)[0];
      if (user) user.dependsOn = [...(user.dependsOn ?? []), name];
      added.push(name);
    }
    return `added ${added.join(", ")}`;
  },
  "llm-section": (inv, rng) => {
    const lo = rng.pick([0.05, 1, 30, 300]);
    inv.llm = {
      useCase: rng.pick(["summarise tickets", "x".repeat(500), "classify uploads; answer questions"]),
      latencySeconds: [lo, lo * rng.pick([1, 3, 100])],
      provider: rng.pick(["vertex-ai", "gemini-api", "openai", "anthropic", "other"]),
      requestsPerMinute: rng.pick([1, 600, 1_000_000]),
      ...(rng.next() < 0.5 ? { model: "m".repeat(100) } : {}),
    };
    return `llm ${inv.llm.provider} latency ${inv.llm.latencySeconds.join("-")} s, ${inv.llm.requestsPerMinute} calls a minute`;
  },
  "many-services": (inv, rng) => {
    const models = apps(inv).length ? apps(inv) : inv.services;
    const target = rng.int(40, 120);
    while (inv.services.length < target) {
      const copy = structuredClone(rng.pick(models));
      copy.name = freshName(inv, rng, copy.role);
      if (copy.listen?.length) copy.listen = [`127.0.0.1:${freePort(inv, rng)}`];
      delete copy.systemdUnit;
      inv.services.push(copy);
    }
    return `${inv.services.length} services`;
  },
  extremes: (inv, rng) => {
    inv.host = { ...inv.host, cpus: 1024, memoryGiB: 65_536, monthlyCostUsd: 10_000_000 };
    inv.deploy = { ...inv.deploy, durationMinutes: 10_000, perWeek: rng.pick([0, 10_000]) };
    inv.team = { ...inv.team, engineers: rng.pick([1, 10_000]), kubernetes: rng.next() < 0.5 };
    inv.metadata.name = `${"m".repeat(60)}-${rng.int(10, 99)}`;
    return "host, deploy, team and name at their limits";
  },
};

export const MUTATIONS = { ...VALID_MUTATIONS, ...INVALID_MUTATIONS };

/**
 * `count` mutations picked by the seed (or the ones named), applied to a copy: the mutated
 * inventory and what was done. A mutation that does not apply (nothing to drop) is skipped. A
 * breaking one comes last, so no later mutation moves the key path it broke.
 */
export function mutate(inventory, seed, { count = 2, only } = {}) {
  const rng = rngFor(seed);
  const inv = structuredClone(inventory);
  // One case in eight breaks its inventory, once (two breaks could undo each other).
  const names =
    only ??
    Array.from({ length: count }, (_, i) =>
      rng.pick(Object.keys(i === 0 && rng.next() < 0.125 ? INVALID_MUTATIONS : VALID_MUTATIONS)),
    );
  const ordered = [...names.filter((n) => !(n in INVALID_MUTATIONS)), ...names.filter((n) => n in INVALID_MUTATIONS)];
  const applied = [];
  for (const name of ordered) {
    if (!(name in MUTATIONS)) throw new Error(`unknown mutation ${name}; known: ${Object.keys(MUTATIONS).join(", ")}`);
    const done = MUTATIONS[name](inv, rng);
    if (done === undefined) continue;
    applied.push(typeof done === "string" ? { name, said: done } : { name, said: done.said, breaks: done.path });
  }
  return { inventory: inv, applied };
}
