// What a session-store reader found (session-store.ts, session-store-more.ts).
import type { SessionStore } from "../inventory/schema.js";

export interface SessionFinding {
  store: SessionStore;
  /** The framework whose setting it is: the runtime of its web processes. */
  framework: "laravel" | "symfony" | "php" | "django" | "express" | "rails" | "flask" | "spring";
  /** Where it was read: the env variable or the settings file. */
  source: string;
}
