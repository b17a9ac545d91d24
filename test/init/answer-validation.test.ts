// What init accepts and how it refuses: in our own words, with the rule and an example, never a
// schema library's message. The same parsers check flags and typed answers.
import { describe, expect, it } from "vitest";
import { questionFor, QUESTIONS } from "../../src/init/questions.js";
import { projectIdProblem } from "../../src/inventory/gcp-names.js";
import { parseInventory } from "../../src/inventory/load.js";
import type { AnswerKey } from "../../src/init/answers.js";

const parse = (key: AnswerKey, text: string) => questionFor(key).parse(text);

describe("accepted answers", () => {
  it.each([
    ["traffic.growth", "10", 10],
    ["traffic.growth", "10x", 10],
    ["traffic.growth", "2.5 X", 2.5],
    ["traffic.growth", "10×", 10],
    ["llm.latencySeconds", "5-15", [5, 15]],
    ["llm.latencySeconds", "5–15s", [5, 15]],
    ["llm.latencySeconds", "5 - 15 s", [5, 15]],
    ["llm.latencySeconds", "5 to 15 seconds", [5, 15]],
    ["llm.latencySeconds", "5s-15s", [5, 15]],
    ["host.monthlyCostUsd", "$120", 120],
    ["host.monthlyCostUsd", "120 USD", 120],
    ["host.monthlyCostUsd", "$1,200/month", 1200],
    ["host.monthlyCostUsd", "95.50 a month", 95.5],
    ["database.sizeGiB", "20 GiB", 20],
    ["traffic.peakRps", "40 rps", 40],
    ["deploy.durationMinutes", "45 min", 45],
    ["target.project", "acme-shop-prod", "acme-shop-prod"],
  ] as [AnswerKey, string, unknown][])("%s %j → %j", (key, text, value) => {
    expect(parse(key, text)).toEqual({ ok: true, value });
  });
});

describe("refusals say the rule and give an example", () => {
  it.each([
    ["traffic.growth", "0.5", "the growth must be from 1 to 10,000, e.g. 10 or 10x"],
    ["traffic.growth", "ten", '"ten" is not a number: give the growth as a number, e.g. 10 or 10x'],
    ["team.engineers", "1.5", "the number of engineers is a whole number, e.g. 2"],
    ["team.engineers", "0", "the number of engineers must be from 1 to 10,000, e.g. 2"],
    ["deploy.durationMinutes", "0", "the minutes a deploy takes must be more than 0 and up to 10,000, e.g. 45"],
    [
      "llm.latencySeconds",
      "5",
      "give a range, fastest to slowest acceptable, e.g. 5-15 (timeouts are sized from the slowest; for exactly 5 s write 5-5)",
    ],
    ["llm.latencySeconds", "15-5", "the first number is the fastest: write 5-15"],
    ["llm.latencySeconds", "0-5", "the fastest time must be more than 0 seconds, e.g. 5-15"],
    ["llm.latencySeconds", "soon", 'give the range in seconds as "min-max", e.g. 5-15'],
    [
      "target.project",
      "google-acme",
      '"google-acme": a project id cannot contain "google" (Google reserves it in project ids), e.g. acme-shop-prod',
    ],
    ["target.project", "acme-prod-", '"acme-prod-": a project id cannot end with a hyphen, e.g. acme-shop-prod'],
    [
      "target.project",
      "acme",
      '"acme": a project id is 4 characters long; a project id has 6 to 30, e.g. acme-shop-prod',
    ],
    [
      "target.project",
      "1acme-prod",
      '"1acme-prod": a project id must start with a lowercase letter, e.g. acme-shop-prod',
    ],
    [
      "target.project",
      "acme_prod.x",
      '"acme_prod.x": a project id may hold only lowercase letters, digits and hyphens (not "_" "."), e.g. acme-shop-prod',
    ],
    ["target.service", "web-", '"web-": a Cloud Run service name cannot end with a dash, e.g. web-app-prod'],
    ["target.region", "US-Central", "a region name such as us-central1 or europe-west1, e.g. us-central1"],
    ["target.github", "acme", "owner/repo as in the repository's URL, e.g. acme/web-app"],
  ] as [AnswerKey, string, string][])("%s %j", (key, text, error) => {
    expect(parse(key, text)).toEqual({ ok: false, error });
  });

  it.each(QUESTIONS.filter((q) => q.kind !== "services").map((q) => [q.key, q] as const))(
    "%s never leaks a schema library's wording",
    (_key, spec) => {
      for (const text of ["-1", "0", "abc", "x".repeat(600), "1.5", "99999999999", "Bad Value!"]) {
        const r = spec.parse(text);
        if (r.ok) continue;
        expect(r.error).not.toMatch(/Too (small|big)|expected (number|string)|Invalid (input|string)|[<>]=?\s?\d/);
        expect(r.error).toMatch(/e\.g\. /);
      }
    },
  );
});

describe("GCP project ids (resource-manager docs: 6-30 chars, letter first, no trailing hyphen, no google)", () => {
  it.each([
    ["my-project-1", undefined],
    ["google-acme", 'cannot contain "google" (Google reserves it in project ids)'],
    ["acme-ssl-prod", 'cannot contain "ssl" (Google reserves it in project ids)'],
    ["a".repeat(31), "is 31 characters long; a project id has 6 to 30"],
  ])("%s", (id, problem) => {
    expect(projectIdProblem(id)).toBe(problem);
  });

  it("the inventory loader applies the same rules, with the same words", () => {
    const text = [
      "apiVersion: infra-migrate/v1",
      "kind: Inventory",
      "metadata: { name: x }",
      "services: [{ name: api, role: web, software: gunicorn }]",
      "target: { project: google-acme }",
    ].join("\n");
    expect(() => parseInventory(text, "inv.yaml")).toThrow(/target.project: a GCP project id cannot contain "google"/);
  });
});

describe("plain-language help", () => {
  // Engine names (mysql, postgres…) explain themselves; every other choice is a word of ours.
  it("every choice of every select question says what it means", async () => {
    const { QUESTIONS } = await import("../../src/init/questions.js");
    const missing = QUESTIONS.filter((q) => q.kind === "select").flatMap((spec) =>
      (spec.choices ?? [])
        .filter((choice) => spec.key !== "database.engine" || choice === "none")
        .filter((choice) => !spec.choiceHelp?.[choice]?.trim())
        .map((choice) => `${spec.key}: ${choice}`),
    );
    expect(missing).toEqual([]);
  });
});
