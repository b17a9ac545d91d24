// Sessions kept inside one instance: on the VM one process tree serves every request, so sessions
// in local files or process memory (Laravel's file driver, Symfony's file handler, express-session's MemoryStore, Django's
// file engine or a local-memory cache, Rails' :cache_store on a file cache, Flask-Session's
// filesystem type, Spring's in-memory HttpSession) always find their user. Cloud Run serves with several
// instances and one user's requests land on any of them; session affinity is best effort only
// (https://cloud.google.com/run/docs/configuring/session-affinity): an instance that stops, scales
// in or is full sends the user elsewhere, where the session and its CSRF token do not exist.
import type { AuditRule } from "./rules.js";
import { PER_INSTANCE_STORES, type Service } from "../../inventory/schema.js";

export const SESSION_RISK_TITLE = "Sessions are kept inside one server";

const WHERE: Record<string, string> = {
  file: "in files on the server's disk",
  memory: "in the server process's memory",
  "cache-local": "in a cache local to each server process",
};

export function perInstanceSessions(services: readonly Service[]): Service[] {
  return services.filter((s) => s.role === "web" && s.sessionStore && PER_INSTANCE_STORES.has(s.sessionStore));
}

export const perInstanceSessionsRisk: AuditRule = (inv) => {
  const web = perInstanceSessions(inv.services);
  if (web.length === 0) return undefined;
  return {
    title: `${SESSION_RISK_TITLE}: users are logged out at random once more than one instance serves`,
    category: "scalability",
    severity: "high",
    likelihood: "likely",
    // Seen as soon as a second instance starts (traffic, a deploy's new revision); the fix is a
    // setting and, for a database store, a sessions table: hours, once someone links the reports.
    mttrMinutes: { min: 60, max: 1440 },
    businessImpact:
      "Once a second instance serves, users are logged out at random, forms fail their CSRF check " +
      "(Laravel's 419 Page Expired, Symfony's \"Invalid CSRF token\", Django's and Spring Security's 403, Rails' InvalidAuthenticityToken) and carts or half-filled wizards vanish; it looks like " +
      "a flaky login, so support hears it from customers before anyone finds the cause.",
    evidence: web.map((s) => `services.${s.name}.sessionStore: ${s.sessionStore} (${WHERE[s.sessionStore!]})`),
    mitigation:
      "Keep sessions in a store every instance shares: Redis (Memorystore) or the database " +
      "(Laravel SESSION_DRIVER=redis or database, Symfony's handler_id on a Redis or database URL, PHP's session.save_handler = redis, Django's cached_db or db engine, connect-redis or " +
      "connect-pg-simple for express-session, Rails' cookie store or a Redis cache, Flask-Session's redis or " +
      "sqlalchemy type, Spring Session). Session affinity only lowers the odds; it is not the fix.",
    affects: web.map((s) => s.name),
    growthSensitive: true,
  };
};
