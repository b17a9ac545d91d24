// A SQLite database is a file on the VM's disk: no server to see, so it is easy to plan away.
// Its data has one copy on one disk, no point-in-time recovery, and one writer at a time; and
// moving the processes that open it to ephemeral containers would start them on an empty file.
import { restoreMinutes, sizedMttr } from "./mttr.js";
import { fileDatabaseLabel } from "../../inventory/file-database.js";
import { isFileDatabase, type Inventory } from "../../inventory/schema.js";
import type { AuditFacts } from "./facts.js";
import type { DraftRisk } from "./draft-risk.js";
import { cite, evidenceOf, restingOnAssumption, standIn } from "./assumptions.js";
import { isAssumed } from "../../inventory/assumed.js";

/** Processes that open the file: the list the inventory gives, else every app process. */
function openersOf(inv: Inventory, store: Inventory["data"][number]): string[] {
  const named = new Set([store.service, ...(store.services ?? [])]);
  return inv.services
    .filter((s) =>
      store.services?.length ? named.has(s.name) : named.has(s.name) || (s.runtime && s.role !== "reverse-proxy"),
    )
    .map((s) => s.name);
}

export const sqliteOnDisk = (inv: Inventory, _facts?: AuditFacts): DraftRisk | undefined => {
  const store = inv.data.find((d) => isFileDatabase(d.engine));
  if (!store) return undefined;
  const at = `data[${inv.data.indexOf(store)}]`;
  const openers = openersOf(inv, store);
  const unknownBackups = isAssumed(inv, `data[${store.service}].backups`);
  const gib = store.sizeGiB ?? 1;
  const lines = [
    cite(inv, `${at}.engine`, store.engine),
    store.path
      ? cite(inv, `${at}.path`, store.path)
      : standIn(`${at}.path`, "unknown (a *.db file in the app's folder)"),
    `opened by: ${openers.join(", ")}`,
    unknownBackups ? standIn(`${at}.backups`, `${store.backups} (unknown)`) : cite(inv, `${at}.backups`, store.backups),
  ];
  return restingOnAssumption(
    {
      title: `The product's data is ${fileDatabaseLabel(store.engine) === "H2" ? "an H2 database" : "a SQLite"} file on the VM's disk${store.path ? ` (${store.path})` : ""}: one copy, one writer, no point-in-time recovery`,
      category: "data-protection",
      severity: "critical",
      likelihood: store.backups === "none" ? "likely" : "possible",
      // A lost disk: rebuild the machine, then restore the last copy (if any) and replay nothing.
      mttrMinutes:
        store.backups === "none" || store.backups === "manual"
          ? { min: 240, max: 10080 }
          : sizedMttr(60 + restoreMinutes(gib), 480 + restoreMinutes(gib) * 3),
      businessImpact:
        store.backups === "none"
          ? "A disk failure or a bad write loses every customer record for good. A copy taken while the app writes can be corrupt, and only one process can write at a time, so the app cannot scale out; moved as it is to containers, the app would start empty and lose every write on each restart."
          : `A disk failure loses everything written since the last ${store.backups} copy; only one process can write at a time, so the app cannot scale out; moved as it is to containers, the app would start empty and lose every write on each restart.`,
      ...evidenceOf(lines),
      mitigation:
        "Move the data to Cloud SQL when the app's settings take a server database (migrations, then a one-time row copy); otherwise keep the processes that open the file on one machine with a persistent disk and scheduled snapshots, never on a Cloud Run instance's disk or a Cloud Storage volume.",
      affects: openers,
      growthSensitive: true,
    },
    unknownBackups,
  );
};
