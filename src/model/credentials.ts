// Which Gemini backend the environment points at, using the @google/genai SDK's own variable
// names so a shell already set up for the SDK (or gemini-cli) works unchanged.
import { existsSync } from "node:fs";
import { InputError } from "../errors.js";

/**
 * Default model for the Gemini API and Vertex AI alike. Gemini 3.5 Flash-Lite is GA on both
 * (Gemini API: stable, no shutdown announced; Vertex AI: retirement "July 21, 2027 or later"),
 * supports structured output, and is Google's named replacement for gemini-2.5-flash.
 * https://docs.cloud.google.com/gemini-enterprise-agent-platform/models/model-versions
 * https://ai.google.dev/gemini-api/docs/models/gemini-3.5-flash-lite
 */
export const DEFAULT_GEMINI_MODEL = "gemini-3.5-flash-lite";

export type GeminiCredentials =
  { kind: "api-key"; apiKey: string } | { kind: "vertex"; project: string; location: string };

type Env = Record<string, string | undefined>;

const read = (env: Env, name: string): string | undefined => {
  const value = env[name]?.trim();
  return value ? value : undefined;
};

const isTrue = (value: string | undefined): boolean => value !== undefined && /^(true|1)$/i.test(value);

/** True when the environment asks for Vertex AI (GOOGLE_GENAI_USE_ENTERPRISE wins, as in the SDK). */
export function wantsVertex(env: Env): boolean {
  const enterprise = read(env, "GOOGLE_GENAI_USE_ENTERPRISE");
  return isTrue(enterprise ?? read(env, "GOOGLE_GENAI_USE_VERTEXAI"));
}

/**
 * Vertex AI when GOOGLE_GENAI_USE_VERTEXAI (or the SDK's newer GOOGLE_GENAI_USE_ENTERPRISE, which
 * wins when both are set) is true/1: then GOOGLE_CLOUD_PROJECT and GOOGLE_CLOUD_LOCATION must be
 * set, or this throws (exit 2). Vertex AI mode never falls back to an API key: the Gemini API has
 * other data and billing terms than the project the user named. Otherwise an API key from
 * GOOGLE_API_KEY or GEMINI_API_KEY (the SDK prefers GOOGLE_API_KEY). Undefined when nothing is set.
 */
export function credentialsFromEnv(env: Env): GeminiCredentials | undefined {
  if (wantsVertex(env)) {
    const project = read(env, "GOOGLE_CLOUD_PROJECT");
    const location = read(env, "GOOGLE_CLOUD_LOCATION");
    const missing = [project ? "" : "GOOGLE_CLOUD_PROJECT", location ? "" : "GOOGLE_CLOUD_LOCATION"].filter(Boolean);
    if (missing.length > 0) {
      throw new InputError(
        `Vertex AI mode (GOOGLE_GENAI_USE_VERTEXAI) needs ${missing.join(" and ")}`,
        [],
        "Set GOOGLE_CLOUD_PROJECT=<your project id> and GOOGLE_CLOUD_LOCATION=global (Gemini 3 models are " +
          "served from the global endpoint). To use GEMINI_API_KEY instead, unset GOOGLE_GENAI_USE_VERTEXAI.",
        "provider.vertex-setup",
      );
    }
    const keyFile = read(env, "GOOGLE_APPLICATION_CREDENTIALS");
    if (keyFile && !existsSync(keyFile)) {
      throw new InputError(
        `GOOGLE_APPLICATION_CREDENTIALS points to ${keyFile}, which does not exist`,
        [],
        "Point it at a service-account key file, or unset it and run `gcloud auth application-default login`.",
        "provider.vertex-adc",
      );
    }
    return { kind: "vertex", project: project!, location: location! };
  }
  const apiKey = read(env, "GOOGLE_API_KEY") ?? read(env, "GEMINI_API_KEY");
  return apiKey ? { kind: "api-key", apiKey } : undefined;
}

/** For messages and --json output: names the backend without ever showing the key. */
export function describeCredentials(credentials: GeminiCredentials): string {
  return credentials.kind === "vertex"
    ? `Vertex AI (project ${credentials.project}, location ${credentials.location})`
    : "Gemini API (API key)";
}
