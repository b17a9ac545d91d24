// The API enqueues to the AI worker, so its deploy must carry the worker's URL and queue settings
// (api_handler.py reads AI_WORKER_URL, AI_QUEUE, AI_QUEUE_LOCATION, AI_INVOKER_SERVICE_ACCOUNT,
// GOOGLE_CLOUD_PROJECT at start-up).
import { describe, expect, it } from "vitest";
import { parse } from "yaml";
import { cicdPhase } from "../../../src/phases/cicd/index.js";
import { chainFile, EXAMPLE } from "../../helpers/chain.js";

async function deploySteps(example: string): Promise<{ name: string; run: string }[]> {
  const { input } = chainFile(EXAMPLE(example));
  const artifacts = await cicdPhase.render(cicdPhase.offline(input), input);
  const workflow = parse(artifacts.find((a) => a.path === ".github/workflows/deploy.yml")!.content);
  return workflow.jobs.deploy.steps.filter((s: { run?: string }) => s.run);
}

describe("API deploy and the AI worker", () => {
  it("looks the worker URL up after deploying the worker and before deploying the API", async () => {
    const steps = await deploySteps("seed-vm");
    const names = steps.map((s) => s.name);
    const lookup = names.findIndex((n) => n.startsWith("Look up the web-app-prod-ai-worker URL"));
    expect(lookup).toBeGreaterThan(names.indexOf("Deploy web-app-prod-ai-worker (worker)"));
    expect(lookup).toBeLessThan(names.indexOf("Deploy web-app-prod (api)"));
    expect(steps[lookup]!.run).toContain('>> "$GITHUB_ENV"');
    expect(steps[lookup]!.run).not.toContain("${{");
  });

  it("passes the queue settings and the URL in the API's one --set-env-vars", async () => {
    const api = (await deploySteps("seed-vm")).find((s) => s.name === "Deploy web-app-prod (api)")!;
    const envFlags = api.run.match(/--set-env-vars=[^"\s]*/g) ?? [];
    expect(envFlags).toHaveLength(1);
    for (const expected of [
      "GOOGLE_CLOUD_PROJECT=acme-mvp-prod",
      "AI_QUEUE=web-app-prod-ai-tasks",
      "AI_QUEUE_LOCATION=us-central1",
      "AI_INVOKER_SERVICE_ACCOUNT=web-app-prod-ai-worker-invoker@acme-mvp-prod.iam.gserviceaccount.com",
      "AI_WORKER_URL=${AI_WORKER_URL}",
    ]) {
      expect(envFlags[0]).toContain(expected);
    }
  });

  it("adds nothing when the design has no AI worker", async () => {
    const steps = await deploySteps("api-only");
    expect(steps.some((s) => s.name.startsWith("Look up"))).toBe(false);
    expect(steps.map((s) => s.run).join("\n")).not.toContain("AI_WORKER_URL");
  });
});
