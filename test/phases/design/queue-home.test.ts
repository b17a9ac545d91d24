// What the mapping says happens to a queue worker's jobs: a Laravel worker with no Redis among its
// dependencies queues in the database (BookStack), so no broker moves to Memorystore; one on Redis
// (Pixelfed's Horizon) and a Celery worker keep "its broker moves to Memorystore for Redis".
import { readFileSync } from "node:fs";
import path from "node:path";
import { describe, expect, it } from "vitest";
import { chainFile, chainYaml } from "../../helpers/chain.js";
import { ROOT } from "../../helpers/phase-input.js";

const workerReason = (app: string, service: string) =>
  chainFile(path.join(ROOT, "test/fixtures/real", app, "inventory.yaml")).design.mapping.find(
    (m) => m.service === service,
  )!.reason;

describe("a queue worker's jobs in the mapping", () => {
  it("BookStack's database queue stays in the database", () => {
    const reason = workerReason("bookstack", "bookstack-queue");
    expect(reason).toContain("its jobs stay in the database queue");
    expect(reason).not.toContain("Memorystore");
  });

  it.each([
    ["pixelfed", "pixelfed"],
    ["paperless-ngx", "paperless-task-queue"],
  ])("%s's %s moves its broker to Memorystore", (app, service) => {
    expect(workerReason(app, service)).toContain("its broker moves to Memorystore for Redis");
  });
});

// The same sentence read from the broker's home, for brokers the corpus does not cover: RabbitMQ
// under Celery (switched to Redis), RabbitMQ under Dramatiq (no managed AMQP: a decision), and a
// Celery broker that is not on the VM at all (nothing moves).
describe("a worker's jobs follow its broker's home", () => {
  const flask = readFileSync(path.join(ROOT, "examples/flask-rabbitmq/inventory.yaml"), "utf8");
  const reasonOf = (yaml: string) => chainYaml(yaml).design.mapping.find((m) => m.service === "worker")!.reason;

  it.each([
    ["Celery on RabbitMQ", flask, "its broker moves from rabbitmq to Memorystore for Redis", "Memorystore"],
    [
      "Dramatiq on RabbitMQ",
      flask
        .replace(
          "command: celery -A reportly.tasks worker --concurrency 2 --time-limit 900",
          "command: dramatiq reportly.tasks --processes 2",
        )
        .replace("software: celery", "software: dramatiq"),
      "its broker rabbitmq (rabbitmq) has no managed equivalent on Google Cloud",
      "see the decision on rabbitmq",
    ],
    [
      "Celery with a broker off the VM",
      flask
        .replace(/dependsOn: \[mysql, rabbitmq\]/g, "dependsOn: [mysql]")
        .replace(/ {2}- name: rabbitmq[\s\S]*?listen: \["127.0.0.1:5672"\]\n/, ""),
      "its broker is not one of the VM's services",
      "keeps the broker URL",
    ],
  ])("%s", (_name, yaml, says, alsoSays) => {
    const reason = reasonOf(yaml);
    expect(reason).toContain(says);
    expect(reason).toContain(alsoSays);
  });
});
