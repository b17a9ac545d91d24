// What a RabbitMQ is used for (store-uses.ts amqpUses), and the ports a web process's own env file
// names (server-config.ts listensFromPortNames): Taiga's RabbitMQ is Celery's broker and the bus
// taiga-events reads with amqplib; taiga-events listens on WEB_SOCKET_SERVER_PORT and APP_PORT.
import { describe, expect, it } from "vitest";
import { emptyContext } from "../../src/detect/app-context.js";
import { listensFromPortNames } from "../../src/detect/server-config.js";
import { amqpUses } from "../../src/detect/store-uses.js";
import type { ServiceFinding } from "../../src/detect/types.js";

const finding = (f: Partial<ServiceFinding>): ServiceFinding =>
  ({ name: "x", role: "worker", software: "x", listen: [], source: "test", ...f }) as ServiceFinding;
const celery = finding({ name: "worker", framework: "celery" });
const wsNode = (env: string[] = []) =>
  finding({ name: "events", role: "web", runtime: "node", protocols: ["http", "websocket"], env });
const httpNode = finding({ name: "api", role: "web", runtime: "node", protocols: ["http"], env: ["RABBITMQ_URL"] });

describe("amqpUses", () => {
  it.each([
    ["nothing on it", [], [], {}, []],
    ["a Celery worker", [celery], [], {}, ["broker"]],
    ["a Symfony Messenger DSN on AMQP", [], [], { MESSENGER_TRANSPORT_DSN: "amqp://guest@localhost/%2f" }, ["broker"]],
    [
      "a websocket process with the AMQP URL (taiga-events)",
      [celery, wsNode(["RABBITMQ_URL"])],
      [],
      {},
      ["broker", "pubsub"],
    ],
    ["a websocket process and amqplib", [wsNode()], [["node", "amqplib"]], {}, ["pubsub"]],
    ["a websocket process and pika", [wsNode()], [["python", "pika"]], {}, ["pubsub"]],
    // An AMQP client without a websocket process proves no bus to browsers.
    ["amqplib in a plain HTTP app", [httpNode], [["node", "amqplib"]], {}, []],
    ["a websocket process without AMQP", [wsNode(["REDIS_URL"])], [], {}, []],
  ] as const)("%s → %j", (_, services, packages, env, uses) => {
    const app = emptyContext();
    for (const [eco, pkg] of packages) app.packages[eco].add(pkg);
    expect(amqpUses([...services], app, { ...env })).toEqual(uses);
  });
});

describe("listensFromPortNames", () => {
  it.each([
    // taiga-events' .env: the websocket nginx reaches first, then the probe server.
    [{ WEB_SOCKET_SERVER_PORT: "8888", APP_PORT: "3023" }, [8888], ["127.0.0.1:8888", "127.0.0.1:3023"]],
    [{ APP_PORT: "3023", WEB_SOCKET_SERVER_PORT: "8888" }, [8888], ["127.0.0.1:8888", "127.0.0.1:3023"]],
    // Other services' ports are not the process's own.
    [{ DB_PORT: "5432", REDIS_PORT: "6379", SMTP_PORT: "587", ADMIN_PORT: "9000" }, [], ["127.0.0.1:9000"]],
    [{ APP_PORT: "http", API_PORT: "70000" }, [], []],
    [{ A_PORT: "3000", B_PORT: "3000" }, [], ["127.0.0.1:3000"]],
  ])("%j (proxied %j) → %j", (env, proxied, listen) => {
    expect(listensFromPortNames(env, new Set(proxied))).toEqual(listen);
  });
});
