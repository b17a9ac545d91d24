// A RabbitMQ that is also a pub/sub bus over AMQP (Taiga: Celery's broker and the events that
// taiga-events, a Node websocket service, subscribes to with amqplib) is not switched to Redis for
// Celery's sake: that would drop the events. It becomes an open decision (keep it on a VM, split
// Celery off to Redis, or move the events to Pub/Sub), the websocket service scales out (each
// instance subscribes itself), and the Celery worker's reason no longer says its broker moves.
import { readFileSync } from "node:fs";
import path from "node:path";
import { describe, expect, it } from "vitest";
import { chainFile, chainYaml } from "../../helpers/chain.js";
import { ROOT } from "../../helpers/phase-input.js";

const FLASK = readFileSync(path.join(ROOT, "examples/flask-rabbitmq/inventory.yaml"), "utf8");
const EVENTS = `  - name: events
    role: web
    software: node
    runtime: node
    command: node src/index.js
    listen: ["127.0.0.1:8888"]
    protocols: [http, websocket]
    longRunning: true
    dependsOn: [rabbitmq]
    env: [RABBITMQ_URL]
`;

/** The flask-rabbitmq example, with the broker's uses and, optionally, a websocket service on it. */
function variant(usedFor: string[], events: boolean, worker = true): string {
  let text = FLASK.replace(
    '    listen: ["127.0.0.1:5672"]\n',
    `    listen: ["127.0.0.1:5672"]\n    usedFor: [${usedFor.join(", ")}]\n`,
  );
  if (events) text = text.replace("  - name: rabbitmq\n", `${EVENTS}  - name: rabbitmq\n`);
  if (!worker) text = text.replace(/ {2}- name: worker\n( {4}.*\n)+/, "");
  return text;
}

describe("a RabbitMQ broker's home", () => {
  it.each([
    // [case, usedFor, websocket service, Celery worker, celery mode, target kind, option titles]
    ["Celery only", ["broker"], false, true, "keep", "memorystore", []],
    [
      "Celery and an AMQP events bus",
      ["broker", "pubsub"],
      true,
      true,
      "keep",
      "needs-decision",
      [
        "Keep rabbitmq on a small Compute Engine VM (recommended)",
        "Celery on Memorystore for Redis",
        "Move the events to Pub/Sub",
      ],
    ],
    // Celery's tasks go to Cloud Tasks; the broker stays for the events only.
    [
      "Celery rewritten to push, still an events bus",
      ["broker", "pubsub"],
      true,
      true,
      "push",
      "needs-decision",
      ["Keep rabbitmq on a small Compute Engine VM (recommended)", "Move the events to Pub/Sub"],
    ],
    [
      "an events bus only",
      ["pubsub"],
      true,
      false,
      "keep",
      "needs-decision",
      ["Keep rabbitmq on a small Compute Engine VM (recommended)", "Move the events to Pub/Sub"],
    ],
  ] as const)("%s", (_, usedFor, events, worker, celery, kind, options) => {
    const { design } = chainYaml(variant([...usedFor], events, worker), { celery });
    const broker = design.mapping.find((m) => m.service === "rabbitmq")!;
    expect(broker.target.kind).toBe(kind);
    expect(
      (broker.options ?? []).map((o) => o.option.replace(/ \(.*\)$/, (m) => (m.includes("recommended") ? m : ""))),
    ).toEqual(options.map((o) => (o.startsWith("Celery on") ? `${o}, rabbitmq on a VM for the events only` : o)));
    if (kind === "needs-decision") {
      expect(broker.reason).toContain("the pub/sub bus events subscribes to over AMQP");
      expect(design.deployment.queues.length).toBe(celery === "push" ? 1 : 0);
      // The websocket service scales out: every instance has its own subscription to the bus.
      const ws = design.deployment.services.find((t) => t.replaces.includes("events"))!;
      expect(ws.maxInstances).toBeGreaterThan(1);
      expect(design.mapping.find((m) => m.service === "events")!.reason).toContain(
        "each instance subscribes to rabbitmq",
      );
    }
    if (worker && celery === "keep") {
      const reason = design.mapping.find((m) => m.service === "worker")!.reason;
      if (kind === "needs-decision") {
        expect(reason).toContain(
          "its broker rabbitmq (rabbitmq) has no managed equivalent on Google Cloud: see the decision on rabbitmq",
        );
        expect(reason).not.toContain("Memorystore");
      } else expect(reason).toMatch(/its broker moves (from rabbitmq )?to Memorystore for Redis/);
    }
  });
});

describe("Taiga (test/fixtures/real/taiga)", () => {
  const { design } = chainFile(path.join(ROOT, "test/fixtures/real/taiga/inventory.yaml"));

  it("keeps the RabbitMQ taiga-events reads as an open decision and deploys all four processes", () => {
    expect(design.mapping.find((m) => m.service === "rabbitmq-server")!.target.kind).toBe("needs-decision");
    const replaced = design.deployment.services.flatMap((t) => t.replaces).sort();
    expect(replaced).toEqual(["taiga", "taiga-async", "taiga-events", "taiga-protected"]);
    const events = design.deployment.services.find((t) => t.replaces.includes("taiga-events"))!;
    expect(events).toMatchObject({ timeoutSeconds: 3600, sessionAffinity: true, minInstances: 1 });
    expect(events.maxInstances).toBeGreaterThan(1);
  });

  it("names the API after the process this repository builds, and the other checkouts' images apart", () => {
    const [api] = design.deployment.services;
    expect(api!.replaces).toEqual(["taiga"]);
    expect(api!.source).toBeUndefined();
    for (const name of ["taiga-events", "taiga-protected"]) {
      const t = design.deployment.services.find((x) => x.replaces.includes(name))!;
      expect(t.source).toEqual({ context: ".", dockerfile: `Dockerfile.${name}` });
      expect(t.command).toBeUndefined();
    }
  });

  it("sets none of taiga-events' two port settings by name, and says which one must be 8080", () => {
    const events = design.mapping.find((m) => m.service === "taiga-events")!;
    const text = events.appChanges.join("\n");
    expect(text).not.toMatch(/sets APP_PORT=8080/);
    expect(text).toContain("the setting behind 8888 (the one the VM's proxy reached) must be 8080");
  });

  it("names the three HTTP/1 servers behind nginx once in the uploads decision, within its limits", () => {
    const uploads = design.decisions.find((x) => x.title.startsWith("Send uploads above 32 MiB"))!;
    expect(uploads.alternatives[0]).toContain(
      "taiga-events (node), taiga-protected (gunicorn) and taiga (gunicorn) speak HTTP/1 only",
    );
    expect(uploads.alternatives[0]!.length).toBeLessThanOrEqual(500);
  });
});
