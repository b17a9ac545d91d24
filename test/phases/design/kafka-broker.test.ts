// A Kafka-protocol broker on the VM (Apache Kafka, Redpanda) is decided, with Managed Service for
// Apache Kafka first: the clients keep their protocol there. It was mapped straight to Pub/Sub, a
// rewrite of every producer and consumer that nothing created, while the consumers were still
// told to reach "the broker".
import { describe, expect, it } from "vitest";
import { designPhase } from "../../../src/phases/design/index.js";
import { designResultSchema } from "../../../src/phases/design/schema.js";
import { designInputFromYaml } from "./design-input.js";

const yaml = (software: string) => `apiVersion: infra-migrate/v1
kind: Inventory
metadata: { name: ledgerflow }
host: { hostname: vm, os: "Ubuntu 22.04" }
services:
  - { name: api, role: web, software: java, runtime: java, framework: spring, command: "java -jar /opt/lf/api.jar",
      listen: ["127.0.0.1:8080"], dependsOn: [db, events], env: [SPRING_DATASOURCE_URL, SPRING_KAFKA_BOOTSTRAP_SERVERS] }
  - { name: projector, role: worker, software: java, runtime: java, framework: spring, longRunning: true,
      command: "java -jar /opt/lf/projector.jar", dependsOn: [db, events], env: [SPRING_DATASOURCE_URL, SPRING_KAFKA_BOOTSTRAP_SERVERS] }
  - { name: events, role: broker, software: ${software}, listen: ["127.0.0.1:9092"] }
  - { name: db, role: database, software: postgres, listen: ["127.0.0.1:5432"] }
data:
  - { service: db, engine: postgres, version: "16", sizeGiB: 5, backups: daily }
deploy: { method: ssh-systemctl }
target: { project: lf-prod, region: europe-west1, service: lf }
`;

describe("a Kafka-protocol broker", () => {
  it.each(["kafka", "redpanda"])(
    "%s: a decision with Managed Service for Apache Kafka first, Pub/Sub a rewrite",
    (software) => {
      const r = designResultSchema.parse(designPhase.offline(designInputFromYaml(yaml(software))));
      const entry = r.mapping.find((m) => m.service === "events")!;
      expect(entry.target.kind).toBe("needs-decision");
      expect(entry.options!.map((o) => o.option)).toEqual([
        "Managed Service for Apache Kafka (recommended)",
        "Move the stream to Pub/Sub",
        `Keep ${software} on a Compute Engine VM`,
      ]);
      expect(entry.options![0]!.change).toContain("api, projector keep their Kafka client");
      // Nothing is mapped to a Pub/Sub topic nobody creates, and the consumer is told where its broker goes.
      expect(r.mapping.some((m) => m.target.kind === "pubsub")).toBe(false);
      const projector = r.mapping.find((m) => m.service === "projector")!;
      expect(projector.target.kind).toBe("cloud-run-worker-pool");
    },
  );
});
