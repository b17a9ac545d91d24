// The sequence diagram of one request: client → API → Cloud Tasks → worker → Vertex AI → DB →
// status poll, built as data through the shared Mermaid builder (which escapes every label).
import { buildSequence } from "../../render/mermaid.js";
import type { LlmopsResult } from "./schema.js";

export function sequenceDiagram(result: LlmopsResult, route: string): string {
  const t = result.topology;
  return buildSequence({
    title: `AI worker: ${result.taskType}`,
    participants: [
      { id: "client", label: "Client", kind: "actor" },
      { id: "api", label: `API (${t.apiService})`, kind: "participant" },
      { id: "db", label: "Cloud SQL: task records", kind: "database" },
      { id: "tasks", label: `Cloud Tasks: ${t.queue}`, kind: "queue" },
      { id: "worker", label: `AI worker (${t.workerService})`, kind: "participant" },
      { id: "vertex", label: `Vertex AI: ${result.model.id}`, kind: "participant" },
    ],
    steps: [
      { autonumber: true },
      { from: "client", to: "api", text: `POST ${route} (input + request_id)` },
      { from: "api", to: "db", text: "insert task (queued), keyed by hash of request_id" },
      { from: "api", to: "tasks", text: "create task, name = task_id, OIDC token for the invoker" },
      { from: "api", to: "client", text: "202 Accepted + status_url", arrow: "reply" },
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
          { from: "client", to: "api", text: `GET ${route}/task_id` },
          { from: "api", to: "db", text: "read task" },
          { from: "api", to: "client", text: "status, result, prompt version", arrow: "reply" },
        ],
      },
    ],
  });
}
