// The one change-list printer: a line for each file a write creates, updates, keeps or refuses,
// and one summary line for the files that stay as they are (a rerun does not print 30 "same" lines).
import type { Output } from "./output.js";

export interface PrintedChange {
  path: string;
  action: "create" | "update" | "unchanged" | "kept" | "conflict";
  reason?: string;
}

export function printChanges(out: Output, changes: readonly PrintedChange[]): void {
  const marks = {
    create: out.c.green("create"),
    update: out.c.yellow("update"),
    kept: out.c.dim("kept  "),
    conflict: out.c.red("edited"),
  };
  for (const change of changes) {
    if (change.action === "unchanged") continue;
    const reason = change.reason && change.action === "kept" ? out.c.dim(` (${change.reason})`) : "";
    out.info(`  ${marks[change.action]} ${change.path}${reason}`);
  }
  const same = changes.filter((c) => c.action === "unchanged").length;
  if (same > 0)
    out.info(
      out.c.dim(`  same   ${same === changes.length ? "all " : ""}${same} file${same === 1 ? "" : "s"} unchanged`),
    );
}

/** After --force: where each overwritten edit was kept, so nothing a person wrote is simply gone. */
export function printBackups(out: Output, backups: readonly { path: string; copy: string }[]): void {
  if (backups.length === 0) return;
  out.warn(`${out.c.yellow("Overwrote")} ${backups.length} file(s) you had edited; a copy of each is kept:`);
  for (const b of backups) out.warn(`  ${b.path} → ${b.copy}`);
}
