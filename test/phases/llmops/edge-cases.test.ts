// The AI worker's edge cases, as the generated files state them: the database secret is the app's
// own, its table comes from a migration the pipeline runs, and tasks Cloud Tasks gave up on are
// swept and may be resubmitted (the generated pytest suite exercises the behaviour itself).
import { readFileSync } from "node:fs";
import { describe, expect, it } from "vitest";
import { llmopsPhase } from "../../../src/phases/llmops/index.js";
import { chainFile, chainYaml, EXAMPLE } from "../../helpers/chain.js";

async function render(input: Parameters<typeof llmopsPhase.offline>[0]) {
  const artifacts = await llmopsPhase.render(llmopsPhase.offline(input), input);
  return (path: string) => artifacts.find((a) => a.path === path)!.content;
}

describe("AI worker edge cases", () => {
  it("reads the app's own database URL secret (Flask: SQLALCHEMY_DATABASE_URI), the one the design mounts", async () => {
    const yaml =
      readFileSync(EXAMPLE("flask-rabbitmq"), "utf8") +
      'llm: { useCase: "summarise reports", latencySeconds: [5, 15], provider: vertex-ai }\n';
    const { input, design } = chainYaml(yaml);
    const worker = design.deployment.services.find((s) => s.name.endsWith("-ai-worker"))!;
    expect(worker.secrets).toEqual(["SQLALCHEMY_DATABASE_URI"]);
    const file = await render(input);
    expect(file("services/ai-worker/models.py")).toContain('DATABASE_URL_ENV = "SQLALCHEMY_DATABASE_URI"');
    expect(file("docs/migration/llmops/architecture.md")).toContain("**`SQLALCHEMY_DATABASE_URI`**");
    expect(file("docs/migration/llmops/architecture.md")).toContain(
      "mysql+pymysql://USER:PASSWORD@/DATABASE?unix_socket=/cloudsql/reportly-prod:us-east1:reportly-api-db",
    );
  });

  it("ships migrate.py in the worker image (the pipeline runs it before deploying the worker)", async () => {
    const file = await render(chainFile(EXAMPLE("seed-vm")).input);
    expect(file("services/ai-worker/migrate.py")).toContain("repository.create_schema()");
    expect(file("services/ai-worker/Dockerfile")).toMatch(
      /^COPY models\.py api_handler\.py ai_worker\.py migrate\.py \.\/$/m,
    );
  });

  it("sweeps tasks open past every Cloud Tasks attempt: attempts x (deadline + max backoff) + 60 s", async () => {
    const { input, design } = chainFile(EXAMPLE("seed-vm"));
    const queue = design.deployment.queues.find((q) => q.name.endsWith("-ai-tasks"))!;
    const stale = queue.maxAttempts * (queue.dispatchDeadlineSeconds + queue.maxBackoffSeconds) + 60;
    const file = await render(input);
    expect(file("services/ai-worker/api_handler.py")).toContain(`STALE_AFTER_SECONDS = ${stale}\n`);
    expect(file("scripts/setup-ai-worker.sh")).toContain('SWEEP_JOB="web-app-prod-ai-worker-sweep"');
    expect(file("docs/migration/llmops/architecture.md").replace(/\s+/g, " ")).toContain(`still open ${stale} s after`);
  });
});
