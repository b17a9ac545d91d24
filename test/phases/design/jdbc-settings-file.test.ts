// A JVM app that reads its database from a properties file on its command line (Traccar's
// conf/traccar.xml, database.url = jdbc:mysql://localhost/traccar, with database.password): the
// file is a secret file mounted where the command reads it, and the plan says what its JDBC URL
// becomes on Cloud SQL. JDBC cannot open the unix socket: with the Cloud SQL Java connector in the
// build the URL names it (cloudSqlInstance, socketFactory), without it the app reaches the
// instance's private IP over Direct VPC egress, with no code change.
import { cp, mkdtemp, readFile, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import path from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import type { DeployTarget, Deployment } from "../../../src/contracts/deployment.js";
import { renderOffline, repoFor } from "../../helpers/offline-output.js";
import { ROOT } from "../../helpers/phase-input.js";

const TRACCAR = path.join(ROOT, "test/fixtures/real/traccar/inventory.yaml");
const dirs: string[] = [];
afterAll(() => Promise.all(dirs.map((d) => rm(d, { recursive: true, force: true }))));

async function plan(repoDir: string) {
  const out = await renderOffline(TRACCAR, repoDir);
  const design = out.results.design as { mapping: Array<{ appChanges: string[] }>; deployment: Deployment };
  const change = design.mapping.flatMap((m) => m.appChanges).find((c) => c.includes("database.url")) ?? "";
  const file = (rel: string) => String(out.artifacts.find((a) => a.path === rel)?.content ?? "");
  const target = design.deployment.services.find((t) => t.replaces.includes("traccar")) as DeployTarget;
  return { change, target, file, deployment: design.deployment };
}

describe("a JDBC URL in a JVM app's settings file (Traccar)", () => {
  it("is a secret file the command reads at its mount, never a DATABASE_URL the app does not read", async () => {
    const { target, file, deployment } = await plan(repoFor(TRACCAR)!);
    expect(deployment.secretFiles?.map((f) => [f.sourcePath, f.mountPath])).toEqual([
      ["/opt/traccar/conf/traccar.xml", "/secrets/traccar-xml/traccar.xml"],
    ]);
    expect(target.secrets).not.toContain("DATABASE_URL");
    expect(file("Dockerfile")).toContain('CMD ["java","-jar","app.jar","/secrets/traccar-xml/traccar.xml"]');
    expect(file("docs/migration/README.md")).not.toContain("which the image does not hold");
  });

  it("without the connector in the build, names the private IP and gives the service Direct VPC egress", async () => {
    const { change, target, file } = await plan(repoFor(TRACCAR)!);
    expect(change).toContain(
      "traccar reads its database from database.url in /opt/traccar/conf/traccar.xml (a secret file, mounted read-only), a JDBC URL naming the VM's database (localhost)",
    );
    expect(change).toContain("database.url set to jdbc:mysql://PRIVATE_IP:3306/DATABASE");
    expect(change).toContain("database.user and database.password");
    expect(target.cloudSqlPrivateIp).toEqual({ hostEnv: [], onlyEgress: true });
    expect(target.vpcEgress).toBe("private-ranges-only");
    expect(file("scripts/setup-database.sh")).toContain('--network="$NETWORK"');
    expect(file("docs/migration/README.md")).toContain(
      "database.url (a JDBC URL naming localhost on the VM) becomes jdbc:mysql://PRIVATE_IP:3306/DATABASE",
    );
  });

  it("with the connector in the build, names its socket factory and keeps the socket", async () => {
    const dir = await mkdtemp(path.join(tmpdir(), "jdbc-settings-"));
    dirs.push(dir);
    await cp(repoFor(TRACCAR)!, dir, { recursive: true });
    const gradle = await readFile(path.join(dir, "build.gradle"), "utf8");
    await writeFile(
      path.join(dir, "build.gradle"),
      gradle.replace(
        /dependencies\s*\{/,
        "dependencies {\n    implementation 'com.google.cloud.sql:mysql-socket-factory-connector-j-8:1.18.0'",
      ),
    );
    const { change, target } = await plan(dir);
    expect(change).toContain(
      "database.url set to jdbc:mysql:///DATABASE?cloudSqlInstance=traccar-prod:us-central1:tracker-server-db&socketFactory=com.google.cloud.sql.mysql.SocketFactory",
    );
    expect(target.cloudSqlPrivateIp).toBeUndefined();
  });
});
