// The one change-list printer: what a write did (or would do) to each file, one line a file.
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
    unchanged: out.c.dim("same  "),
    kept: out.c.dim("kept  "),
    conflict: out.c.red("edited"),
  };
  for (const change of changes) {
    const reason = change.reason && change.action === "kept" ? out.c.dim(` (${change.reason})`) : "";
    out.info(`  ${marks[change.action]} ${change.path}${reason}`);
  }
}
