// Commands an app runs once, at boot or with each release, rather than as a process that stays up:
// a systemd Type=oneshot unit, a Procfile `release:` line, the commands the app's own container
// entrypoint runs before its server (Twenty's entrypoint.sh: setup-db.ts into an empty database,
// the migrations, `yarn command:prod upgrade`, `yarn command:prod cron:register:all`). Each kind
// has its own place in a move to Cloud Run:
// - database-setup: schemas or extensions an EMPTY database needs before its first
//   migration (the entrypoint guards it so); a job the deploy runs only when told the database is empty;
// - migration: the schema migrations, the deploy's migrate job (cicd/migrations.ts);
// - release: a per-release upgrade or setup step, after the migrations and before traffic moves;
// - registration: a step that records work in the new stores (repeatable jobs in the new Redis,
//   which Memorystore starts without), after the services are deployed;
// - seed: rows the app loads after its migrations (loaddata, db:seed, seed:run, db:seed:all); a
//   job after the migrations, with each release only when the tool is known to repeat safely
//   (image/seed-data.ts), else into an empty database only;
// - assets: static files built from the code (collectstatic, assets:precompile), the image's build;
// - unknown: anything else, an open decision that names the exact command.
// Rails: https://guides.rubyonrails.org/asset_pipeline.html, Heroku release phase:
// https://devcenter.heroku.com/articles/release-phase, Twenty's upgrade:
// https://twenty.com/developers/section/self-hosting/upgrade-guide

import type { DeployTarget } from "./deployment.js";

export type RunOnceKind = "database-setup" | "migration" | "seed" | "release" | "registration" | "assets" | "unknown";

/** The first rule that matches a command's words decides its kind: order matters. */
const RULES: Array<[Exclude<RunOnceKind, "unknown">, RegExp]> = [
  [
    "assets",
    /\bcollectstatic\b|\bassets:precompile\b|\bcompilemessages\b|\bcompress\b.*--offline|\bvite\s+build\b|\bwebpack\b/,
  ],
  // Seed data needs the tables the migrations make: never an empty database's setup before them.
  // Undoing or replanting seeds (sequelize db:seed:undo, rails db:seed:replant) empties tables: unknown.
  ["seed", /\bloaddata\b|\bdb:seed(?::all)?(?![:\w-])|\bseed:run\b/],
  ["database-setup", /\bsetup[-_:]?db\b|\bdb[-_:]setup\b|\binit[-_:]?db\b|\bcreate[-_:]?schemas?\b/],
  [
    "migration",
    /\bdb:(migrate|prepare)(?![:\w-])|\bmigrate\b(?![:-]?(make|create|generate|status|rollback|reset|fresh|undo|down))|\bmigration:run\b|\b(alembic|db)\s+upgrade\b/,
  ],
  ["registration", /\bregister\b|periodic[-_]tasks?\b/],
  ["release", /\bupgrade\b|\bpost[-_]?deploy\b|\bupdate[-_:]?db\b/],
];

/** Installing packages is the image's build, never a step of the app (`pip install --upgrade pip`). */
const INSTALL =
  /\b(pip3?|apt(-get)?|apk|dnf|yum)\s+(install|upgrade)\b|\b(npm|yarn|pnpm|composer|bundle)\s+(ci|install)\b/;

/** The kind of a run-once command (its words as written, any path or runner). */
export function runOnceKind(command: string): RunOnceKind {
  if (INSTALL.test(command)) return "unknown";
  return RULES.find(([, pattern]) => pattern.test(command))?.[0] ?? "unknown";
}

/** The suffix of the Cloud Run job each kind that runs as one gets (`twenty-release`). */
export const RUN_ONCE_SUFFIX: Partial<Record<RunOnceKind, string>> = {
  "database-setup": "setup",
  migration: "migrate",
  seed: "seed",
  release: "release",
  registration: "register",
};

/** `OWNER-SUFFIX`, the owner's name trimmed so it stays a valid Cloud Run name (49 characters). */
export function runOnceJobName(owner: string, suffix: string): string {
  return `${owner.slice(0, 49 - suffix.length - 1).replace(/-+$/, "")}-${suffix}`;
}

/** Where each kind runs, for the plan and the design's text. */
export const RUN_ONCE_PLACE: Record<RunOnceKind, string> = {
  "database-setup": "before the first migration, into an empty database only",
  migration: "with the schema migrations, before anything deploys",
  seed: "after the migrations: with each release when the tool repeats it safely, else into an empty database only",
  release: "with each release, after the migrations and before any new revision takes traffic",
  registration: "with each release, once the services are deployed (it records work in the new stores)",
  assets: "in the image's build (static files come from the code)",
  unknown: "nowhere yet: an open decision",
};

/**
 * The processes that wait for a run-once command to finish each time they start (their dependsOn
 * names it: a compose service `depends_on` it with `condition: service_completed_successfully`), so
 * the VM runs it again with every start of theirs, that is with every release.
 */
export function waitingFor<T extends { name: string; dependsOn?: readonly string[]; runsOnce?: true }>(
  name: string,
  services: readonly T[],
): string[] {
  return services.filter((s) => s.name !== name && !s.runsOnce && s.dependsOn?.includes(name)).map((s) => s.name);
}

/** The sentence that says so, for an open decision's text; "" when nothing waits. */
export function waitingText(waiting: readonly string[]): string {
  if (!waiting.length) return "";
  const names = waiting.length === 1 ? waiting[0]! : `${waiting.slice(0, -1).join(", ")} and ${waiting.at(-1)!}`;
  return `${names} wait${waiting.length === 1 ? "s" : ""} for it to finish each time ${waiting.length === 1 ? "it starts" : "they start"}, so the VM runs it with every release today`;
}

/**
 * The target whose image, settings, secrets and Cloud SQL connection the migrate job and every
 * run-once job borrow: the first API that reaches Cloud SQL (it owns the schema), else the first
 * API. The design names the jobs after it and the deploy creates them from it, so both ask here.
 * A held owner (held-targets.ts) holds its jobs with it: they run its code on its schema, and
 * another API's image may not hold that code at all.
 */
export function runOnceOwner<T extends Pick<DeployTarget, "kind" | "cloudSqlInstance">>(
  services: readonly T[],
): T | undefined {
  return services.find((s) => s.kind === "api" && s.cloudSqlInstance) ?? services.find((s) => s.kind === "api");
}
