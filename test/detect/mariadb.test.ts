// MariaDB is MariaDB: from its unit (mariadbd), its aliases (mysql.service → mariadb.service), its
// socket, or the package database when it still runs as `mysqld`; then through audit and design.
import { mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import path from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { classifyCommand } from "../../src/detect/command.js";
import { detectRepo } from "../../src/detect/detect-repo.js";
import { listHostFiles, readHostFacts } from "../../src/detect/host.js";
import { applyHostPackages, readHostPackages, upstreamVersion } from "../../src/detect/host-packages.js";
import type { ServiceFinding } from "../../src/detect/types.js";
import { auditOffline } from "../../src/phases/audit/offline.js";
import { designPhase } from "../../src/phases/design/index.js";
import { designResultSchema } from "../../src/phases/design/schema.js";
import { checkGcloud, findGcloud } from "../helpers/gcloud-check.js";
import { inputFromYaml } from "../helpers/phase-input.js";
import { splitCommand } from "../../src/detect/command.js";
import { designInputFromYaml } from "../phases/design/design-input.js";

const HOST = path.resolve(import.meta.dirname, "../fixtures/hosts/vm-mariadb");
const noGit = async () => undefined;
let empty: string | undefined;
afterAll(async () => {
  if (empty) await rm(empty, { recursive: true, force: true });
});

describe("MariaDB on a host", () => {
  it.each([
    ["/usr/sbin/mariadbd $MYSQLD_OPTS", "mariadb"],
    ["/usr/bin/mariadbd-safe", "mariadb"],
    ["/usr/sbin/mysqld", "mysql"],
  ])("classifies %s as %s", (command, software) => {
    expect(classifyCommand(command)).toMatchObject({ software, role: "database" });
  });

  it("lists the server once although Debian links mysql.service and mysqld.service to mariadb.service", async () => {
    const units = (await listHostFiles(HOST)).map((f) => f.file).filter((f) => /maria|mysql/.test(f));
    expect(units).toEqual(["etc/systemd/system/multi-user.target.wants/mariadb.service"]);
  });

  it("reads the installed server packages, not removed ones", async () => {
    const host = await readHostPackages(HOST);
    expect([...host.packages.keys()].sort()).toEqual([
      "mariadb-server",
      "mariadb-server-core",
      "nginx",
      "redis-server",
    ]);
    expect(host.source).toBe("/var/lib/dpkg/status");
  });

  it.each([
    ["1:10.11.6-0+deb12u1", "mariadb", "10.11"],
    ["8.0.36-0ubuntu0.22.04.1", "mysql", "8.0"],
    ["15.10-0+deb12u1", "postgres", "15"],
    ["5:7.0.15-1~deb12u1", "redis", "7.0"],
    ["10.11.6-MariaDB", "mariadb", "10.11"],
    ["unknown", "nginx", undefined],
  ])("upstreamVersion(%s, %s) = %s", (version, software, expected) => {
    expect(upstreamVersion(version, software)).toBe(expected);
  });

  it("a mysqld that is MariaDB by its version string or its package becomes mariadb, with the version", () => {
    const finding = (): ServiceFinding => ({
      name: "mysql",
      role: "database",
      software: "mysql",
      listen: ["127.0.0.1:3306"],
      source: "ss -ltnp",
    });
    const byVersion = [finding()];
    const evidence: { file: string; found: string }[] = [];
    applyHostPackages(
      byVersion,
      {
        packages: new Map(),
        databaseVersion: { text: "10.3.39-MariaDB", source: "/var/lib/mysql/mysql_upgrade_info" },
      },
      evidence,
    );
    expect(byVersion[0]).toMatchObject({ name: "mariadb", software: "mariadb", version: "10.3" });
    expect(evidence[0]).toEqual({
      file: "/var/lib/mysql/mysql_upgrade_info",
      found: "mysqld is MariaDB (10.3.39-MariaDB)",
    });

    const byPackage = [finding()];
    applyHostPackages(
      byPackage,
      { packages: new Map([["mariadb-server-10.3", "1:10.3.39-0+deb10u2"]]), source: "/var/lib/dpkg/status" },
      [],
    );
    expect(byPackage[0]).toMatchObject({ software: "mariadb", version: "10.3" });

    // Oracle MySQL installed: mysqld stays MySQL.
    const mysql = [finding()];
    applyHostPackages(mysql, { packages: new Map([["mysql-server-8.0", "8.0.36-0ubuntu0.22.04.1"]]), source: "x" }, []);
    expect(mysql[0]).toMatchObject({ software: "mysql", version: "8.0" });
  });

  it("detectRepo on a Debian 12 disk: MariaDB with its unit and version, one database, os through the os-release link", async () => {
    empty = await mkdtemp(path.join(tmpdir(), "im-empty-repo-"));
    const facts = await detectRepo(empty, {
      readRemote: noGit,
      host: {
        root: HOST,
        readListeners: async () => 'LISTEN 0 80 127.0.0.1:3306 0.0.0.0:* users:(("mariadbd",pid=1,fd=2))',
      },
    });
    const databases = facts.services.filter((s) => s.role === "database");
    expect(databases).toEqual([
      expect.objectContaining({
        name: "mariadb",
        software: "mariadb",
        version: "10.11",
        systemdUnit: "mariadb.service",
        listen: ["127.0.0.1:3306"],
      }),
    ]);
    expect(facts.database).toMatchObject({ engine: "mariadb", version: "10.11" });
    expect(facts.services.find((s) => s.name === "redis-server")).toMatchObject({ version: "7.0" });
    expect((await readHostFacts(HOST)).os).toBe("Debian GNU/Linux 12 (bookworm)");
  });
});

const withDb = (software: string, version: string) => `
apiVersion: infra-migrate/v1
kind: Inventory
metadata: { name: shop }
services:
  - { name: web, role: web, software: gunicorn, listen: ["127.0.0.1:8000"], dependsOn: [db] }
  - { name: db, role: database, software: ${software}, version: "${version}", listen: ["127.0.0.1:3306"] }
data: [{ service: db, engine: ${software}, version: "${version}", backups: daily }]
target: { project: shop-prod-1, region: us-central1, github: acme/shop }
`;

describe("MariaDB through audit and design", () => {
  it.each([
    ["10.5", true],
    ["10.6", true],
    ["10.11", false],
    ["11.2", true],
    ["11.4", false],
  ])("audit: MariaDB %s out of maintenance: %s", (version, ended) => {
    const titles = auditOffline(inputFromYaml(withDb("mariadb", version))).risks.map((r) => r.title);
    expect(titles.some((t) => /end of life/.test(t))).toBe(ended);
  });

  it("design: Cloud SQL for MySQL 8.0 (never MYSQL_10_11), a dump-and-import runbook instead of DMS, and the note", () => {
    const r = designResultSchema.parse(designPhase.offline(designInputFromYaml(withDb("mariadb", "10.11"))));
    expect(r.deployment.database).toMatchObject({ engine: "mysql", databaseVersion: "MYSQL_8_0" });
    expect(r.assumptions.join("\n")).toMatch(
      /Cloud SQL has no MariaDB; MariaDB 10.11 moves to Cloud SQL for MySQL 8.0/,
    );
    expect(r.mapping.find((m) => m.service === "db")!.reason).toMatch(/closest engine to MariaDB 10.11/);
    const steps = JSON.stringify(r.runbook.database);
    expect(steps).toMatch(/gcloud sql import sql shop-prod-db gs:\/\/BUCKET\/dump.sql/);
    expect(steps).not.toMatch(/set-gtid-purged|binary logging/);
  });

  it.skipIf(!findGcloud())(
    "design: the real gcloud parses the MariaDB runbook's commands",
    async () => {
      const r = designResultSchema.parse(designPhase.offline(designInputFromYaml(withDb("mariadb", "10.11"))));
      const calls = r.runbook.database
        .flatMap((step) => step.commands)
        .filter((c) => c.startsWith("gcloud "))
        .map((c) => ({ argv: splitCommand(c).slice(1), source: "runbook.database" }));
      expect(calls.length).toBe(3);
      expect((await checkGcloud(calls)).findings).toEqual([]);
    },
    60_000,
  );

  it.each([
    ["8.0", "MYSQL_8_0"],
    ["8.4", "MYSQL_8_4"],
    ["5.7", "MYSQL_5_7"],
    ["9.9", "MYSQL_8_0"],
  ])("design: MySQL %s → %s", (version, expected) => {
    const r = designResultSchema.parse(designPhase.offline(designInputFromYaml(withDb("mysql", version))));
    expect(r.deployment.database!.databaseVersion).toBe(expected);
  });
});
