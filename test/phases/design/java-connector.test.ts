// A Java app connects with JDBC, which cannot open the unix socket Cloud Run mounts. Without the
// Cloud SQL Java connector in its build (Spring Petclinic as it is) it reaches the instance's
// private IP over Direct VPC egress, with no code change: setup-database.sh stores a plain JDBC URL
// of that IP. A build that already has the connector keeps the socket (its URL names the factory).
import { cp, mkdtemp, readFile, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import path from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import type { DeployTarget, Deployment } from "../../../src/contracts/deployment.js";
import { renderOffline, repoFor } from "../../helpers/offline-output.js";
import { ROOT } from "../../helpers/phase-input.js";

const PETCLINIC = path.join(ROOT, "test/fixtures/real/spring-petclinic/inventory.yaml");
const ARTIFACT = "mysql-socket-factory-connector-j-8";
const dirs: string[] = [];
afterAll(() => Promise.all(dirs.map((d) => rm(d, { recursive: true, force: true }))));

interface Planned {
  change: string;
  targets: DeployTarget[];
  file: (rel: string) => string;
}

async function plan(repoDir: string): Promise<Planned> {
  const out = await renderOffline(PETCLINIC, repoDir);
  const design = out.results.design as { mapping: Array<{ appChanges: string[] }>; deployment: Deployment };
  const change = design.mapping.flatMap((m) => m.appChanges).find((c) => c.includes("connects with JDBC")) ?? "";
  const file = (rel: string) => String(out.artifacts.find((a) => a.path === rel)?.content ?? "");
  return { change, targets: design.deployment.services, file };
}

describe("Spring Petclinic (JDBC, MySQL)", () => {
  it("without the connector in its build, reaches the private IP with no code change", async () => {
    const { change, targets, file } = await plan(repoFor(PETCLINIC)!);
    expect(change).toContain(`build has no Cloud SQL Java connector (com.google.cloud.sql:${ARTIFACT})`);
    expect(change).toContain("reaches Cloud SQL over the instance's private IP instead, with no code change");
    expect(change).not.toContain("add the Cloud SQL Java connector");
    const onSql = targets.filter((t) => t.cloudSqlInstance);
    expect(onSql.length).toBeGreaterThan(0);
    for (const t of onSql) {
      expect(t.cloudSqlPrivateIp, t.name).toBeDefined();
      expect(t.vpcEgress, t.name).toBe("private-ranges-only");
      // Hikari retries its first connection while the new instance's VPC path comes up.
      expect(t.env?.SPRING_DATASOURCE_HIKARI_INITIALIZATIONFAILTIMEOUT, t.name).toBe("180000");
    }
    expect(file(".github/workflows/deploy.yml")).toContain("SPRING_DATASOURCE_HIKARI_INITIALIZATIONFAILTIMEOUT=180000");
    const db = file("scripts/setup-database.sh");
    expect(db).toContain(`printf '%s jdbc:mysql://%s:3306/%s?user=%s&password=%s\\n' "$secret" "$PRIVATE_IP"`);
    expect(db).toContain('--network="$NETWORK"');
    expect(db).not.toContain("socketFactory=");
    expect(file("scripts/setup-network.sh")).toContain("servicenetworking.googleapis.com");
    expect(file("scripts/setup-wif.sh")).toContain("--role=roles/cloudsql.viewer");
    expect(file(".github/workflows/deploy.yml")).toMatch(/gcloud sql instances describe \S+ .*type=PRIVATE/);
  });

  it("says the build already has it when pom.xml names it", async () => {
    const dir = await mkdtemp(path.join(tmpdir(), "java-connector-"));
    dirs.push(dir);
    await cp(repoFor(PETCLINIC)!, dir, { recursive: true });
    const pom = await readFile(path.join(dir, "pom.xml"), "utf8");
    const dependency = `<dependency><groupId>com.google.cloud.sql</groupId><artifactId>${ARTIFACT}</artifactId></dependency>`;
    await writeFile(path.join(dir, "pom.xml"), pom.replace("<dependencies>", `<dependencies>${dependency}`));
    const { change, targets, file } = await plan(dir);
    expect(change).toContain(`pom.xml and build.gradle already have the Cloud SQL Java connector`);
    expect(change).not.toContain("private IP");
    // The connector opens the socket: no private IP, no network for the database.
    expect(targets.filter((t) => t.cloudSqlPrivateIp)).toEqual([]);
    expect(targets.filter((t) => t.env?.SPRING_DATASOURCE_HIKARI_INITIALIZATIONFAILTIMEOUT)).toEqual([]);
    expect(file("scripts/setup-database.sh")).toContain("socketFactory=com.google.cloud.sql.mysql.SocketFactory");
    expect(file("scripts/setup-database.sh")).not.toContain("--network=");
  });
});
