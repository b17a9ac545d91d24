// The ADR for the AI worker: why model calls leave the API, and what that costs and changes.
import { ASSUMED_LLM_LATENCY_SECONDS } from "../../../inventory/schema.js";
import { type Deployment, isAppApi } from "../../../contracts/deployment.js";
import type { Draft } from "./draft.js";
import type { TopicDecision } from "./topic-decision.js";

export function aiDecision(d: Draft, dep: Deployment): TopicDecision | undefined {
  const ai = d.notes.ai;
  if (!ai) return undefined;
  const worker = dep.services.find((s) => s.name === ai.worker);
  const queue = dep.queues.find((q) => q.name === ai.queue);
  if (!worker || !queue) return undefined;
  const api = dep.services.find(isAppApi);
  const gateway = ai.gateway ? dep.services.find((s) => s.name === ai.gateway!.name) : undefined;
  const [low, high] = d.inv.llm?.latencySeconds ?? ASSUMED_LLM_LATENCY_SECONDS;
  const keys = ai.keyEnv.length ? ai.keyEnv.join(", ") : "no model key";
  return {
    topic: "ai",
    element: `AI worker ${worker.name} fed by Cloud Tasks queue ${queue.name}`,
    title: "Move model calls off the API into a dedicated AI worker",
    context:
      `${ai.holders.join(", ")} hold${ai.holders.length === 1 ? "s" : ""} ${keys} and call the model ` +
      `inside requests today. A model call takes ${low}–${high} s: a handful of them in flight ties up ` +
      `every API worker, and a slow or rate-limited provider stalls the whole product.`,
    decision:
      (gateway
        ? `${ai.gateway!.why}, so the enqueue side runs as a private Cloud Run service of its own, ` +
          `${gateway.name} (the worker's image, started as gateway.py, identity ${gateway.serviceAccount}): ` +
          `${api ? `${api.name}` : "the app"} authenticates its user, then forwards the AI request server-side ` +
          `with a Google-signed ID token (only its own identity holds roles/run.invoker on the gateway). ` +
          `${gateway.name} accepts it with 202 and a status URL, stores a task record and enqueues it on ${queue.name}; `
        : `${api ? `${api.name} ` : "The API "}accepts an AI request with 202 and a status URL, stores a task ` +
          `record and enqueues it on ${queue.name}; `) +
      `Cloud Tasks pushes it to ${worker.name}${queue.path} with ` +
      `an OIDC token of ${ai.invoker}, the only identity allowed to invoke the worker. ` +
      (`${worker.name} runs as ${ai.serviceAccount}, the only identity granted roles/aiplatform.user, and ` +
        `calls Gemini on Vertex AI without an API key; ` +
        `${ai.keyEnv.length ? `${keys} is removed from every other service. ` : ""}`) +
      (`Sizing: request timeout ${worker.timeoutSeconds} s (dispatch deadline ` +
        `${queue.dispatchDeadlineSeconds} s, well above a ${high} s call), concurrency ${worker.concurrency} ` +
        `(I/O-bound calls), 0–${worker.maxInstances} instances; the queue caps calls at ` +
        `${queue.maxDispatchesPerSecond}/s and ${queue.maxConcurrentDispatches} in flight, retrying ` +
        `${queue.maxAttempts} times with ${queue.minBackoffSeconds}–${queue.maxBackoffSeconds} s backoff.`),
    alternatives: [
      "Keep calling the model from the API with a longer timeout: every slow call still holds an API instance and the provider's latency becomes the product's latency.",
      "Reuse the general task worker: model calls would share its concurrency and identity, so a Vertex AI grant would reach every background task.",
      ...(gateway
        ? [
            "Write the enqueue side in the app's own framework (a Django view, a Rails controller, an Express route): a second implementation of the dedup, task-naming and resubmit rules that the worker's tests never exercise, plus SQLAlchemy-like storage and the Cloud Tasks client in the app's dependencies.",
            "Route /ai/* from the load balancer straight to a public gateway: no app code at all, but the route would bypass the app's authentication and let anyone spend model quota.",
          ]
        : []),
    ],
    consequences: [
      "API latency no longer depends on the model; clients poll (or are notified) for the result.",
      "Vertex AI access is confined to one service account; a leaked API credential cannot spend model quota.",
      "Model token charges are billed by Vertex AI on top of the Cloud Run lines in cost-estimate.md.",
      ...(gateway
        ? [
            `One more Cloud Run service to deploy and watch (${gateway.name}, scales to zero); its first request after idling waits for a cold start.`,
          ]
        : []),
    ],
  };
}
