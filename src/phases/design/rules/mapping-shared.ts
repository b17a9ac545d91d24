// Helpers the mapping entries share: the broker's Cloud Tasks queues and the model-key change.
import type { Service } from "../../../inventory/schema.js";
import type { Queue } from "../../../contracts/deployment.js";
import { isLlmKey } from "./ai-worker.js";
import type { Draft } from "./draft.js";

/** Queues that replace the broker (the AI worker's queue is new, not a broker replacement). */
export const taskQueues = (d: Draft): Queue[] => d.queues.filter((q) => q.target !== d.notes.ai?.worker);

/** The app change for a service that held a model credential: it loses it to the AI worker. */
export function dropModelKeys(d: Draft, s: Service): string[] {
  const ai = d.notes.ai;
  const keys = s.env.filter(isLlmKey);
  if (!ai || keys.length === 0) return [];
  return [
    `Remove ${keys.join(", ")} from ${s.name}: only ${ai.worker} calls Vertex AI, as service account ${ai.serviceAccount} (the one identity with roles/aiplatform.user), without an API key.`,
  ];
}
