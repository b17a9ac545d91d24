// Sessions and caches kept inside one instance, on the real apps: each app's risks and fixes match
// what its own settings say (truth.yaml and README name the files). BookStack keeps both in files
// (its documented default); Maybe's Rails.cache is the file store unless CACHE_REDIS_URL is set;
// Pixelfed and Mastodon already keep them in Redis, Redash and Spring PetClinic keep no sessions on
// the server: no risk may be raised for them.
import { existsSync } from "node:fs";
import path from "node:path";
import { describe, expect, it } from "vitest";
import { designPhase } from "../../../src/phases/design/index.js";
import { auditOffline } from "../../../src/phases/audit/offline.js";
import { inputFromFile, ROOT } from "../../helpers/phase-input.js";
// @ts-expect-error plain JS shared with the benchmark
import { loadCorpus } from "../../../bench/fidelity-score.mjs";

const CORPUS = path.join(ROOT, "test/fixtures/real");
const corpus: { app: string; dir: string; truth: { from: string } }[] = existsSync(CORPUS)
  ? await loadCorpus(CORPUS)
  : [];

function designFor(app: string) {
  const entry = corpus.find((a) => a.app === app)!;
  const base = {
    ...inputFromFile(path.join(entry.dir, "inventory.yaml")),
    repoDir: path.join(entry.dir, entry.truth.from),
  };
  const audit = auditOffline(base);
  const design = designPhase.offline({ ...base, upstream: { audit } });
  const risk = (prefix: string) => audit.risks.find((r) => r.title.startsWith(prefix));
  return {
    sessionRisk: risk("Sessions are kept inside one server"),
    cacheRisk: risk("The cache that holds rate limits and locks"),
    target: (process: string) => design.deployment.services.find((t) => t.replaces.includes(process))!,
    changes: (process: string) => design.mapping.find((m) => m.service === process)?.appChanges ?? [],
    caches: design.deployment.caches ?? [],
  };
}

describe("sessions and caches inside one instance, on the real apps", () => {
  it("BookStack: both risks; the deploy sets SESSION_DRIVER and the CACHE_DRIVER its app/Config/cache.php reads", () => {
    const d = designFor("bookstack");
    expect(d.sessionRisk?.affects).toEqual(["php8-2-fpm"]);
    expect(d.cacheRisk).toMatchObject({ severity: "high", affects: ["php8-2-fpm", "bookstack-queue"] });
    for (const process of ["php8-2-fpm", "bookstack-queue"]) {
      expect(d.target(process).env).toMatchObject({ CACHE_DRIVER: "database" });
      // BookStack reads CACHE_DRIVER (Laravel 10's name), not 11's CACHE_STORE.
      expect(d.target(process).env?.CACHE_STORE).toBeUndefined();
    }
    expect(d.changes("php8-2-fpm").some((c) => c.includes("cache_locks"))).toBe(true);
  });

  it("Maybe: the Rails cache risk (rate limits), fixed by setting CACHE_REDIS_URL, which its production.rb reads", () => {
    const d = designFor("maybe");
    expect(d.sessionRisk).toBeUndefined();
    expect(d.cacheRisk).toMatchObject({ severity: "medium", affects: ["maybe-web", "maybe-worker"] });
    expect(d.changes("maybe-web").some((c) => c.includes("set CACHE_REDIS_URL to the Redis URL of Memorystore"))).toBe(
      true,
    );
    // Sidekiq's queues already make that Redis Standard tier.
    expect(d.caches.map((c) => c.tier)).toEqual(["standard"]);
  });

  it.each(["pixelfed", "mastodon", "redash", "spring-petclinic", "netbox", "paperless-ngx", "outline", "listmonk"])(
    "%s: its sessions and cache are shared already, or not kept on the server: no risk",
    (app) => {
      const d = designFor(app);
      expect(d.sessionRisk).toBeUndefined();
      expect(d.cacheRisk).toBeUndefined();
    },
  );

  it("Pixelfed: sessions and cache on Redis keep that Memorystore Standard tier", () => {
    expect(designFor("pixelfed").caches.map((c) => c.tier)).toEqual(["standard"]);
  });
});
