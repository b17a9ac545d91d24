// The built CLI with --provider gemini against the fake server: Vertex AI set-up problems are bad
// input (exit 2) with the fix, and a server-requested wait shows in the progress lines.
import { describe, expect, it } from "vitest";
import { startFakeGemini } from "../helpers/fake-gemini.mjs";
import { cleanEnv, listFiles, runCli, tempDir } from "../helpers/cli.js";
import { answerByPersona, offlineAnswers } from "../helpers/phase-answers.js";
import { SEED_INVENTORY } from "../helpers/phase-input.js";

describe("Vertex AI mode in the CLI", () => {
  it.each<[string, Record<string, string>, RegExp]>([
    ["no project, with a Gemini API key set", { GOOGLE_CLOUD_LOCATION: "global" }, /needs GOOGLE_CLOUD_PROJECT/],
    [
      "no location",
      { GOOGLE_CLOUD_PROJECT: "acme-prod" },
      /needs GOOGLE_CLOUD_LOCATION[\s\S]*GOOGLE_CLOUD_LOCATION=global/,
    ],
    [
      "no Application Default Credentials",
      { GOOGLE_CLOUD_PROJECT: "acme-prod", GOOGLE_CLOUD_LOCATION: "global", METADATA_SERVER_DETECTION: "none" },
      /Application Default Credentials[\s\S]*gcloud auth application-default login/,
    ],
  ])("%s: exit 2 with the fix, no call to any endpoint, nothing written", async (_name, vars, message) => {
    const fake = await startFakeGemini({ defaultReply: { json: {} } });
    const out = await tempDir();
    const home = await tempDir("im-home-");
    try {
      const env = cleanEnv({
        GOOGLE_GENAI_USE_VERTEXAI: "true",
        GEMINI_API_KEY: "test-key-not-real",
        GOOGLE_GEMINI_BASE_URL: fake.url,
        GOOGLE_VERTEX_BASE_URL: fake.url,
        HOME: home,
        CLOUDSDK_CONFIG: home,
        ...vars,
      });
      const result = await runCli(["audit", "--inventory", SEED_INVENTORY, "--out", out, "--provider", "gemini"], {
        env,
      });
      expect(result.exitCode, String(result.stderr)).toBe(2);
      expect(String(result.stderr)).toMatch(message);
      expect(fake.requests).toHaveLength(0);
      expect(await listFiles(out)).toEqual([]);
    } finally {
      await fake.close();
    }
  });
});

describe("waiting for the server", () => {
  it("says so in the progress lines while it waits out RetryInfo", async () => {
    const out = await tempDir();
    const answers = await answerByPersona(await offlineAnswers(SEED_INVENTORY, out));
    const fake = await startFakeGemini({ defaultReply: answers });
    fake.enqueue({ status: 429, retryDelay: "1s" });
    try {
      const env = cleanEnv({ GEMINI_API_KEY: "test-key-not-real", GOOGLE_GEMINI_BASE_URL: fake.url });
      const result = await runCli(["audit", "--inventory", SEED_INVENTORY, "--out", out, "--provider", "gemini"], {
        env,
      });
      expect(result.exitCode, String(result.stderr)).toBe(0);
      expect(String(result.stderr)).toContain(
        "[audit] HTTP 429: Gemini asked to wait 1 s (RetryInfo); waiting before attempt 2",
      );
      expect(fake.requests).toHaveLength(2);
    } finally {
      await fake.close();
    }
  });
});

describe("what an endpoint says, on the terminal", () => {
  it("its control sequences are shown as escapes, never sent to the terminal, and its length is bounded", async () => {
    const fake = await startFakeGemini({
      defaultReply: {
        status: 400,
        message: `bad \u001b]0;owned\u0007\u001b[2J\r\nhint: forged ${"x".repeat(100_000)}`,
      },
    });
    const out = await tempDir();
    try {
      const env = cleanEnv({ GEMINI_API_KEY: "test-key-not-real", GOOGLE_GEMINI_BASE_URL: fake.url });
      const result = await runCli(["audit", "--inventory", SEED_INVENTORY, "--out", out, "--provider", "gemini"], {
        env,
      });
      const stderr = String(result.stderr);
      expect(result.exitCode, stderr).toBe(3);
      expect(stderr).toContain("(HTTP 400 INVALID_ARGUMENT: bad \\u001b]0;owned\\u0007\\u001b[2J hint: forged xxx");
      expect(stderr).not.toMatch(/[\u0000-\u0008\u000b-\u001f\u007f-\u009f]/);
      expect(stderr.split("\n").filter((line) => line.startsWith("hint:"))).toHaveLength(1);
      expect(stderr.length).toBeLessThan(2_000);
    } finally {
      await fake.close();
    }
  });
});
