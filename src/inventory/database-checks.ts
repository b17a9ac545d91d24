// `data[].databases`: the databases of one server and the processes that use each. A process
// named in two databases, a database named twice or a name that is no process are errors: the
// design would store one process's settings for two databases, or for none.
import type { CheckIssue } from "./check-issue.js";
import type { Inventory } from "./schema.js";
import { closest } from "./unknown-keys.js";

/** ` (did you mean `x`?)` when a known name is close. */
export const didYouMean = (name: string, known: string[]) => {
  const guess = closest(name, known);
  return guess ? ` (did you mean \`${guess}\`?)` : "";
};

export function serverDatabaseErrors(inventory: Inventory, names: ReadonlyMap<string, number>): CheckIssue[] {
  const errors: CheckIssue[] = [];
  const known = [...names.keys()];
  inventory.data.forEach((store, i) => {
    const seenDb = new Map<string, number>();
    const usedIn = new Map<string, string>();
    (store.databases ?? []).forEach((db, j) => {
      const first = seenDb.get(db.name);
      if (first !== undefined)
        errors.push({
          path: ["data", i, "databases", j, "name"],
          message: `database \`${db.name}\` is already listed at data[${i}].databases[${first}]`,
        });
      else seenDb.set(db.name, j);
      db.services.forEach((name, k) => {
        const path = ["data", i, "databases", j, "services", k];
        if (!names.has(name)) errors.push({ path, message: `unknown service \`${name}\`${didYouMean(name, known)}` });
        else if (name === store.service)
          errors.push({ path, message: `\`${name}\` is the database server itself, not a process that uses it` });
        else if (usedIn.has(name) && usedIn.get(name) !== db.name)
          errors.push({
            path,
            message: `\`${name}\` is already listed in database \`${usedIn.get(name)}\`: a process uses one database of the server`,
          });
        else usedIn.set(name, db.name);
      });
    });
  });
  return errors;
}
