// Where AI requests enter: the enqueue side of the AI worker (accept a request, store a task,
// enqueue it on Cloud Tasks, answer 202 with a status URL, serve the status). The design plans it
// and llmops writes it; both decide here so they cannot disagree.
//
// - A FastAPI API mounts the generated router (services/ai-worker/api_handler.py) itself.
// - Any other API (Django, Flask, Rails, Express, Nest, Go, Laravel, Spring…) gets the same
//   router served by a small Cloud Run service of its own, the AI gateway, built from the AI
//   worker's image with another command. Why one gateway rather than code per framework: the
//   enqueue logic (dedup by request id, task names per delivery, stale-task resubmits) is
//   subtle and is tested once, in Python, against the worker that consumes it; a Rails or Go
//   port would be a second implementation that nobody runs the worker's tests against, and a
//   Django view or Flask blueprint would pull SQLAlchemy and the Cloud Tasks client into the
//   app's own dependencies. The gateway is private (IAM: only the app's identity may invoke it),
//   so the app keeps authenticating its users and forwards the request server-side.
import type { Inventory, Service } from "../inventory/schema.js";

export type AiEnqueueSide = { kind: "router"; api: string } | { kind: "gateway"; why: string };

const ASGI_SERVER = /\b(uvicorn|hypercorn|fastapi)\b/i;

/**
 * A web service that can mount the FastAPI router: `framework: fastapi`, or, when no framework is
 * named, a Python ASGI server (uvicorn, hypercorn), which is how FastAPI apps are run. An inventory
 * that runs Django or Starlette under uvicorn names its framework (detection records it).
 */
function isFastApi(s: Service): boolean {
  if (s.framework) return /^fastapi$/i.test(s.framework);
  if (s.runtime && s.runtime !== "python") return false;
  return ASGI_SERVER.test(`${s.software} ${s.command ?? ""}`);
}

export function aiEnqueueSide(inv: Inventory): AiEnqueueSide {
  const webs = inv.services.filter((s) => s.role === "web");
  const fastApi = webs.find(isFastApi);
  if (fastApi) return { kind: "router", api: fastApi.name };
  const what = webs.map((s) => `${s.name} (${s.framework ?? s.software})`).join(", ");
  return {
    kind: "gateway",
    why: webs.length
      ? `${what} cannot mount a FastAPI router`
      : "the inventory has no web service to mount a FastAPI router in",
  };
}
