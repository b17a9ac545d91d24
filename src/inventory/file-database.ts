// Which data-store engines are files the app opens rather than servers it connects to. Kept apart
// from the zod schema: the phase registry asks it while the CLI starts, and must not load zod.

/**
 * SQLite (and its libSQL fork), and H2, the JVM's embedded database (Traccar's and Metabase's
 * default, `jdbc:h2:./data/database` → `data/database.mv.db`): a file the app opens, not a server.
 */
export const isFileDatabase = (engine: string): boolean => /^(sqlite3?|libsql|h2)$/i.test(engine.trim());

/** The file database's engine in prose: "H2" or "SQLite". */
export const fileDatabaseLabel = (engine: string): string => (/^h2$/i.test(engine.trim()) ? "H2" : "SQLite");

/**
 * A command that takes a consistent copy of the file on the VM into `to`: SQLite's online
 * `.backup`; for H2, a copy of the closed file (an H2 database in embedded mode is held open by its
 * one process: stop it first; H2's tutorial, "Upgrade, Backup, and Restore",
 * https://www.h2database.com/html/tutorial.html).
 */
export function fileDatabaseCopy(engine: string, file: string, to: string): string {
  return /^h2$/i.test(engine.trim()) ? `cp --sparse=always ${file} ${to}` : `sqlite3 ${file} ".backup ${to}"`;
}

/** How that copy is taken, in words, for the runbook. */
export function fileDatabaseCopyWords(engine: string): string {
  return /^h2$/i.test(engine.trim())
    ? "the app stopped, then the file copied: H2 holds it open while the app runs"
    : "the app stopped, or sqlite3's .backup";
}
