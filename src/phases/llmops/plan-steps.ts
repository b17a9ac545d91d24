// The llmops phase's part of docs/migration/README.md: the AI worker's queue, identities and
// sweeper once the worker is deployed, and a real task through it before users send one.
import type { PlanStep } from "../../contracts/plan.js";
import type { PhaseInput } from "../../contracts/phase.js";
import { DOCS_DIR, workerDirOf } from "./render.js";
import type { LlmopsResult } from "./schema.js";
import { deploymentFrom } from "./topology.js";
import { buildView } from "./view.js";

export function llmopsPlanSteps(result: LlmopsResult, input: PhaseInput): PlanStep[] {
  const workerDir = workerDirOf(input);
  const view = buildView(result, {
    inventory: input.inventory,
    deployment: deploymentFrom(input.upstream.design),
    workerDir,
  });
  if (result.topology.derived.includes("workerService")) {
    // The design planned no AI worker (the inventory calls no model): nothing deploys one.
    return [
      {
        stage: "prepare",
        order: 60,
        title: "The AI worker is a starting point, not part of this migration",
        body: `The design planned no AI worker (the inventory calls no model), so the pipeline does not deploy \`${workerDir}/\` and \`scripts/setup-ai-worker.sh\` has nothing to set up. Add an \`llm\` section to the inventory and rerun \`infra-migrate run\` when the product starts calling a model.`,
        files: [`${DOCS_DIR}/architecture.md`],
      },
    ];
  }
  const gw = view.gateway;
  const built = (s: string) => `\`${s}\``;
  return [
    {
      stage: "first-deploy",
      order: 25,
      title: gw
        ? "The AI worker's queue, identities and sweeper, and who may call the AI gateway"
        : "The AI worker's queue, identities and sweeper",
      body: gw
        ? `After the first deploy created ${built(view.workerService)} and the AI gateway ${built(gw.service)}: \`setup-ai-worker.sh\` creates the queue ${built(view.queueName)}, gives Vertex AI access to the worker alone, lets the gateway (not the app) enqueue and only the Cloud Tasks identity invoke the worker, ${view.apiHeld ? `lets nobody invoke the gateway yet (the deploy holds the app: ${view.apiHeld}; rerun the script before the deploy that brings it, to let its identity ${built(gw.callerServiceAccount)} call the gateway)` : `lets only the app's identity (${built(gw.callerServiceAccount)}) invoke the gateway`}, and schedules the sweeper that re-enqueues tasks Cloud Tasks gave up on. The worker's table \`ai_tasks\` was created by the deploy (\`migrate.py\`), in the database behind ${built(view.databaseUrlEnv)}.${gw.derived ? ` The design planned no gateway service: deploy ${built(gw.service)} from the worker's image with the command \`uvicorn --factory gateway:app_from_env --host 0.0.0.0 --port 8080\`, runtime identity ${built(gw.serviceAccount)}, no unauthenticated access, before running the script (or rerun \`infra-migrate design\`).` : ""}`
        : `After the first deploy created \`${view.workerService}\`: \`setup-ai-worker.sh\` creates the queue \`${view.queueName}\`, gives Vertex AI access to the worker alone, ${view.apiHeld ? `lets only the Cloud Tasks identity invoke the worker (the API enqueues nothing yet: the deploy holds it, ${view.apiHeld}; rerun the script before the deploy that brings it)` : "lets the API enqueue and only the Cloud Tasks identity invoke the worker"}, and schedules the sweeper that re-enqueues tasks Cloud Tasks gave up on. The worker's table \`ai_tasks\` was created by the deploy (\`migrate.py\`), in the database behind \`${view.databaseUrlEnv}\`.`,
      commands: ["bash scripts/setup-ai-worker.sh --dry-run", "bash scripts/setup-ai-worker.sh"],
      files: ["scripts/setup-ai-worker.sh", `${workerDir}/migrate.py`, `${DOCS_DIR}/architecture.md`],
    },
    gw
      ? {
          stage: "verify",
          order: 20,
          title: "One AI task end to end, through the app and the AI gateway",
          body: `Add the forwarding call to the app (${built(view.apiService)} is not a FastAPI app, so it does not mount the router): after its own authentication, POST the request to \`$AI_GATEWAY_URL${view.route}\` with an ID token of the app's identity, and forward status polls the same way (architecture.md, "Calling the AI gateway", shows the call from each runtime). Then send one request with a \`request_id\` through the app: it answers 202 with a \`status_url\`; poll it until \`succeeded\`, and find the task's log lines (\`task_id\`) in Cloud Logging.`,
          files: [`${workerDir}/gateway.py`, `${DOCS_DIR}/architecture.md`, `${DOCS_DIR}/sequence.mmd`],
        }
      : {
          stage: "verify",
          order: 20,
          title: "One AI task end to end",
          body: `Mount the router (\`${workerDir}/api_handler.py\`) in the API, then POST one request to \`${view.route}\` with a \`request_id\`: it answers 202 with a \`status_url\`; poll it until \`succeeded\`, and find the task's log lines (\`task_id\`) in Cloud Logging.`,
          files: [`${workerDir}/api_handler.py`, `${DOCS_DIR}/architecture.md`, `${DOCS_DIR}/sequence.mmd`],
        },
  ];
}
