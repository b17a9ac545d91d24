// Redaction keeps facts (numbers, counts, limits named after tokens) and catches secrets written
// in prose. Every phase's prompt for every example inventory comes through untouched.
import { describe, expect, it } from "vitest";
import { redactText } from "../../src/inventory/redact.js";
import { PHASE_IDS, loadPhase } from "../../src/phases/registry.js";
import { offlineAnswers } from "../helpers/phase-answers.js";
import { inputFromFile } from "../helpers/phase-input.js";
import { EXAMPLE_INVENTORIES } from "../helpers/sent-schemas.js";

describe("redaction leaves facts alone", () => {
  it.each([
    '{"model":{"temperature":0.2,"maxOutputTokens":8192,"timeoutSeconds":30}}',
    "max_tokens: 4096",
    "MAX_TOKENS=4096",
    "tokensPerMinute: 60000",
    '"thinkingBudget": 8192',
    "token_limit = 2048",
    "TOKEN_TTL=3600",
    "password_min_length: 12",
    "SECRET_VERSION=3",
    '"api_key_count": 2',
    "secret_rotation_days: 90",
    "The password is stored in Secret Manager and rotated monthly.",
    "No API key is needed: the worker's service account authenticates.",
    "the token is sent in the Authorization header",
    "The SLACK_WEBHOOK_URL secret is set; without it the step says so.",
    "password: ${DB_PASSWORD}",
    "the root password is required for the migration",
  ])("%s", (text) => {
    expect(redactText(text)).toEqual({ text, findings: [] });
  });

  it("a numeric value under a password's name is still a password", () => {
    expect(redactText("DB_PASSWORD=12345678").text).toBe("DB_PASSWORD=<redacted:password>");
  });
});

describe("secrets written in prose", () => {
  it.each([
    ["root password is hunter2…", "root password is <redacted:password>"],
    ["The root password is hunter2, do not share.", "The root password is <redacted:password>, do not share."],
    ["admin pwd was: S3cr3t!", "admin pwd was: <redacted:password>"],
    ["the password for root is correcthorse", "the password for root is <redacted:password>"],
    ['the passphrase is "open sesame 42"', 'the passphrase is "<redacted:password>"'],
    ["our API key is k3y9fz0Q2", "our API key is <redacted:secret>"],
    ["the deploy token was tok_8a7b6c5d", "the deploy token was <redacted:secret>"],
  ])("%s", (input, expected) => {
    expect(redactText(input).text).toBe(expected);
  });
});

describe.each(EXAMPLE_INVENTORIES)("every prompt for $name", ({ file }) => {
  it("has nothing the redactor would change (no secrets, and no facts mistaken for one)", async () => {
    const answers = await offlineAnswers(file, "/nonexistent");
    for (const id of PHASE_IDS) {
      const phase = await loadPhase(id);
      const upstream = Object.fromEntries(phase.dependsOn.map((d) => [d, answers[d]]));
      const prompt = await phase.buildPrompt(inputFromFile(file, {}, upstream));
      expect(redactText(prompt).findings, `${id} prompt`).toEqual([]);
    }
  });
});
