// The wizard's ways around: Esc back to the previous question, the review screen (change any
// answer; a change that brings new questions asks them), a rerun that starts from the saved
// answers, and editing a service without losing what detection found about it.
import path from "node:path";
import { describe, expect, it } from "vitest";
import { runWizard } from "../../src/cli/wizard/run-wizard.js";
import { detectRepo } from "../../src/detect/detect-repo.js";
import type { Answers } from "../../src/init/answers.js";
import { BACK, scripted, type ScriptAnswer } from "../helpers/scripted-prompter.js";

const REPO = path.resolve(import.meta.dirname, "../fixtures/repos/fastapi-celery-mysql");
const facts = await detectRepo(REPO, { readRemote: async () => undefined });

/** Every question of the fixture answered with its default, except those given. */
function answering(
  overrides: [string, ScriptAnswer][],
  tail: [string, ScriptAnswer][] = [["Review your answers", ""]],
) {
  const defaults: [string, ScriptAnswer][] = [
    ["Project name", ""],
    ["Services on the VM", "keep"],
    ["Add another service", false],
    ["Database engine", ""],
    ["Database version", ""],
    ["size in GiB", ""],
    ["Database backups", ""],
    ["cost a month", ""],
    ["vCPUs", ""],
    ["memory", ""],
    ["deploy today", ""],
    ["minutes", ""],
    ["per week", ""],
    ["roll back", ""],
    ["Peak requests", ""],
    ["Growth", ""],
    ["Engineers", ""],
    ["Kubernetes", ""],
    ["GCP project id", "acme-prod"],
    ["GCP region", ""],
    ["Cloud Run service", ""],
    ["GitHub repository", "acme/app"],
    ["Business hours", ""],
    ["LLM for", ""],
    ["LLM answer take", "5-15"],
    ["LLM provider", ""],
    ["plan by default", ""],
  ];
  // The first line matching a question answers it: overrides come first, in their order.
  const untouched = defaults.filter(([fragment]) => !overrides.some(([f]) => f === fragment));
  return scripted([...overrides, ...untouched, ...tail]);
}

const run = (prompter: ReturnType<typeof scripted>["prompter"], saved?: Answers) =>
  runWizard({ facts, given: {}, saved, acceptDetected: false, prompter, say: () => {} });

describe("wizard navigation", () => {
  it("counts the steps and, on Esc, asks the previous question again with the answer given", async () => {
    const s = answering([
      ["Database version", "8.0"],
      ["size in GiB", BACK],
      ["Database version", "8.4"],
      ["size in GiB", "20"],
    ]);
    const { answers } = await run(s.prompter);
    expect(s.left).toEqual([]);
    const order = s.asked.map((m) => m.replace(/^\d+ of \d+ /, "").split(" [")[0]);
    expect(order.slice(4, 9)).toEqual([
      "Database version",
      "Database size in GiB",
      "Database version",
      "Database size in GiB",
      "Database backups",
    ]);
    expect(s.asked[0]).toMatch(/^1 of \d+ /);
    const [, total] = /^1 of (\d+)/.exec(s.asked[0]!)!;
    expect(s.asked.at(-2)).toMatch(new RegExp(`^${total} of ${total} `)); // the last question before the review
    expect(answers).toMatchObject({ "database.version": "8.4", "database.sizeGiB": 20 });
  });

  it("the review screen changes any answer; an answer that brings new questions asks them", async () => {
    const s = answering(
      [
        ["LLM for", ""],
        ["LLM answer take", "2-8"],
        ["LLM provider", "vertex-ai"],
      ],
      [
        ["Review your answers", "target.project"],
        ["GCP project id", "acme-prod-2"],
        ["Review your answers", "llm.useCase"],
        ["LLM for", "summarise contracts"],
        ["Review your answers", ""],
      ],
    );
    // Without the SDK, the fixture's LLM question has no default: empty means no LLM, at first.
    const noLlm = { ...facts, llm: undefined };
    const { answers, origins } = await runWizard({
      facts: noLlm,
      given: {},
      acceptDetected: false,
      prompter: s.prompter,
      say: () => {},
    });
    expect(s.left).toEqual([]);
    expect(answers).toMatchObject({
      "target.project": "acme-prod-2",
      "llm.useCase": "summarise contracts",
      "llm.latencySeconds": [2, 8],
      "llm.provider": "vertex-ai",
    });
    expect(origins["target.project"]).toBe("answered");
  });

  it("a rerun shows the saved answers, asks only the required ones they lack, then the review", async () => {
    const first = await run(answering([]).prompter);
    const saved: Answers = { ...first.answers };
    delete saved["target.github"];
    const s = scripted([
      ["Start from them", "quick"],
      ["GitHub repository", "acme/other"],
      ["Review your answers", "host.monthlyCostUsd"],
      ["cost a month", "95"],
      ["Review your answers", ""],
    ]);
    const { answers, origins } = await run(s.prompter, saved);
    expect(s.left).toEqual([]);
    expect(answers).toMatchObject({
      "target.project": "acme-prod",
      "target.github": "acme/other",
      "host.monthlyCostUsd": 95,
    });
    expect(origins["target.project"]).toBe("saved");
  });

  it("changing a detected service keeps its runtime, framework, protocols and always-on as defaults", async () => {
    const s = answering([
      ["Services on the VM", "edit"],
      ["service 1 of", "keep"],
      ["service 2 of", "change"],
      ["Service name", ""],
      ["Role of api", ""],
      ["Software", ""],
      ["Port", ""],
      ["Runtime of api", ""],
      ["Framework of api", ""],
      ["What api speaks", "http, websocket"],
      ["Must api run all the time", ""],
      ["service 3 of", "keep"],
      ["service 4 of", "remove"],
      ["service 5 of", "keep"],
    ]);
    const { answers } = await run(s.prompter);
    const api = answers.services!.find((x) => x.name === "api")!;
    expect(api).toMatchObject({
      runtime: "python",
      framework: "fastapi",
      protocols: ["http", "websocket"],
      longRunning: true,
    });
    expect(answers.services!.map((x) => x.name)).toEqual(["nginx", "api", "celery-worker", "mysql"]);
    // One question a service: keep, change or remove.
    expect(s.asked.filter((m) => /^service \d of 5/.test(m))).toHaveLength(5);
  });
});
