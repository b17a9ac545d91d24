// Offline expert rules for the llmops phase: the answer the offline provider gives, and the
// baseline the model is asked to refine. Driven by the inventory's `llm` section and the
// design's deployment; everything not stated there is written down as an assumption.
import type { PhaseInput } from "../../contracts/phase.js";
import type { Queue } from "../../contracts/deployment.js";
import type { LlmopsResult, QueueSettings } from "./schema.js";
import { VERTEX_MODEL_ID } from "./schema.js";
import { deploymentFrom, resolveTopology } from "./topology.js";
import { kebab, taskShapeFor } from "../../contracts/task-shape.js";
import { instructionsFor } from "./offline-text.js";
import { aiWorkerSizing, LLM_KEY_ENV } from "../../contracts/ai-worker-sizing.js";

/**
 * Default Vertex model for generated code (overridable with AI_MODEL at runtime). The Gemini 2.5
 * family is retired on Vertex AI; Gemini 3 models are served from the `global` location.
 * https://cloud.google.com/vertex-ai/generative-ai/docs/learn/model-versions
 */
// GA on Vertex AI until at least July 2027 (model-versions page); the 2.5 family is retired.
export const DEFAULT_VERTEX_MODEL = "gemini-3.5-flash-lite";
export const DEFAULT_VERTEX_LOCATION = "global";
const RETIRED = /^(gemini-1\.|gemini-2\.|gemini-pro|text-bison|chat-bison)/;

const clamp = (n: number, lo: number, hi: number) => Math.min(hi, Math.max(lo, n));
/** Inventory text quoted in a one-line assumption. */
const quote = (s: string, max = 120) =>
  s
    .replace(/[\u0000-\u001f\u007f\s]+/g, " ")
    .trim()
    .slice(0, max);

function modelFor(input: PhaseInput, assumptions: string[]): { id: string; location: string } {
  const llm = input.inventory.llm;
  const wanted = llm?.model?.trim().toLowerCase();
  if (llm && llm.provider !== "vertex-ai") {
    assumptions.push(
      `The inventory uses ${llm.provider}; the worker moves the calls to Gemini on Vertex AI so no API key is needed (the worker's service account authenticates).`,
    );
  }
  if (wanted && VERTEX_MODEL_ID.test(wanted) && !RETIRED.test(wanted) && llm?.provider === "vertex-ai") {
    return { id: wanted, location: DEFAULT_VERTEX_LOCATION };
  }
  if (wanted)
    assumptions.push(
      `Model "${quote(llm!.model!, 60)}" is not a current Vertex AI model id; defaulted to ${DEFAULT_VERTEX_MODEL} (set AI_MODEL to change it).`,
    );
  else
    assumptions.push(
      `No model named in the inventory; defaulted to ${DEFAULT_VERTEX_MODEL} on the global endpoint (set AI_MODEL / AI_MODEL_LOCATION to change it).`,
    );
  return { id: DEFAULT_VERTEX_MODEL, location: DEFAULT_VERTEX_LOCATION };
}

/** The design's queue settings, rounded to what the result schema (and gcloud flags) take. */
function settingsOf(q: Queue): QueueSettings {
  const minBackoffSeconds = Math.max(1, Math.ceil(q.minBackoffSeconds));
  return {
    maxAttempts: q.maxAttempts,
    minBackoffSeconds,
    maxBackoffSeconds: Math.max(minBackoffSeconds, Math.ceil(q.maxBackoffSeconds)),
    maxDispatchesPerSecond: q.maxDispatchesPerSecond,
    maxConcurrentDispatches: q.maxConcurrentDispatches,
    dispatchDeadlineSeconds: q.dispatchDeadlineSeconds,
  };
}

