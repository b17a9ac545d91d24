// The values the llmops templates see. Anything bound for Python is turned into source text here,
// from pattern-checked identifiers and escaped literals only; templates never see raw strings
// they could splice into code.
import { heldLabel } from "../../contracts/held-targets.js";
import { createHash } from "node:crypto";
import { inventoryDatabaseEngine } from "../../contracts/database-engine.js";
import { databaseUrlSecret, type Deployment } from "../../contracts/deployment.js";
import type { Inventory } from "../../inventory/schema.js";
import type { FieldType, LlmopsResult, TaskField } from "./schema.js";
import { pascalCase, pyIdentifier, pyLiteral, pyString, type PyValue } from "./python-literal.js";
import { kebab } from "../../contracts/task-shape.js";
import { resolveGateway } from "./gateway.js";

const PY_TYPES: Record<FieldType, string> = {
  string: "str",
  text: "str",
  integer: "int",
  number: "float",
  boolean: "bool",
  string_list: "List[str]",
};

/** `name: Type = Field(...)` for one pydantic field. */
export function fieldLine(field: TaskField): string {
  const type = PY_TYPES[field.type];
  const isString = field.type === "string" || field.type === "text";
  const args = [field.required ? "..." : "None"];
  if (isString && field.required) args.push("min_length=1");
  if (isString && field.maxLength !== undefined) args.push(`max_length=${field.maxLength}`);
  args.push(`description=${pyString(field.description)}`);
  const annotation = field.required ? type : `Optional[${type}]`;
  return `${pyIdentifier(field.name)}: ${annotation} = Field(${args.join(", ")})`;
}

function sampleValue(field: TaskField, variant: 0 | 1): PyValue {
  const fit = (s: string) => s.slice(0, field.maxLength ?? s.length);
  switch (field.type) {
    case "string":
      return fit(variant ? "other" : "sample");
    case "text":
      return fit(variant ? "A different text for the same request id." : "Sample text used by the generated tests.");
    case "integer":
      return variant ? 4 : 3;
    case "number":
      return variant ? 0.25 : 0.5;
    case "boolean":
      return variant === 0;
    case "string_list":
      return variant ? ["third"] : ["first", "second"];
  }
}

export function sample(fields: TaskField[], variant: 0 | 1 = 0): Record<string, PyValue> {
  return Object.fromEntries(fields.map((f) => [f.name, sampleValue(f, variant)]));
}

export interface ViewContext {
  inventory: Inventory;
  deployment?: Deployment;
  workerDir: string;
}

export function promptFileContent(result: LlmopsResult): string {
  const { prompt, taskType } = result;
  return `---\nname: ${pyIdentifier(prompt.name)}\nversion: ${prompt.version}\ntask_type: ${pyIdentifier(taskType)}\n---\n${prompt.instructions.trim()}\n`;
}

export function sha256(text: string): string {
  return createHash("sha256").update(text, "utf8").digest("hex");
}

/** NAME + suffix within Cloud Scheduler's job-name pattern (letters, digits, dashes; 500 max). */
function withSuffixName(name: string, suffix: string): string {
  return `${name.slice(0, 49 - suffix.length).replace(/-+$/, "")}${suffix}`;
}

