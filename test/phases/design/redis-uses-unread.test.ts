// A Redis whose uses nothing read names (Immich's Valkey: the published image's BullMQ queues and
// socket.io adapter, with no env, settings or source on the VM saying so). init writes it
// `role: cache` with no usedFor, and marks that role assumed in the provenance; the design then does
// not claim "a cache survives a flush": it keeps the tier that loses nothing (Standard) and says
// Basic is enough only if it holds nothing but cache. A Redis whose uses are known, or whose role a
// person wrote, keeps its tier.
import path from "node:path";
import { describe, expect, it } from "vitest";
import type { DetectedFacts, DetectedService } from "../../../src/detect/types.js";
import { withDetectedFacts } from "../../../src/init/provenance.js";
import { designPhase } from "../../../src/phases/design/index.js";
import { designResultSchema } from "../../../src/phases/design/schema.js";
import { inputFromFile, ROOT } from "../../helpers/phase-input.js";
import { designInputFromYaml, withAudit } from "./design-input.js";

const found = (s: Partial<DetectedService> & { name: string }): DetectedService => ({
  role: "cache",
  software: "redis",
  listen: [],
  dependsOn: [],
  source: "/opt/app/docker-compose.yml",
  ...s,
});

describe("init marks the role of a Redis whose uses it could not read as assumed", () => {
  const services = [
    found({ name: "redis" }),
    found({ name: "sessions", usedFor: ["sessions"] }),
    found({ name: "queue", role: "broker", usedFor: ["broker"] }),
    found({ name: "memcached", software: "memcached" }),
  ];
  const facts: DetectedFacts = { dir: "/x", services, frameworks: [], evidence: [] };
  const answers = services.map(({ source: _s, line: _l, ...s }) => s);

  it("only the Redis with no use read gets `services[x].role: assumed`", () => {
    const { provenance } = withDetectedFacts({ services: answers }, { services: "detected" }, facts);
    const roles = Object.keys(provenance ?? {}).filter((k) => k.endsWith(".role"));
    expect(roles).toEqual(["services[redis].role"]);
    expect(provenance?.["services[redis].role"]).toEqual({ from: "assumed" });
    expect(provenance?.["services[redis]"]).toMatchObject({ from: "detected" });
  });

  it("a person's edit of the service is an answer, not a guess", () => {
    const edited = answers.map((s) => (s.name === "redis" ? { ...s, listen: ["127.0.0.1:6379"] } : s));
    const { provenance } = withDetectedFacts({ services: edited }, { services: "detected" }, facts);
    expect(provenance?.["services[redis].role"]).toBeUndefined();
  });
});

const inventory = (redis: string, provenance = "") => `apiVersion: infra-migrate/v1
kind: Inventory
metadata: { name: photos }
host: { hostname: vm, os: "Debian 12" }
services:
  - { name: nginx, role: reverse-proxy, software: nginx, listen: ["0.0.0.0:443"], dependsOn: [app] }
  - { name: app, role: web, software: node, runtime: node, listen: ["127.0.0.1:3000"], dependsOn: [redis, db] }
  - ${redis}
  - { name: db, role: database, software: postgres, version: "16" }
data:
  - { service: db, engine: postgres, version: "16", backups: daily }
deploy: { method: containers }
target: { project: photos-prod, region: us-central1, service: photos }
${provenance}`;
const ASSUMED = `provenance:
  services[redis]: { from: detected, file: /opt/app/docker-compose.yml }
  services[redis].role: { from: assumed }
`;

const redisOf = (yaml: string) => {
  const result = designResultSchema.parse(designPhase.offline(designInputFromYaml(yaml)));
  return {
    cache: result.deployment.caches!.find((c) => c.engine === "redis")!,
    row: result.mapping.find((m) => m.service === "redis")!,
  };
};

describe("the design's Memorystore tier for a Redis of unread uses", () => {
  it("uses unread: Standard tier, and the reason and a change say Basic fits only a cache alone", () => {
    const { cache, row } = redisOf(inventory("{ name: redis, role: cache, software: redis }", ASSUMED));
    expect(cache.tier).toBe("standard");
    expect(row.settings.tier).toBe("STANDARD_HA");
    expect(row.settings.uses).toBe("unknown uses (taken for a cache)");
    expect(row.reason).toContain("Nothing read names what redis holds");
    expect(row.reason).toContain("Basic is enough only if it holds nothing but cache");
    expect(row.reason).not.toContain("a cache survives a flush");
    const change = row.appChanges.find((c) => c.startsWith("Check what redis holds"))!;
    expect(change).toContain("set usedFor: [cache]");
    expect(row.appChanges.some((c) => c.startsWith("Tolerate a cold cache"))).toBe(false);
  });

  it.each([
    ["a role a person wrote (no provenance mark)", inventory("{ name: redis, role: cache, software: redis }")],
    ["uses read as cache only", inventory("{ name: redis, role: cache, software: redis, usedFor: [cache] }", ASSUMED)],
  ])("%s: Basic tier, a cache survives a flush", (_name, yaml) => {
    const { cache, row } = redisOf(yaml);
    expect(cache.tier).toBe("basic");
    expect(row.reason).toContain("Basic tier: a cache survives a flush");
    expect(row.appChanges.some((c) => c.startsWith("Check what redis holds"))).toBe(false);
  });

  it("a role a person changed to broker despite the stale mark: Standard tier as a broker, no doubt cast", () => {
    const { cache, row } = redisOf(inventory("{ name: redis, role: broker, software: redis }", ASSUMED));
    expect(cache.tier).toBe("standard");
    expect(row.reason).toContain("redis serves as task broker");
    expect(row.appChanges.some((c) => c.startsWith("Check what redis holds"))).toBe(false);
  });

  it("Immich's corpus inventory: its Valkey goes to Standard tier, and the decision claims no use", () => {
    const input = withAudit(inputFromFile(path.join(ROOT, "test/fixtures/real/immich/inventory.yaml")));
    const result = designPhase.offline(input);
    expect(result.deployment.caches?.find((c) => c.engine === "redis")?.tier).toBe("standard");
    const decision = result.decisions.find((x) => x.title === "Give every use of Redis a home on Memorystore")!;
    expect(decision.context).toContain("redis's uses are unknown (nothing read names them)");
    expect(decision.decision).toContain("Standard tier (replica, failover: its uses are unknown");
    expect(decision.decision).not.toContain("it holds jobs, sessions or results");
  });
});
