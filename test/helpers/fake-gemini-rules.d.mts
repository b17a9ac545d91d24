// Types for fake-gemini-rules.mjs.
export const DOCUMENTED_SCHEMA_KEYWORDS: ReadonlySet<string>;
export function undocumentedKeywords(schema: unknown, at?: string): string[];
export function requestProblem(body: unknown): string | undefined;
