// Hostile and sloppy model answers: anything that would reach Python, shell or a file name as
// code is rejected by the schema; the escaper turns every string into an inert ASCII literal.
import { describe, expect, it } from "vitest";
import { llmopsResultSchema, type LlmopsResult } from "../../../src/phases/llmops/schema.js";
import { offlineLlmops } from "../../../src/phases/llmops/offline.js";
import { pascalCase, pyIdentifier, pyLiteral, pyString } from "../../../src/phases/llmops/python-literal.js";
import { phaseInput, seedDeployment, seedInventory } from "./fixtures.js";

const valid = (): LlmopsResult => structuredClone(offlineLlmops(phaseInput(seedInventory(), seedDeployment())));

type Mutation = [name: string, mutate: (r: LlmopsResult) => void, path: string];

const REJECTED: Mutation[] = [
  ["task type with a statement", (r) => (r.taskType = "x; import os"), "taskType"],
  ["task type that is a keyword", (r) => (r.taskType = "class"), "taskType"],
  ["task type with a dunder", (r) => (r.taskType = "__init__"), "taskType"],
  ["field name with quotes", (r) => (r.inputFields[0]!.name = 'a"b'), "inputFields.0.name"],
  ["field name with a newline", (r) => (r.inputFields[0]!.name = "a\nimport os"), "inputFields.0.name"],
  ["field name that is a keyword", (r) => (r.outputFields[0]!.name = "lambda"), "outputFields.0.name"],
  ["field name the code reserves", (r) => (r.inputFields[0]!.name = "request_id"), "inputFields.0.name"],
  ["field name in pydantic's namespace", (r) => (r.outputFields[0]!.name = "model_config"), "outputFields.0.name"],
  ["field name with unicode letters", (r) => (r.inputFields[0]!.name = "naïve"), "inputFields.0.name"],
  ["duplicate field names", (r) => (r.outputFields[1]!.name = r.outputFields[0]!.name), "outputFields"],
  ["no required output", (r) => r.outputFields.forEach((f) => (f.required = false)), "outputFields"],
  ["unknown field type", (r) => ((r.inputFields[0] as { type: string }).type = "bytes"), "inputFields.0.type"],
  ["prompt name with a path", (r) => (r.prompt.name = "../../etc/passwd"), "prompt.name"],
  ["prompt version not semver", (r) => (r.prompt.version = "1.0; rm -rf /"), "prompt.version"],
  ["prompt text with control characters", (r) => (r.prompt.instructions += "\u0000\u001b[2J"), "prompt.instructions"],
  ["model id with spaces", (r) => (r.model.id = "gemini 3 flash"), "model.id"],
  ["model id with quotes", (r) => (r.model.id = 'gemini-3"); import os; ("'), "model.id"],
  ["model location with a slash", (r) => (r.model.location = "us-central1/../x"), "model.location"],
  ["timeout out of range", (r) => (r.model.timeoutSeconds = 100000), "model.timeoutSeconds"],
  ["attempts out of range", (r) => (r.queue.maxAttempts = 0), "queue.maxAttempts"],
  ["backoff min above max", (r) => (r.queue.minBackoffSeconds = 900), "queue.minBackoffSeconds"],
  ["deadline below the model timeout", (r) => (r.queue.dispatchDeadlineSeconds = 20), "queue.dispatchDeadlineSeconds"],
  ["queue name with shell", (r) => (r.topology.queue = "q$(id)"), "topology.queue"],
  [
    "service account with a domain",
    (r) => (r.topology.workerServiceAccount = "sa@evil.com"),
    "topology.workerServiceAccount",
  ],
  ["worker path with a quote", (r) => (r.topology.workerPath = '/tasks"x'), "topology.workerPath"],
  ["use case over two lines", (r) => (r.useCase = "summarise\nimport os"), "useCase"],
  [
    "failure mode cell over two lines",
    (r) => (r.docs.failureModes[0]!.effect = "a\n| b |"),
    "docs.failureModes.0.effect",
  ],
];

describe("llmopsResultSchema", () => {
  it("accepts the offline answer for the example", () => {
    expect(llmopsResultSchema.safeParse(valid()).success).toBe(true);
  });

  it.each(REJECTED)("rejects %s", (_name, mutate, path) => {
    const r = valid();
    mutate(r);
    const parsed = llmopsResultSchema.safeParse(r);
    expect(parsed.success).toBe(false);
    expect(parsed.error!.issues.map((i) => i.path.join("."))).toContain(path);
  });

  it("accepts prose with quotes, triple quotes and braces (it is escaped, not rejected)", () => {
    const r = valid();
    r.useCase = 'summarise """contracts""" {{x}} \\ \' "';
    r.inputFields[0]!.description = '"""; import os; """ {{ }}';
    r.prompt.instructions += '\n\n"""\n{{injected}}\n---\nversion: 9.9.9\n';
    expect(llmopsResultSchema.safeParse(r).success).toBe(true);
  });
});

describe("pyString", () => {
  const cases: [string, string][] = [
    ["plain", '"plain"'],
    ['say "hi"', '"say \\"hi\\""'],
    ['"""', '"\\"\\"\\""'],
    ["back\\slash", '"back\\\\slash"'],
    ["line\nbreak\r\ttab", '"line\\nbreak\\r\\ttab"'],
    ["{{braces}} and {0}", '"{{braces}} and {0}"'],
    ["café", '"caf\\xe9"'],
    ["中文", '"\\u4e2d\\u6587"'],
    ["🚀", '"\\U0001f680"'],
    ["\u2028\u0000", '"\\u2028\\x00"'],
  ];
  it.each(cases)("%j → %s", (input, expected) => {
    expect(pyString(input)).toBe(expected);
    expect(pyString(input)).toMatch(/^"[\x20-\x7e]*"$/);
  });
});

describe("pyLiteral and identifiers", () => {
  it.each([
    [null, "None"],
    [true, "True"],
    [false, "False"],
    [3, "3"],
    [0.25, "0.25"],
    [["a", 1], '["a", 1]'],
    [{ 'k"': ["x"], n: null }, '{"k\\"": ["x"], "n": None}'],
  ] as const)("%j → %s", (value, expected) => {
    expect(pyLiteral(value as never)).toBe(expected);
  });

  it("refuses non-finite numbers", () => {
    expect(() => pyLiteral(Number.NaN)).toThrow();
  });

  it.each(["x; import os", "import", "None", "Class", "a-b", "", "_private", "model_fields"])(
    "pyIdentifier refuses %j",
    (name) => {
      expect(() => pyIdentifier(name)).toThrow(/unsafe Python identifier/);
    },
  );

  it("PascalCases snake names", () => {
    expect(pascalCase("contract_summary")).toBe("ContractSummary");
    expect(pascalCase("a1_b2")).toBe("A1B2");
  });
});
