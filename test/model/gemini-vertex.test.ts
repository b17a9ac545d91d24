// Vertex AI mode through the real SDK: Application Default Credentials come from the fake server
// playing the GCE metadata server; an API key in the environment is never used.
import { mkdtemp } from "node:fs/promises";
import { tmpdir } from "node:os";
import path from "node:path";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { InputError } from "../../src/errors.js";
import { FAKE_ACCESS_TOKEN } from "../helpers/fake-gemini.mjs";
import { TEST_KEY, VALID, rejection, testRequest, useGeminiHarness } from "../helpers/gemini-harness.js";

const h = useGeminiHarness();
const ADC_VARS = [
  "GCE_METADATA_HOST",
  "METADATA_SERVER_DETECTION",
  "GOOGLE_APPLICATION_CREDENTIALS",
  "CLOUDSDK_CONFIG",
  "HOME",
  "GEMINI_API_KEY",
  "GOOGLE_API_KEY",
  "GOOGLE_CLOUD_PROJECT",
];
let saved: Record<string, string | undefined>;

beforeEach(async () => {
  saved = Object.fromEntries(ADC_VARS.map((name) => [name, process.env[name]]));
  // No ADC file anywhere Google's auth library looks; a key that must never be used.
  const empty = await mkdtemp(path.join(tmpdir(), "im-adc-"));
  delete process.env.GOOGLE_APPLICATION_CREDENTIALS;
  process.env.CLOUDSDK_CONFIG = empty;
  process.env.HOME = empty;
  process.env.GEMINI_API_KEY = TEST_KEY;
  // As in Vertex AI mode for real (it is required): Google's auth library then never runs gcloud.
  process.env.GOOGLE_CLOUD_PROJECT = "acme-prod";
});
afterEach(() => {
  for (const [name, value] of Object.entries(saved)) {
    if (value === undefined) delete process.env[name];
    else process.env[name] = value;
  }
});

const vertexClient = (location: string) =>
  h.client({ apiKey: undefined, vertex: { project: "acme-prod", location }, model: "gemini-3.5-flash-lite" });

describe("Vertex AI mode", () => {
  beforeEach(() => {
    process.env.GCE_METADATA_HOST = h.fake.url.replace("http://", "");
    process.env.METADATA_SERVER_DETECTION = "assume-present";
  });

  it("calls the project's Vertex endpoint with an ADC token, never with the API key", async () => {
    h.fake.enqueue({ json: VALID });
    const logged: unknown[] = [];
    const log = console.debug;
    console.debug = (...args) => void logged.push(args);
    const result = await vertexClient("global")
      .generateJson(testRequest())
      .finally(() => (console.debug = log));
    expect(logged, "nothing on stdout (it would corrupt --json)").toEqual([]);
    expect(result.value).toEqual(VALID);
    const sent = h.fake.requests[0]!;
    expect(sent).toMatchObject({ apiVersion: "v1beta1", vertex: { project: "acme-prod", location: "global" } });
    expect(sent.headers.authorization).toBe(`Bearer ${FAKE_ACCESS_TOKEN}`);
    expect(sent.headers["x-goog-api-key"]).toBeUndefined();
    expect(JSON.stringify(sent.headers)).not.toContain(TEST_KEY);
    expect(h.fake.metadataRequests.some((r) => r.path.endsWith("/service-accounts/default/token"))).toBe(true);
  });

  it("a 404 from a regional location names GOOGLE_CLOUD_LOCATION=global", async () => {
    h.fake.enqueue({ status: 404, message: "Publisher Model `gemini-3.5-flash-lite` was not found." });
    const error = await rejection(vertexClient("us-central1").generateJson(testRequest()));
    expect(error).toMatchObject({ code: "provider.model-not-found", exitCode: 3 });
    expect(error.message).toMatch(/not found in location us-central1/);
    expect(error.hint).toMatch(/set GOOGLE_CLOUD_LOCATION=global \(now us-central1\)/);
  });
});

describe("Vertex AI mode without Application Default Credentials", () => {
  it("is bad setup (exit 2) with the fix, after one attempt", async () => {
    process.env.METADATA_SERVER_DETECTION = "none";
    const error = await rejection(vertexClient("global").generateJson(testRequest()));
    expect(error).toBeInstanceOf(InputError);
    expect(error).toMatchObject({ code: "provider.vertex-adc", exitCode: 2 });
    expect(error.message).toMatch(/needs Application Default Credentials/);
    expect(error.hint).toMatch(/gcloud auth application-default login/);
    expect(error.hint).toMatch(/never falls back to GEMINI_API_KEY/);
    expect(h.fake.requests).toHaveLength(0);
    expect(h.delays).toEqual([]);
  });
});