export function offlineLlmops(input: PhaseInput): LlmopsResult {
  const { inventory } = input;
  const llm = inventory.llm;
  const assumptions: string[] = [];
  if (!llm) assumptions.push("The inventory has no llm section; generated a generic text-analysis worker to adapt.");
  const shape = taskShapeFor(llm?.useCase);
  if (llm?.useCase && shape.generic)
    assumptions.push(`No known task verb in "${quote(llm.useCase)}"; used a generic analysis task.`);
  if (!llm?.useCase && llm)
    assumptions.push("The llm section names no use case; generated a generic text-analysis worker.");

  const sizing = aiWorkerSizing(inventory);
  const latencyMax = sizing.latencyMaxSeconds;
  if (sizing.assumed.latency) assumptions.push(sizing.assumed.latency);
  const timeoutSeconds = sizing.modelTimeoutSeconds;
  const model = modelFor(input, assumptions);
  const deployment = deploymentFrom(input.upstream.design);
  if (!deployment?.project && !inventory.target.project)
    assumptions.push('No GCP project named; the set-up script uses $PROJECT or "my-project".');
  const resolved = resolveTopology(inventory, deployment, kebab(shape.taskType));
  assumptions.push(...resolved.assumptions);
  if (!resolved.designQueue && sizing.assumed.rate) assumptions.push(sizing.assumed.rate);
  const queue = resolved.designQueue ? settingsOf(resolved.designQueue) : sizing.queue;
  const keyEnv = inventory.services.flatMap((s) => s.env).filter((e) => LLM_KEY_ENV.test(e));

  return {
    taskType: shape.taskType,
    useCase: (llm?.useCase && quote(llm.useCase, 300)) || `Generic ${shape.subject} ${shape.action}`,
    inputFields: shape.inputFields,
    outputFields: shape.outputFields,
    prompt: { name: shape.taskType, version: "1.0.0", instructions: instructionsFor(shape) },
    model: { ...model, temperature: shape.action === "generation" ? 0.7 : 0.2, maxOutputTokens: 8192, timeoutSeconds },
    queue: {
      ...queue,
      dispatchDeadlineSeconds: clamp(Math.max(queue.dispatchDeadlineSeconds, timeoutSeconds + 15), 15, 1800),
    },
    topology: resolved.topology,
    docs: {
      summary:
        `The API accepts a ${kebab(shape.taskType)} request, stores a task record and enqueues a Cloud Task, ` +
        `answering 202 in milliseconds instead of holding the connection for a ${latencyMax}-second model ` +
        `call. ` +
        (`A separate Cloud Run service, the AI worker, is the only identity allowed to call Vertex AI; Cloud ` +
          `Tasks delivers each task to it with retries and backoff, and clients poll the status URL for the ` +
          `result.`),
      failureModes: [
        {
          failure: "Vertex AI quota exhausted (429)",
          effect: "Model calls fail for a while; the API keeps accepting requests",
          handling:
            "Worker answers 503, Cloud Tasks retries with exponential backoff and slows the queue; tasks wait instead of failing",
        },
        {
          failure: "Vertex AI 5xx or timeout",
          effect: "One attempt fails",
          handling: `Retried up to ${queue.maxAttempts} attempts; the last failure marks the task failed and is acknowledged`,
        },
        {
          failure: "Safety block or invalid input",
          effect: "The task can never succeed",
          handling: "Recorded as failed with the reason and acknowledged with 200 so Cloud Tasks stops retrying",
        },
        {
          failure: "Worker crashes mid-task",
          effect: "Task stays running without a result",
          handling: "No 2xx reached Cloud Tasks, so it redelivers; the stale lease lets the next attempt take over",
        },
        {
          failure: "Duplicate client request or task redelivery",
          effect: "Same work requested twice",
          handling:
            "Task name derived from the request id dedups enqueues; finished tasks are answered from the database without a model call",
        },
        {
          failure: "Cloud Tasks unavailable when enqueuing",
          effect: "Request cannot be queued",
          handling: "API answers 503; the client retries with the same request id and the record is re-enqueued",
        },
      ],
      costControls: [
        "Deploy the worker with --min-instances 0 (idle hours cost nothing) and a --max-instances cap sized to the queue's concurrency.",
        "Inputs are bounded by the field limits before a task is accepted; outputs by the token cap.",
        "Finished tasks are never recomputed: redeliveries and duplicate requests read the stored result.",
        "Set a Cloud Billing budget alert on the project and a Vertex AI quota alert on the model.",
      ],
      observability: [
        "Log-based metrics: tasks succeeded and failed per prompt version, model latency (latency_ms), retryable error rate.",
        "Alert on queue depth and oldest task age (Cloud Tasks metrics) and on failed tasks above a small threshold.",
        "Filter one task's whole story in Cloud Logging with jsonPayload.task_id.",
      ],
    },
    assumptions: [
      ...assumptions,
      ...(keyEnv.length
        ? [
            `Remove ${[...new Set(keyEnv)].join(", ")} from the services: the worker authenticates to Vertex AI with its service account.`,
          ]
        : []),
    ].slice(0, 20),
  };
}
