// How the AI worker is sized, in one place: the design plans the worker's Cloud Run service and
// queue from it, and the llmops phase builds the worker code against the same numbers, so the
// path Cloud Tasks pushes to and the deadlines the code assumes cannot drift apart.
import { ASSUMED_LLM_LATENCY_SECONDS, type Inventory } from "../inventory/schema.js";
import type { QueueSettings } from "./ai-worker-task.js";
import { kebab, taskShapeFor } from "./task-shape.js";

/** Env vars that hold a model provider's credential: only the AI worker may call a model. */
export const LLM_KEY_ENV = /(GEMINI|OPENAI|ANTHROPIC|GOOGLE|VERTEX|MISTRAL|COHERE)_API_KEY$/;

const clamp = (n: number, lo: number, hi: number) => Math.min(hi, Math.max(lo, n));

export interface AiWorkerSizing {
  taskType: string;
  /** Path on the worker that Cloud Tasks pushes to (the generated worker serves it). */
  workerPath: string;
  /** Slowest model call the inventory expects (llm.latencySeconds upper bound, default 15 s). */
  latencyMaxSeconds: number;
  /** Per-call timeout the worker passes to the SDK: twice the slowest expected call. */
  modelTimeoutSeconds: number;
  queue: QueueSettings;
  /** What had to be assumed, by topic (the llmops phase quotes them only where they apply). */
  assumed: { latency?: string; rate?: string };
}

/**
 * True when the inventory asks for the AI worker: an `llm` section (written by hand, or by the
 * wizard when the user confirms a detected model SDK). A model key alone does not: the llmops
 * phase that writes the worker's code runs only with `llm`, and a planned worker without its code
 * would not build.
 */
export function needsAiWorker(inv: Inventory): boolean {
  return inv.llm !== undefined;
}

/** Services that hold a model provider's key (a model call the inventory did not describe). */
export function modelKeyHolders(inv: Inventory): string[] {
  return inv.services.filter((s) => s.env.some((e) => LLM_KEY_ENV.test(e.toUpperCase()))).map((s) => s.name);
}

export function aiWorkerSizing(inv: Inventory): AiWorkerSizing {
  const llm = inv.llm;
  const assumed: AiWorkerSizing["assumed"] = {};
  const shape = taskShapeFor(llm?.useCase);
  const [, latencyMax] = llm?.latencySeconds ?? ASSUMED_LLM_LATENCY_SECONDS;
  if (!llm?.latencySeconds) assumed.latency = "No model latency in the inventory; assumed 5-15 s per call.";
  const modelTimeoutSeconds = clamp(Math.ceil(latencyMax * 2), 10, 300);
  const rpm = llm?.requestsPerMinute;
  if (!rpm)
    assumed.rate =
      "No model request rate in the inventory; assumed at most 2 model calls per second (queue dispatch rate).";
  const rate = clamp(rpm ? Math.round((rpm / 60) * 10) / 10 : 2, 0.1, 500);
  // Cloud Tasks must wait longer than one model call plus the worker's own bookkeeping.
  const deadline = clamp(Math.max(modelTimeoutSeconds * 3, modelTimeoutSeconds + 15), 60, 1800);
  return {
    taskType: shape.taskType,
    workerPath: `/tasks/${kebab(shape.taskType)}`,
    latencyMaxSeconds: latencyMax,
    modelTimeoutSeconds,
    queue: {
      maxAttempts: 5,
      minBackoffSeconds: clamp(Math.ceil(latencyMax), 5, 60),
      maxBackoffSeconds: 300,
      maxDispatchesPerSecond: rate,
      // Little's law: calls in flight ≈ rate × latency. Caps Vertex quota use and worker instances.
      maxConcurrentDispatches: clamp(Math.ceil(rate * latencyMax), 5, 500),
      dispatchDeadlineSeconds: deadline,
    },
    assumed,
  };
}
