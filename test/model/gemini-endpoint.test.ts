// Endpoints that are not Gemini, through the real SDK against the fake server: a redirect is not
// followed, a page that is not JSON is named as one, and an answer past MAX_ANSWER_BYTES is not
// read whole. None is retried: the same endpoint would send the same thing.
import { describe, expect, it } from "vitest";
import { EndpointError, MAX_ANSWER_BYTES, endpointErrorIn, guardAnswer } from "../../src/model/endpoint-guard.js";
import { TEST_KEY, VALID, rejection, testRequest, useGeminiHarness } from "../helpers/gemini-harness.js";

const h = useGeminiHarness();
const MiB = 1024 * 1024;

describe("answers from something that is not Gemini", () => {
  it("a redirect is refused, not followed, and the request is sent once", async () => {
    h.fake.enqueue({ raw: { status: 302, headers: { location: "http://169.254.169.254/computeMetadata/v1/?key=x" } } });
    const error = await rejection(h.client().generateJson(testRequest()));
    expect(error.code).toBe("provider.endpoint-redirect");
    expect(error.message).toContain("HTTP 302, redirecting to http://169.254.169.254/computeMetadata/v1/;");
    // The Location's query is not repeated (a key may ride in it); the hint names the setting.
    expect(error.message).not.toContain("?key=");
    expect(error.hint).toMatch(/GOOGLE_GEMINI_BASE_URL/);
    expect(h.fake.requests).toHaveLength(1);
    expect(h.delays).toEqual([]);
  });

  it("a 200 page that is not JSON (a proxy's login page) is named, with its first bytes", async () => {
    h.fake.enqueue({
      raw: {
        status: 200,
        headers: { "content-type": "text/html; charset=utf-8" },
        body: "<html><body>Sign in</body></html>",
      },
    });
    const error = await rejection(h.client().generateJson(testRequest()));
    expect(error.code).toBe("provider.endpoint-not-json");
    expect(error.message).toMatch(/answered HTTP 200 with text\/html, not JSON \(it begins: "<html><body>Sign in/);
    expect(h.fake.requests).toHaveLength(1);
  });

  it("JSON under another JSON media type, or with no type at all, is still read", async () => {
    const answer = JSON.stringify({
      candidates: [{ content: { role: "model", parts: [{ text: JSON.stringify(VALID) }] }, finishReason: "STOP" }],
    });
    h.fake.enqueue(
      { raw: { status: 200, headers: { "content-type": "application/vnd.api+json" }, body: answer } },
      { raw: { status: 200, body: answer } },
    );
    expect((await h.client().generateJson(testRequest())).value).toEqual(VALID);
    expect((await h.client().generateJson(testRequest())).value).toEqual(VALID);
  });

  it("an answer that never ends is read up to the limit, not into memory whole", async () => {
    h.fake.enqueue({
      raw: {
        status: 200,
        headers: { "content-type": "application/json" },
        chunk: `{"candidates":[{"content":{"parts":[{"text":"${"a".repeat(MiB)}`,
        times: 20,
      },
    });
    // The harness's 2 s per-call timeout is for answers that are small; this one streams 20 MiB.
    const error = await rejection(h.client({ timeoutMs: 60_000 }).generateJson(testRequest()));
    expect(error.code).toBe("provider.endpoint-too-large");
    expect(error.message).toContain("larger than 16 MiB");
    expect(h.fake.requests).toHaveLength(1);
  });

  it("a body that does not decompress is a transport fault: retried, then named as one", async () => {
    const garbled = {
      raw: {
        status: 200,
        headers: { "content-type": "application/json", "content-encoding": "gzip" },
        body: "not gzip",
      },
    };
    h.fake.enqueue(garbled, garbled, { json: VALID });
    expect((await h.client().generateJson(testRequest())).value).toEqual(VALID);
    expect(h.fake.requests).toHaveLength(3);
    h.fake.setDefault(garbled);
    const error = await rejection(h.client().generateJson(testRequest()));
    expect(error.code).toBe("provider.network");
    expect(error.message).toMatch(/after 4 attempts: .*Z_DATA_ERROR/);
  });

  it.each([
    { name: "null", body: "null", begins: '"null"' },
    { name: "an array", body: " [1, 2]", begins: '"[1, 2]"' },
    { name: "a number", body: "42", begins: '"42"' },
    { name: "an empty body", body: "", begins: undefined },
  ])("a 200 JSON answer that is $name is not a Gemini answer: named once, not retried", async ({ body, begins }) => {
    h.fake.enqueue({ raw: { status: 200, headers: { "content-type": "application/json" }, body } });
    const error = await rejection(h.client().generateJson(testRequest()));
    expect(error.code).toBe("provider.endpoint-not-an-answer");
    expect(error.message).toContain(
      begins ? `JSON that is not a Gemini answer (it begins: ${begins})` : "an empty body",
    );
    // Not the SDK's own failure on it ("Cannot set properties of null").
    expect(error.message).not.toMatch(/Cannot set|sdkHttpResponse/);
    expect(h.fake.requests).toHaveLength(1);
  });

  it("an object after whitespace or a byte order mark is read as usual", async () => {
    const answer = JSON.stringify({
      candidates: [{ content: { role: "model", parts: [{ text: JSON.stringify(VALID) }] }, finishReason: "STOP" }],
    });
    h.fake.enqueue({
      raw: { status: 200, headers: { "content-type": "application/json" }, body: `\ufeff \n\t${answer}` },
    });
    expect((await h.client().generateJson(testRequest())).value).toEqual(VALID);
  });

  it("an error body's control sequences and length never reach the message as they are", async () => {
    h.fake.enqueue({
      status: 400,
      message: `bad \u001b]0;title\u0007\u001b[2J\r\nhint: forged ${"x".repeat(100_000)}`,
    });
    // The harness's 2 s per-call timeout is for small answers; a loaded machine needs longer for this one.
    const error = await rejection(h.client({ maxAttempts: 1, timeoutMs: 60_000 }).generateJson(testRequest()));
    expect(error.code).toBe("provider.rejected");
    expect(error.message).toContain("bad \\u001b]0;title\\u0007\\u001b[2J hint: forged xxx");
    expect(error.message).not.toMatch(/[\u0000-\u0009\u000b-\u001f\n]/);
    expect(error.message).toMatch(/… \(\d+ more characters\)\)\.$/);
    expect(error.message.length).toBeLessThan(500);
  });

  it("a declared length over the limit is refused before the body is read", async () => {
    const response = new Response("{}", {
      headers: { "content-type": "application/json", "content-length": String(MAX_ANSWER_BYTES + 1) },
    });
    await expect(guardAnswer(response, "https://example.test/v1")).rejects.toThrow(EndpointError);
  });

  it("a Gemini error (JSON) and a normal answer pass through unchanged", async () => {
    h.fake.enqueue({ status: 400, message: "Invalid JSON payload" }, { json: VALID });
    const error = await rejection(h.client({ maxAttempts: 1 }).generateJson(testRequest()));
    expect(error.code).toBe("provider.rejected");
    expect((await h.client().generateJson(testRequest())).value).toEqual(VALID);
  });

  it("a proxy's HTML refusal is not called Gemini rejecting the key", async () => {
    h.fake.enqueue({
      raw: { status: 403, headers: { "content-type": "text/html" }, body: "<html><h1>Forbidden by policy</h1></html>" },
    });
    const error = await rejection(h.client().generateJson(testRequest()));
    expect(error.code).toBe("provider.endpoint-refused");
    expect(error.message).toMatch(/HTTP 403 and a page that is not a Google API error/);
    expect(error.message).not.toContain("rejected the API key");
    expect(error.message).not.toContain(TEST_KEY);
  });
});

describe("endpointErrorIn", () => {
  it("finds the error as thrown or as a cause a few levels down, and nothing else", () => {
    const own = new EndpointError("too-large", "big");
    expect(endpointErrorIn(own)).toBe(own);
    expect(endpointErrorIn(new TypeError("terminated", { cause: own }))).toBe(own);
    expect(endpointErrorIn(new Error("x", { cause: new Error("y", { cause: own }) }))).toBe(own);
    expect(endpointErrorIn(new TypeError("fetch failed"))).toBeUndefined();
    expect(endpointErrorIn(undefined)).toBeUndefined();
  });
});
