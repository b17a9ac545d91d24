// What the mapping says happens to a queue worker's jobs: a Laravel worker with no Redis among its
// dependencies queues in the database (BookStack), so no broker moves to Memorystore; one on Redis
// (Pixelfed's Horizon) and a Celery worker keep "its broker moves to Memorystore for Redis".
import path from "node:path";
import { describe, expect, it } from "vitest";
import { chainFile } from "../../helpers/chain.js";
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
