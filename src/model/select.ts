// Which provider answers: --provider auto picks Gemini when the SDK's own credentials are in the
// environment, else the offline rules. Gemini's module (and so the SDK) is imported only when used.
import path from "node:path";
import { InputError } from "../errors.js";
import type { Persona } from "../personas/persona.js";
import { CACHE_DIR, withCache } from "./cache.js";
import type { GenerationSettings } from "./generation.js";
import { createOfflineClient } from "./offline.js";
import type { ModelClient, ProviderChoice, ProviderName } from "./types.js";

export interface ProviderSettings {
  choice: ProviderChoice;
  /** --model, INFRA_MIGRATE_MODEL or the config file; otherwise the persona's default model. */
  model?: string;
  env: NodeJS.ProcessEnv;
  /** Target repo; the cache lives in its .infra-migrate/cache. */
  outDir: string;
  timeoutMs?: number;
  /** Per-phase thinking level and output budget (config `phases.<id>.thinking` / `.maxOutputTokens`). */
  generation?: GenerationSettings;
  /** Record retries and calls (progress view): `message` is one line to show. */
  onEvent?: (event: { type: string; phase?: string; status?: number; delayMs?: number; message: string }) => void;
}

export interface ResolvedProvider {
  name: ProviderName;
  /** One line for stderr when the choice was implicit (auto → offline). */
  notice?: string;
  clientFor(persona: Persona): Promise<ModelClient>;
}

export { PROVIDER_CHOICES } from "./provider-choices.js";

export async function resolveProvider(settings: ProviderSettings): Promise<ResolvedProvider> {
  const cacheDir = path.join(settings.outDir, CACHE_DIR);
  const { credentialsFromEnv, createGeminiClient } = await import("./gemini.js");
  const credentials = credentialsFromEnv(settings.env);
  const choice = settings.choice === "auto" ? (credentials ? "gemini" : "offline") : settings.choice;

  if (choice === "offline") {
    const offline = createOfflineClient();
    return {
      name: "offline",
      notice:
        settings.choice === "auto"
          ? "No Gemini credentials (GEMINI_API_KEY, GOOGLE_API_KEY or Vertex AI env): using the built-in offline expert rules."
          : undefined,
      clientFor: async () => offline,
    };
  }
  if (choice === "replay") {
    return {
      name: "replay",
      clientFor: async (persona) => {
        const model = settings.model ?? persona.model;
        const never: ModelClient = {
          provider: "replay",
          model,
          generateJson: () => Promise.reject(new Error("replay never calls a model")),
        };
        return withCache(never, { dir: cacheDir, replay: true });
      },
    };
  }
  if (!credentials) {
    throw new InputError(
      "--provider gemini needs credentials",
      [],
      "Set GEMINI_API_KEY (or GOOGLE_API_KEY), or for Vertex AI set GOOGLE_GENAI_USE_VERTEXAI=true, GOOGLE_CLOUD_PROJECT and GOOGLE_CLOUD_LOCATION=global. Or use --provider offline.",
      "provider.no-credentials",
    );
  }
  return {
    name: "gemini",
    clientFor: async (persona) =>
      withCache(
        createGeminiClient({
          model: settings.model ?? persona.model,
          ...(credentials.kind === "api-key"
            ? { apiKey: credentials.apiKey }
            : { vertex: { project: credentials.project, location: credentials.location } }),
          ...(settings.timeoutMs ? { timeoutMs: settings.timeoutMs } : {}),
          generation: settings.generation,
          onEvent: settings.onEvent,
        }),
        { dir: cacheDir },
      ),
  };
}
