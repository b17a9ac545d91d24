// A Java app reaches Cloud SQL through the Cloud SQL Java connector named in its JDBC URL: the
// mapping names the build files to add it to (Spring Petclinic's pom.xml and build.gradle), and
// says so when the build already has it instead of asking for it again.
import { cp, mkdtemp, readFile, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import path from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { renderOffline, repoFor } from "../../helpers/offline-output.js";
import { ROOT } from "../../helpers/phase-input.js";

const PETCLINIC = path.join(ROOT, "test/fixtures/real/spring-petclinic/inventory.yaml");
const ARTIFACT = "mysql-socket-factory-connector-j-8";
const dirs: string[] = [];
afterAll(() => Promise.all(dirs.map((d) => rm(d, { recursive: true, force: true }))));

async function javaChange(repoDir: string): Promise<string> {
  const out = await renderOffline(PETCLINIC, repoDir);
  const mapping = (out.results.design as { mapping: Array<{ appChanges: string[] }> }).mapping;
  return mapping.flatMap((m) => m.appChanges).find((c) => c.includes("connects with JDBC")) ?? "";
}

describe("Spring Petclinic (JDBC, MySQL)", () => {
  it("names the build files the connector goes into", async () => {
    expect(await javaChange(repoFor(PETCLINIC)!)).toContain(
      `add the Cloud SQL Java connector (com.google.cloud.sql:${ARTIFACT}, its current release) to pom.xml and build.gradle`,
    );
  });

  it("says the build already has it when pom.xml names it", async () => {
    const dir = await mkdtemp(path.join(tmpdir(), "java-connector-"));
    dirs.push(dir);
    await cp(repoFor(PETCLINIC)!, dir, { recursive: true });
    const pom = await readFile(path.join(dir, "pom.xml"), "utf8");
    const dependency = `<dependency><groupId>com.google.cloud.sql</groupId><artifactId>${ARTIFACT}</artifactId></dependency>`;
    await writeFile(path.join(dir, "pom.xml"), pom.replace("<dependencies>", `<dependencies>${dependency}`));
    const change = await javaChange(dir);
    expect(change).toContain(`pom.xml and build.gradle already have the Cloud SQL Java connector`);
    expect(change).not.toContain("add the Cloud SQL Java connector");
  });
});
