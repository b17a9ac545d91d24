// Which data-store engines are files the app opens rather than servers it connects to. Kept apart
// from the zod schema: the phase registry asks it while the CLI starts, and must not load zod.

/** SQLite (and its libSQL fork): a file the app opens, not a server. */
export const isFileDatabase = (engine: string): boolean => /^(sqlite3?|libsql)$/i.test(engine.trim());
