// A websocket fan-out that runs through the app's own database, so every instance's clients get
// every event without a Redis: Action Cable's Solid Cable adapter (Rails 8's default) writes each
// broadcast to a table of the cable database that every server polls. Rails reads that database
// from CABLE_DATABASE_URL (database.yml's cable entry, setup-database.sh's DATABASE_cable), so a
// Rails web process that carries it and uses the database that moves to Cloud SQL shares one bus
// across its instances, and need not be capped at one.
// https://github.com/rails/solid_cable
import type { Service } from "../../../inventory/schema.js";
import type { Draft } from "./draft.js";
import { namesOf } from "./app-env.js";

export interface DatabaseBus {
  /** The adapter, as its project names itself. */
  adapter: string;
  /** The setting that names its database. */
  setting: string;
}

/** The database-backed fan-out a websocket process uses, if its settings show one on Cloud SQL. */
export function databaseBus(d: Draft, s: Service): DatabaseBus | undefined {
  if (s.runtime !== "ruby" || !d.database || !d.notes.databaseService) return undefined;
  if (!s.dependsOn.includes(d.notes.databaseService)) return undefined;
  return namesOf(d, s).includes("CABLE_DATABASE_URL")
    ? { adapter: "Solid Cable", setting: "CABLE_DATABASE_URL" }
    : undefined;
}
