// A broker no managed service takes stays on a Compute Engine VM (its open decision's recommended
// option: RabbitMQ that is also the AMQP bus a websocket process subscribes to, or one whose
// consumers are not Celery): every process that uses it reaches that VM's private IP over Direct
// VPC egress, so its deploy carries --network/--subnet/--vpc-egress and the design has the subnet.
// A broker that becomes Memorystore keeps its own egress; a process that uses neither gets none.
// The deploy commands parse with the real gcloud.
import { describe, expect, it } from "vitest";
import type { DeployTarget } from "../../../src/contracts/deployment.js";
import { deployFlags } from "../../../src/phases/cicd/deploy-flags.js";
import { designPhase } from "../../../src/phases/design/index.js";
import { designResultSchema } from "../../../src/phases/design/schema.js";
import { checkGcloud, findGcloud } from "../../helpers/gcloud-check.js";
import { designInputFromYaml } from "./design-input.js";

const inventory = (broker: string, events: string) => `apiVersion: infra-migrate/v1
kind: Inventory
metadata: { name: board }
services:
  - { name: web, role: web, runtime: python, framework: django, software: gunicorn, listen: ["0.0.0.0:8000"], dependsOn: [db, mq] }
  - { name: worker, role: worker, runtime: python, framework: celery, software: celery, command: "celery -A board worker", dependsOn: [db, mq] }
${events}
  - { name: static, role: web, runtime: node, software: node, listen: ["0.0.0.0:9000"], dependsOn: [] }
  - { name: mq, role: broker, software: ${broker}, listen: ["127.0.0.1:5672"] }
  - { name: db, role: database, software: postgres, listen: ["127.0.0.1:5432"] }
data: [{ service: db, engine: postgres, backups: daily }]
target: { project: board-prod, region: us-central1, github: acme/board }
`;
const WS =
  '  - { name: events, role: web, runtime: node, software: node, listen: ["127.0.0.1:8888"], protocols: [http, websocket], dependsOn: [mq] }';
const BUS = `rabbitmq, usedFor: [broker, pubsub]`;

const designed = (yaml: string) => designResultSchema.parse(designPhase.offline(designInputFromYaml(yaml)));
const byProcess = (services: DeployTarget[], name: string) => services.find((t) => t.name.endsWith(name));

describe("processes that use a broker kept on a VM", () => {
  it.each([
    {
      name: "RabbitMQ that is also the websocket process's AMQP bus: stays on a VM",
      yaml: inventory(BUS, WS),
      home: "needs-decision",
      egress: ["web", "worker", "events"],
    },
    {
      name: "RabbitMQ only Celery uses: Memorystore for Redis, reached the same way",
      yaml: inventory("rabbitmq", ""),
      home: "memorystore",
      egress: ["web", "worker"],
    },
  ])("$name", ({ yaml, home, egress }) => {
    const r = designed(yaml);
    expect(r.mapping.find((m) => m.service === "mq")!.target.kind).toBe(home);
    const services = r.deployment.services;
    for (const name of ["web", "worker", "events", "static"]) {
      const target = byProcess(services, name);
      if (!target) continue;
      expect(target.vpcEgress, name).toBe(egress.includes(name) ? "private-ranges-only" : undefined);
    }
    expect(r.deployment.network).toMatchObject({ network: "board-prod-vpc", subnet: "board-prod-run" });
    // The open decision's text says what the deploy now does, not what to add by hand.
    const decided = r.mapping.find((m) => m.service === "mq")!;
    if (decided.options) {
      expect(decided.options[0]!.change).toContain("the deploy runs them in the design's subnet");
      expect(decided.options[0]!.change).not.toContain("add --network");
    }
  });

  it.skipIf(!findGcloud())(
    "the deploy commands with egress parse with the real gcloud",
    async () => {
      const r = designed(inventory(BUS, WS));
      const calls = r.deployment.services
        .filter((t) => t.vpcEgress)
        .map((t) => {
          const flags = deployFlags(t, r.deployment);
          const group = t.kind === "worker-pool" ? ["beta", "run", "worker-pools"] : ["run"];
          const beta = flags.some((f) => f.includes("mount-options=")) && group[0] !== "beta" ? ["beta"] : [];
          return {
            argv: [
              ...beta,
              ...group,
              "deploy",
              t.name,
              "--image=us-docker.pkg.dev/board-prod/app/board:1",
              "--region=us-central1",
              "--project=board-prod",
              "--quiet",
              ...flags,
            ],
            source: `deploy ${t.name}`,
          };
        });
      expect(calls.length).toBe(3);
      for (const c of calls) expect(c.argv).toContain("--vpc-egress=private-ranges-only");
      expect((await checkGcloud(calls)).findings).toEqual([]);
    },
    60_000,
  );
});
