// The sequence diagram of one request: client → API → Cloud Tasks → worker → Vertex AI → DB →
// status poll, built as data through the shared Mermaid builder (which escapes every label).
import { buildSequence } from "../../render/mermaid.js";
import type { LlmopsResult } from "./schema.js";

/** With an AI gateway the app forwards (server-side, ID token) and the gateway plays the API's part. */
export function sequenceDiagram(result: LlmopsResult, route: string, gateway?: string): string {
  const t = result.topology;
  const caller = gateway ? "app" : "client";
  return buildSequence({
    title: `AI worker: ${result.taskType}`,
    participants: [
      { id: "client", label: "Client", kind: "actor" },
      ...(gateway ? [{ id: "app", label: `App (${t.apiService})`, kind: "participant" as const }] : []),
      { id: "api", label: gateway ? `AI gateway (${gateway})` : `API (${t.apiService})`, kind: "participant" },
      { id: "db", label: "Cloud SQL: task records", kind: "database" },
      { id: "tasks", label: `Cloud Tasks: ${t.queue}`, kind: "queue" },
      { id: "worker", label: `AI worker (${t.workerService})`, kind: "participant" },
      { id: "vertex", label: `Vertex AI: ${result.model.id}`, kind: "participant" },
    ],
    steps: [
      { autonumber: true },
      ...(gateway
        ? [
            { from: "client", to: "app", text: "AI request (the app authenticates the user)" },
            { from: "app", to: "api", text: `POST ${route} (input + request_id, ID token of the app)` },
          ]
        : [{ from: "client", to: "api", text: `POST ${route} (input + request_id)` }]),
      { from: "api", to: "db", text: "insert task (queued), keyed by hash of request_id" },
      { from: "api", to: "tasks", text: "create task, name = task_id, OIDC token for the invoker" },
      { from: "api", to: caller, text: "202 Accepted + status_url", arrow: "reply" },
      ...(gateway ? [{ from: "app", to: "client", text: "202 Accepted + status_url", arrow: "reply" as const }] : []),
      { from: "tasks", to: "worker", text: `POST ${t.workerPath} (X-CloudTasks-* headers)`, arrow: "async" },
      { note: "Cloud Run checks the OIDC token: only the invoker identity gets through", over: ["tasks", "worker"] },
      { activate: "worker" },
      { from: "worker", to: "db", text: "claim: queued to running" },
      { from: "worker", to: "vertex", text: `generate_content, timeout ${result.model.timeoutSeconds} s` },
      {
        block: "alt",
        label: "valid answer",
        steps: [
          { from: "vertex", to: "worker", text: "JSON result", arrow: "reply" },
          { from: "worker", to: "db", text: "succeeded + result + prompt version and sha256" },
          { from: "worker", to: "tasks", text: "200 (done)", arrow: "reply" },
        ],
        else: [
          {
            label: "429, 5xx or timeout",
            steps: [
              { from: "worker", to: "db", text: "back to queued, error recorded" },
              { from: "worker", to: "tasks", text: "503: retry with backoff", arrow: "reply" },
            ],
          },
          {
            label: "safety block or bad input",
            steps: [
              { from: "worker", to: "db", text: "failed + reason" },
              { from: "worker", to: "tasks", text: "200: acknowledged, never retried", arrow: "reply" },
            ],
          },
        ],
      },
      { deactivate: "worker" },
      {
        block: "loop",
        label: "until succeeded or failed",
        steps: [
          ...(gateway ? [{ from: "client", to: "app", text: "GET status" }] : []),
          { from: caller, to: "api", text: `GET ${route}/task_id` },
          { from: "api", to: "db", text: "read task" },
          { from: "api", to: caller, text: "status, result, prompt version", arrow: "reply" },
          ...(gateway ? [{ from: "app", to: "client", text: "status, result", arrow: "reply" as const }] : []),
        ],
      },
    ],
  });
}
