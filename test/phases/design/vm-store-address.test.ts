// A Spring service and its RabbitMQ consumer: RabbitMQ has no managed home (an open decision), so
// the VM's SPRING_RABBITMQ_HOST (localhost there) must not be copied as if it still reached the
// broker, and the consumer is described as one (it pulls messages), not as a loop on its own clock.
import { describe, expect, it } from "vitest";
import { designPhase } from "../../../src/phases/design/index.js";
import { designResultSchema, type DesignResult } from "../../../src/phases/design/schema.js";
import { designInputFromYaml } from "./design-input.js";

function design(broker = "rabbitmq"): DesignResult {
  const yaml = `apiVersion: infra-migrate/v1
kind: Inventory
metadata: { name: orders }
services:
  - { name: api, role: web, software: java, runtime: java, command: "java -jar /opt/orders/api.jar", listen: ["127.0.0.1:8080"], dependsOn: [db, mq], env: [SPRING_DATASOURCE_URL, SPRING_RABBITMQ_HOST, SPRING_RABBITMQ_PASSWORD, MONGODB_URI, RABBITMQ_PUBLIC_URL] }
  - { name: fulfilment, role: worker, software: java, runtime: java, command: "java -jar /opt/orders/fulfilment.jar", dependsOn: [db, mq], env: [SPRING_DATASOURCE_URL, SPRING_RABBITMQ_HOST, SPRING_RABBITMQ_PASSWORD] }
  - { name: mq, role: broker, software: ${broker}, listen: ["127.0.0.1:5672"] }
  - { name: db, role: database, software: postgres, listen: ["127.0.0.1:5432"] }
data:
  - { service: db, engine: postgres, version: "16", backups: daily }
deploy: { method: ssh-systemctl }
target: { project: orders-prod, region: europe-west1, service: orders }
`;
  return designResultSchema.parse(designPhase.offline(designInputFromYaml(yaml)));
}

const entry = (r: DesignResult, name: string) => r.mapping.find((m) => m.service === name)!;

describe("the VM's address of a store the design fills in no new one for", () => {
  it("is said apart from the settings that keep their VM value", () => {
    const r = design();
    for (const name of ["api", "fulfilment"]) {
      const changes = entry(r, name).appChanges.join("\n");
      expect(changes).toContain(
        "SPRING_RABBITMQ_HOST holds mq's address on the VM (loopback or the VM's own name there), and the design fills in no new one",
      );
      expect(changes).toMatch(/SPRING_RABBITMQ_PASSWORD keeps? (its|their) values? from the VM/);
      expect(changes).not.toMatch(/SPRING_RABBITMQ_HOST[^.]*keeps? (its|their) value/);
    }
    // The address browsers use (a _PUBLIC_ URL) is the public domain the cut-over keeps, not the VM's.
    expect(entry(r, "api").appChanges.join("\n")).toMatch(/RABBITMQ_PUBLIC_URL[^.]*keeps? (its|their) value/);
    // A store the inventory does not have is no store the design moves: MONGODB_URI stays as it is.
    expect(entry(r, "api").appChanges.join("\n")).toMatch(/MONGODB_URI[^.]*keeps? (its|their) value/);
  });

  it("a worker of no known queue system on a message broker is its consumer", () => {
    const r = design();
    expect(entry(r, "fulfilment").reason).toMatch(
      /^It consumes messages from mq \(rabbitmq\): it pulls its work itself/,
    );
  });

  it("a worker that depends on a Redis broker is not taken for its consumer (it may only enqueue)", () => {
    const r = design("redis");
    expect(entry(r, "fulfilment").reason).not.toContain("consumes messages");
  });
});

describe("a process whose database the design does not move", () => {
  it("is told its connection settings hold the VM's database, and that it has no database on Cloud Run until decided", () => {
    const yaml = `apiVersion: infra-migrate/v1
kind: Inventory
metadata: { name: acme }
services:
  - { name: wordpress, role: web, software: php-fpm, runtime: php, listen: ["127.0.0.1:9000"], dependsOn: [mysql], env: [WORDPRESS_DB_HOST, WORDPRESS_DB_PASSWORD] }
  - { name: app, role: web, software: gunicorn, runtime: python, command: "gunicorn acme.wsgi --bind 127.0.0.1:8000", listen: ["127.0.0.1:8000"], dependsOn: [postgres], env: [DATABASE_URL, SECRET_KEY] }
  - { name: mysql, role: database, software: mysql, listen: ["127.0.0.1:3306"] }
  - { name: postgres, role: database, software: postgres, listen: ["127.0.0.1:5432"] }
data:
  - { service: mysql, engine: mysql, version: "8.0", backups: daily }
  - { service: postgres, engine: postgres, version: "13", backups: daily }
deploy: { method: manual }
target: { project: acme-prod, region: europe-west2, service: acme }
`;
    const r = designResultSchema.parse(designPhase.offline(designInputFromYaml(yaml)));
    expect(entry(r, "postgres").target.kind).toBe("needs-decision");
    const changes = entry(r, "app").appChanges.join("\n");
    expect(changes).toContain("DATABASE_URL holds postgres's address on the VM");
    expect(changes).toContain("Until then this process has no database on Cloud Run");
    expect(changes).not.toMatch(/DATABASE_URL[^.]*keeps? (its|their) value/);
    // The process on the moved database is told nothing of the kind.
    expect(entry(r, "wordpress").appChanges.join("\n")).not.toContain("address on the VM");
  });
});
