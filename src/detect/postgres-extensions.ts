// The extensions a PostgreSQL server image ships, read from its name and tag: images built for one
// extension say it there (pgvector/pgvector:pg16, tensorchord/pgvecto-rs:pg14-v0.2.0,
// postgis/postgis:16-3.4, timescale/timescaledb:2.14.2-pg16, Immich's
// ghcr.io/immich-app/postgres:14-vectorchord0.4.3-pgvectors0.2.0). The app's schema uses them (a
// vector column, an index method), so a managed database without them cannot take its dump.

/** Words of an image reference → the `CREATE EXTENSION` name each stands for, in a stable order. */
const MARKERS: [RegExp, string[]][] = [
  // VectorChord (vchord) needs pgvector's types: its images carry both.
  [/vectorchord|vchord/, ["vchord", "vector"]],
  [/pgvecto-?rs|pgvectors/, ["vectors"]],
  [/pgvector(?!s)/, ["vector"]],
  [/postgis/, ["postgis"]],
  [/timescale/, ["timescaledb"]],
];

/** The image names of PostgreSQL builds with extensions (compose.ts takes them for the database). */
export const POSTGRES_EXTENSION_IMAGES = /^(pgvector|pgvecto-rs|vchord-postgres|vectorchord|timescaledb(-ha)?)$/;

/** `ghcr.io/immich-app/postgres:14-vectorchord0.4.3-pgvectors0.2.0@sha256:…` → ["vchord", "vector", "vectors"]. */
export function imageExtensions(image: string): string[] {
  const reference = image.split("@")[0]!.toLowerCase();
  const found = MARKERS.filter(([re]) => re.test(reference)).flatMap(([, names]) => names);
  return [...new Set(found)];
}

/**
 * The PostgreSQL major an image's tag names: `pg16` where the tag says it (an extension's own
 * version leads: 2.14.2-pg16), else its leading number (16.4-alpine, 14-vectorchord0.4.3).
 */
export function postgresTagVersion(tag: string): string | undefined {
  return /(?:^|[-_.])pg(\d{2})(?=$|[-_.])/.exec(tag)?.[1];
}
