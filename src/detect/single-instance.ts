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