export function buildView(result: LlmopsResult, ctx: ViewContext) {
  const { topology: t, queue, model } = result;
  const project = ctx.deployment?.project ?? ctx.inventory.target.project ?? "my-project";
  const region = ctx.deployment?.region ?? ctx.inventory.target.region;
  const route = `/ai/${kebab(result.taskType)}`;
  const required = result.inputFields.find((f) => f.required)!;
  const engine = ctx.deployment?.database?.engine ?? inventoryDatabaseEngine(ctx.inventory) ?? "mysql";
  const worker = ctx.deployment?.services.find((s) => s.name === t.workerService);
  const gateway = resolveGateway(ctx.inventory, ctx.deployment, t, !t.derived.includes("workerService"));
  // A held app (contracts/held-targets.ts) does not run on Cloud Run yet: its identity gets no
  // grant here until the decision brings it and this script reruns.
  const heldApi = ctx.deployment?.services.find((s) => s.name === t.apiService && s.held);
  const databaseUrlEnv = (worker && databaseUrlSecret(worker)) ?? "DATABASE_URL";
  // After this long every Cloud Tasks attempt (deadline + backoff each) is over: an open task
  // that old will never be delivered again, so a resubmit or the sweeper may re-enqueue it.
  const staleAfterSeconds = Math.ceil(
    queue.maxAttempts * (queue.dispatchDeadlineSeconds + queue.maxBackoffSeconds) + 60,
  );

  return {
    taskType: pyIdentifier(result.taskType),
    className: pascalCase(result.taskType),
    useCase: result.useCase,
    docs: result.docs,
    assumptions: result.assumptions,
    typingImports: ["Any", "Callable", "Dict", "List", "Optional"].join(", "),
    inputFieldLines: result.inputFields.map(fieldLine),
    outputFieldLines: result.outputFields.map(fieldLine),
    pyTaskType: pyString(result.taskType),
    pyUseCase: pyString(result.useCase),
    pyRoute: pyString(route),
    pyWorkerPath: pyString(t.workerPath),
    pyQueue: pyString(t.queue),
    pyInvokerAccount: pyString(t.invokerServiceAccount),
    pyRegion: pyString(region),
    pyModelId: pyString(model.id),
    pyModelLocation: pyString(model.location),
    pyPromptFile: pyString(`prompts/${pyIdentifier(result.prompt.name)}.md`),
    pySampleInput: pyLiteral(sample(result.inputFields)),
    pyChangedInput: pyLiteral(sample(result.inputFields, 1)),
    pySampleOutput: pyLiteral(sample(result.outputFields)),
    pyRequiredInputField: pyString(required.name),
    pyDatabaseUrlEnv: pyString(databaseUrlEnv),
    databaseUrlEnv,
    staleAfterSeconds,
    sweepMinutes: 10,
    sweepPath: "/internal/sweep",
    sweepJob: withSuffixName(t.workerService, "-sweep"),
    modelTimeoutSeconds: model.timeoutSeconds,
    temperature: model.temperature,
    maxOutputTokens: model.maxOutputTokens,
    maxAttempts: queue.maxAttempts,
    dispatchDeadlineSeconds: queue.dispatchDeadlineSeconds,
    dbDriver: engine === "postgres" ? "pg8000==1.31.2" : "PyMySQL==1.1.1",
    // Shell and Markdown: every value below matched a strict name pattern in the schema.
    project,
    region,
    route,
    queueName: t.queue,
    queueSettings: queue,
    apiService: t.apiService,
    apiServiceAccount: t.apiServiceAccount,
    /** "web-app-prod (held until the open decision api-disk is taken)", or false when the app deploys. */
    apiHeld: heldApi ? heldLabel(heldApi) : (false as const),
    // The AI gateway (gateway.py), when the app cannot mount the router; false when it mounts it.
    gateway: gateway ?? (false as const),
    /** The identity that enqueues: the gateway's when there is one, else the API's. */
    enqueuerServiceAccount: gateway?.serviceAccount ?? t.apiServiceAccount,
    workerService: t.workerService,
    workerServiceAccount: t.workerServiceAccount,
    invokerServiceAccount: t.invokerServiceAccount,
    workerPath: t.workerPath,
    workerDir: ctx.workerDir,
    workerTimeoutSeconds: Math.max(queue.dispatchDeadlineSeconds, worker?.timeoutSeconds ?? 0),
    cloudSqlInstance: worker?.cloudSqlInstance ?? ctx.deployment?.database?.instance ?? "",
    isPostgres: engine === "postgres",
    cloudSqlConnection: `${project}:${region}:${worker?.cloudSqlInstance ?? ctx.deployment?.database?.instance ?? "INSTANCE"}`,
    minBackoffSeconds: queue.minBackoffSeconds,
    maxBackoffSeconds: queue.maxBackoffSeconds,
    maxDispatchesPerSecond: queue.maxDispatchesPerSecond,
    maxConcurrentDispatches: queue.maxConcurrentDispatches,
    modelId: model.id,
    modelLocation: model.location,
    promptName: result.prompt.name,
    promptVersion: result.prompt.version,
    promptSha256: sha256(promptFileContent(result)),
  };
}

export type LlmopsView = ReturnType<typeof buildView>;
