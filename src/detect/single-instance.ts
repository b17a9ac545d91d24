// Apps whose own documentation says they run as one process only: more instances would run their
// in-process scheduler twice and serve from caches the other instance never sees. Known by the name
// the app's manifest gives itself; each entry cites the doc. The design caps them at one instance.
import type { AppContext, Ecosystem } from "./app-context.js";
import type { Evidence, ServiceFinding } from "./types.js";

const SINGLE_INSTANCE: { ecosystem: Ecosystem; name: string; why: string }[] = [
  {
    ecosystem: "node",
    name: "ghost",
    // TryGhost/docs content/concepts/server-recommendations.md, "Optimising for scale".
    why: 'Ghost\'s docs: "The correct way to scale Ghost is by adding a CDN and/or caching layer in front of your Ghost instance. Clustering or sharding is not supported in any way." (its scheduler and caches live in the one process)',
  },
];

/**
 * Go libraries that run timed jobs inside the program that imports them (cron expressions, intervals):
 * robfig/cron, go-co-op/gocron, gdgvda/cron (a robfig fork), reugn/go-quartz, madflojo/tasks.
 */
const GO_SCHEDULERS =
  /^github\.com\/(robfig\/cron|go-co-op\/gocron|gdgvda\/cron|reugn\/go-quartz|madflojo\/tasks|jasonlvhit\/gocron)(\/v\d+)?$/;
const OTHER_PROCESS_ROLES = new Set(["worker", "scheduler", "cron"]);

/**
 * A Go app whose one web binary imports a job scheduler (go.mod requires it directly) and that runs
 * no worker or scheduler process of its own on the VM: its timed work (listmonk's campaign queue
 * scan, its vacuum and cache jobs) runs inside that web process. A second instance would run every
 * job again, and an instance with no request would run none with its CPU throttled: one instance,
 * always on, unless the app is split.
 */
export function markInProcessScheduler(findings: ServiceFinding[], app: AppContext, evidence: Evidence[]): void {
  const scheduler = [...(app.goDirect ?? [])].find((m) => GO_SCHEDULERS.test(m));
  if (!scheduler || findings.some((f) => OTHER_PROCESS_ROLES.has(f.role) && f.runtime)) return;
  const web = findings.filter((f) => f.role === "web" && f.runtime === "go" && !f.singleInstance);
  if (web.length !== 1) return;
  const why = `go.mod requires ${scheduler}, and no worker or scheduler process runs beside the web binary: its scheduled jobs run inside it, so a second instance would run each of them again, and they need CPU between requests`;
  web[0]!.singleInstance = why;
  evidence.push({ file: "go.mod", found: `${web[0]!.name} runs as one instance only: ${why}` });
}

/** Marks the app's web processes its docs keep at one instance, and says so as evidence. */
export function markSingleInstance(findings: ServiceFinding[], app: AppContext, evidence: Evidence[]): void {
  for (const known of SINGLE_INSTANCE) {
    if (!(app.appNames?.[known.ecosystem] ?? []).includes(known.name)) continue;
    const web = findings.filter((f) => f.role === "web" && f.runtime === known.ecosystem);
    for (const f of web) f.singleInstance = known.why;
    if (web.length)
      evidence.push({
        file: "dependencies",
        found: `${known.name} runs as one instance only (${web.map((f) => f.name).join(", ")}): ${known.why}`,
      });
  }
}
