// Which Gemini backend the environment points at, using the @google/genai SDK's own variable
// names so a shell already set up for the SDK (or gemini-cli) works unchanged.

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

/**
 * Vertex AI when GOOGLE_GENAI_USE_VERTEXAI (or the SDK's newer GOOGLE_GENAI_USE_ENTERPRISE, which
 * wins when both are set) is true/1 and GOOGLE_CLOUD_PROJECT is set; the location defaults to
 * "global" as in the SDK. Otherwise an API key from GOOGLE_API_KEY or GEMINI_API_KEY (the SDK
 * prefers GOOGLE_API_KEY when both are set). Undefined when nothing usable is set.
 */
export function credentialsFromEnv(env: Env): GeminiCredentials | undefined {
  const enterprise = read(env, "GOOGLE_GENAI_USE_ENTERPRISE");
  const useVertex = isTrue(enterprise ?? read(env, "GOOGLE_GENAI_USE_VERTEXAI"));
  const project = read(env, "GOOGLE_CLOUD_PROJECT");
  if (useVertex && project) {
    return { kind: "vertex", project, location: read(env, "GOOGLE_CLOUD_LOCATION") ?? "global" };
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
