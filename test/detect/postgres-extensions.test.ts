// A PostgreSQL image built with extensions names them in its name or tag; compose.ts records them
// on the database service (and the major version from a `pgNN` tag), so the design can say which
// ones Cloud SQL lacks.
import { describe, expect, it } from "vitest";
import { parseCompose } from "../../src/detect/compose.js";
import { imageExtensions, postgresTagVersion } from "../../src/detect/postgres-extensions.js";

describe("a PostgreSQL image's extensions", () => {
  it.each([
    ["ghcr.io/immich-app/postgres:14-vectorchord0.4.3-pgvectors0.2.0@sha256:bcf6", ["vchord", "vector", "vectors"]],
    ["docker.io/tensorchord/pgvecto-rs:pg14-v0.2.0", ["vectors"]],
    ["tensorchord/vchord-postgres:pg17-v0.4.3", ["vchord", "vector"]],
    ["pgvector/pgvector:pg16", ["vector"]],
    ["postgis/postgis:16-3.4", ["postgis"]],
    ["timescale/timescaledb:2.14.2-pg16", ["timescaledb"]],
    ["postgres:16.4-alpine", []],
    ["bitnami/postgresql:15", []],
  ])("%s → %j", (image, extensions) => {
    expect(imageExtensions(image)).toEqual(extensions);
  });

  it.each([
    ["pg16", "16"],
    ["2.14.2-pg16", "16"],
    ["pg14-v0.2.0", "14"],
    ["16.4-alpine", undefined],
    ["14-vectorchord0.4.3-pgvectors0.2.0", undefined],
  ])("the tag %s names PostgreSQL %s", (tag, version) => {
    expect(postgresTagVersion(tag)).toBe(version);
  });

  it("a compose database service of such an image is PostgreSQL with its extensions and major version", () => {
    const services = parseCompose(
      `services:
  database:
    image: ghcr.io/immich-app/postgres:14-vectorchord0.4.3-pgvectors0.2.0@sha256:bcf6
  vectors:
    image: tensorchord/pgvecto-rs:pg14-v0.2.0
  tsdb:
    image: timescale/timescaledb:2.14.2-pg16
  plain:
    image: postgres:16.4-alpine
`,
      "docker-compose.yml",
    );
    const by = Object.fromEntries(services.map((s) => [s.name, s]));
    expect(by.database).toMatchObject({ role: "database", software: "postgres", version: "14" });
    expect(by.database!.extensions).toEqual(["vchord", "vector", "vectors"]);
    expect(by.vectors).toMatchObject({
      role: "database",
      software: "postgres",
      version: "14",
      extensions: ["vectors"],
    });
    expect(by.tsdb).toMatchObject({ software: "postgres", version: "16", extensions: ["timescaledb"] });
    expect(by.plain).toMatchObject({ software: "postgres", version: "16.4" });
    expect(by.plain!.extensions).toBeUndefined();
  });
});
