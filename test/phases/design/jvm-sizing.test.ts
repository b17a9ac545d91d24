// A JVM web process (a Spring Boot jar, Metabase's java -jar metabase.jar) on Cloud Run: its memory
// limit leaves the JVM room beyond the heap the VM's command gives it (-Xmx), and it keeps one warm
// instance, since a cold JVM takes tens of seconds to minutes to answer.
import { describe, expect, it } from "vitest";
import { jvmHeapMiB } from "../../../src/phases/design/rules/compute.js";
import { designPhase } from "../../../src/phases/design/index.js";
import { designResultSchema, type DesignResult } from "../../../src/phases/design/schema.js";
import { designInputFromYaml } from "./design-input.js";

function design(command: string, runtime: string, businessHours?: string): DesignResult {
  const yaml = `apiVersion: infra-migrate/v1
kind: Inventory
metadata: { name: bi }
host: { hostname: vm, os: "Ubuntu 22.04" }
services:
  - name: app
    role: web
    software: ${runtime === "java" ? "java" : "node"}
    runtime: ${runtime}
    command: ${command}
    listen: ["127.0.0.1:3000"]
    dependsOn: [db]
    longRunning: true
  - { name: db, role: database, software: postgres, listen: ["127.0.0.1:5432"] }
data:
  - { service: db, engine: postgres, version: "16", sizeGiB: 5, backups: daily }
deploy: { method: ssh-systemctl }
traffic: { growth: 2 }
target: { project: bi-prod, region: europe-west1, service: bi${businessHours ? `, businessHours: "${businessHours}"` : ""} }
`;
  return designResultSchema.parse(designPhase.offline(designInputFromYaml(yaml)));
}

describe("jvmHeapMiB", () => {
  it.each<[string, number | undefined]>([
    ["/usr/bin/java -Xmx2g -jar app.jar", 2048],
    ["java -Xms512m -Xmx1536m -jar app.jar", 1536],
    ["java -Xmx4G -jar app.jar", 4096],
    ["java -Xmx1048576k -jar app.jar", 1024],
    ["java -jar app.jar", undefined],
    ["java -XX:MaxRAMPercentage=75 -jar app.jar", undefined],
  ])("%s → %s", (command, mib) => expect(jvmHeapMiB(command)).toBe(mib));
});

describe("a JVM web process on Cloud Run", () => {
  const api = (r: DesignResult) => r.deployment.services.find((t) => t.replaces.includes("app"))!;

  it.each<[string, string, string]>([
    ["java -jar /opt/bi/app.jar", "2Gi", "1"],
    ["java -Xmx2g -jar /opt/bi/app.jar", "3Gi", "1"],
    ["java -Xmx512m -jar /opt/bi/app.jar", "2Gi", "1"],
    // Past 4 GiB per vCPU Cloud Run needs more CPU.
    ["java -Xmx6g -jar /opt/bi/app.jar", "7Gi", "2"],
  ])("%s gets %s and %s vCPU", (command, memory, cpu) => {
    const t = api(design(command, "java"));
    expect(t.memory).toBe(memory);
    expect(t.cpu).toBe(cpu);
  });

  it("says why the limit sits above the VM's heap", () => {
    const r = design("java -Xmx2g -jar /opt/bi/app.jar", "java");
    const entry = r.mapping.find((m) => m.service === "app")!;
    expect((entry.appChanges ?? []).join(" ")).toMatch(/heap of 2 GiB \(-Xmx\): 3Gi leaves the JVM/);
  });

  it("keeps one instance warm around the clock, even with business hours, and says why", () => {
    for (const hours of [undefined, "08:00-18:00 Europe/Paris"]) {
      const r = design("java -jar /opt/bi/app.jar", "java", hours);
      expect(api(r).minInstances).toBe(1);
      expect(r.deployment.schedules ?? []).toEqual([]);
      const warm = r.decisions.find((d) => /warm/i.test(d.title))!;
      expect(warm.context).toMatch(/JVM app needs tens of seconds to minutes/);
      expect(warm.decision).toMatch(/at every hour: a JVM app takes tens of seconds/);
    }
  });

  it("leaves a Node app to scale to zero without business hours", () => {
    const r = design("node server.js", "node");
    expect(api(r).minInstances).toBe(0);
  });
});

describe("a JVM worker, consumer or job gets room beyond its heap too", () => {
  const inventory = (worker: string, cron: string) => `apiVersion: infra-migrate/v1
kind: Inventory
metadata: { name: orders }
services:
  - { name: api, role: web, software: java, runtime: java, command: "java -Xmx2g -jar /opt/orders/api.jar", listen: ["127.0.0.1:8080"], dependsOn: [db] }
  - { name: fulfilment, role: worker, software: java, runtime: java, command: "${worker}", dependsOn: [db], longRunning: true }
  - { name: report, role: cron, software: java, runtime: java, schedule: "0 3 * * *", command: "${cron}", dependsOn: [db] }
  - { name: db, role: database, software: postgres, listen: ["127.0.0.1:5432"] }
data:
  - { service: db, engine: postgres, version: "16", backups: daily }
deploy: { method: ssh-systemctl }
target: { project: orders-prod, region: europe-west1, service: orders }
`;
  const targets = (worker: string, cron: string) => {
    const r = designResultSchema.parse(designPhase.offline(designInputFromYaml(inventory(worker, cron))));
    const of = (name: string) => r.deployment.services.find((t) => t.replaces.includes(name))!;
    return { r, pool: of("fulfilment"), job: of("report") };
  };

  it("sizes the worker pool and the job for the VM's -Xmx plus 1 GiB, and says why", () => {
    const { r, pool, job } = targets(
      "java -Xmx1g -jar /opt/orders/fulfilment.jar",
      "java -Xmx6g -jar /opt/orders/report.jar --nightly",
    );
    expect([pool.cpu, pool.memory]).toEqual(["1", "2Gi"]);
    // 7 GiB is more than 4 GiB per vCPU: Cloud Run needs 2 vCPUs for it.
    expect([job.cpu, job.memory]).toEqual(["2", "7Gi"]);
    const changes = (name: string) => r.mapping.find((m) => m.service === name)!.appChanges.join("\n");
    expect(changes("fulfilment")).toContain("The VM gives fulfilment's JVM a heap of 1 GiB (-Xmx): 2Gi leaves");
    expect(changes("report")).toContain("The VM gives report's JVM a heap of 6 GiB (-Xmx): 7Gi leaves");
  });

  it("JVM flags carried in an env setting (Tomcat's CATALINA_OPTS, JAVA_OPTS) are to be checked against the limit", () => {
    const yaml = `apiVersion: infra-migrate/v1
kind: Inventory
metadata: { name: ledger }
host: { hostname: vm, os: "Debian 12", memoryGiB: 8 }
services:
  - name: tomcat
    role: web
    software: tomcat
    runtime: java
    command: /usr/share/tomcat9/bin/catalina.sh run
    listen: ["127.0.0.1:8080"]
    dependsOn: [db]
    env: [CATALINA_OPTS, JAVA_OPTS, DB_PASSWORD]
  - { name: db, role: database, software: postgres, listen: ["127.0.0.1:5432"] }
data:
  - { service: db, engine: postgres, version: "16", sizeGiB: 5, backups: daily }
deploy: { method: ssh-systemctl }
target: { project: ledger-prod, region: europe-west1, service: ledger }
`;
    const r = designResultSchema.parse(designPhase.offline(designInputFromYaml(yaml)));
    const changes = r.mapping.find((m) => m.service === "tomcat")!.appChanges.join("\n");
    expect(changes).toContain("`CATALINA_OPTS`, `JAVA_OPTS` carry tomcat's JVM flags from the VM");
    expect(changes).toContain("2Gi must hold the heap plus about 1 GiB");
    // A WAR in Tomcat is no Spring Boot app: its health route is a servlet, not the actuator.
    expect(changes).toContain('`@WebServlet("/healthz")`');
    expect(changes).not.toContain("spring-boot-starter-actuator dependency");
    // A heap the command names is sized for instead (the note above), and a non-JVM process gets neither.
    expect(changes).not.toContain("(-Xmx): ");
    const node = design("node server.js", "node");
    expect(node.mapping.flatMap((m) => m.appChanges).join("\n")).not.toContain("JVM flags");
  });

  it("keeps the defaults when the command sets no heap; a small heap still gets 1 GiB beyond it", () => {
    const { pool, job } = targets("java -jar /opt/orders/fulfilment.jar", "java -Xmx256m -jar /opt/orders/report.jar");
    expect([pool.cpu, pool.memory]).toEqual(["1", "1Gi"]);
    expect([job.cpu, job.memory]).toEqual(["1", "2Gi"]);
  });
});
