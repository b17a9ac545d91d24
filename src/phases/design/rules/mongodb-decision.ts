// A MongoDB on the VM: Cloud SQL holds no MongoDB database and Google Cloud runs no MongoDB of its
// own, so its decision names the homes that do speak its protocol, what each costs the app, and
// how the data gets there. Firestore with MongoDB compatibility is not MongoDB: its connection
// string and behaviour differ (firestore/mongodb-compatibility/docs/connect, /behavior-differences)
// and its documented migration is Datastream and Dataflow; the same engine elsewhere (Atlas on
// Google Cloud, a Compute Engine VM) takes mongodump and mongorestore.
import type { Service } from "../../../inventory/schema.js";
import type { DecisionOption } from "../schema.js";
import type { Draft } from "./draft.js";

/** A MongoDB server, by its software or its data entry's engine. */
export const isMongo = (d: Draft, s: Service): boolean =>
  /mongo/i.test(s.software) || d.inv.data.some((x) => x.service === s.name && /mongo/i.test(x.engine));

/** Its size and version from the inventory's data entry, in words ("18 GiB", "MongoDB 7.0"). */
function sized(d: Draft, s: Service): { size: string; version: string; gib?: number } {
  const data = d.inv.data.find((x) => x.service === s.name);
  const gib = data?.sizeGiB;
  const v = data?.version ?? s.version;
  return {
    size: gib !== undefined ? `${gib} GiB` : "the size of the VM's data (not in the inventory)",
    version: v !== undefined ? `MongoDB ${v}` : "the VM's MongoDB version",
    ...(gib !== undefined ? { gib } : {}),
  };
}

/** The disk a VM keeping the data needs: the data twice (growth and a dump beside it), at least 10 GiB. */
export const mongoDiskGiB = (gib: number | undefined): number => Math.max(10, Math.ceil((gib ?? 0) * 2));

/** The reason the decision gives, after the Cloud SQL sentence. */
export function mongoReason(s: Service): string {
  return `${s.software} is a document database: Cloud SQL (MySQL, PostgreSQL, SQL Server) cannot hold it, and Google Cloud runs no MongoDB of its own. Firestore with MongoDB compatibility speaks its protocol; MongoDB Atlas or a Compute Engine VM runs MongoDB itself. The processes that use it keep using the VM's until this is decided and its data has moved.`;
}

/** The options: Atlas, Firestore with MongoDB compatibility, a VM; `vmCost` prices the last. */
export function mongoOptions(d: Draft, s: Service, vmCost: string): DecisionOption[] {
  const { size, version } = sized(d, s);
  const region = d.inv.target.region;
  return [
    {
      option: "MongoDB Atlas on Google Cloud (Google Cloud Marketplace)",
      change: `The same engine, so no code change: a cluster of ${version} in ${region}; copy the data with mongodump and mongorestore in the cut-over's write freeze (runbook), reach it over TLS through Private Service Connect (or an IP access list: Cloud Run has no fixed egress address without Cloud NAT), and store its mongodb+srv:// connection string in Secret Manager (scripts/setup-secrets.sh asks for it).`,
      cost: `Atlas's dedicated-cluster price for ${size}, billed through the Marketplace`,
    },
    {
      option: "Firestore with MongoDB compatibility (Firestore Enterprise edition)",
      change: `Serverless and run by Google, reached by the same MongoDB drivers at mongodb://UID.LOCATION.firestore.goog:443/DATABASE?loadBalanced=true&tls=true&retryWrites=false (TLS, load-balanced mode, no retryable writes). It is not MongoDB: test the app against its behaviour differences first (documents up to 4 MiB, no $merge or $out stages, $lookup without let or pipeline, no wildcard indexes). Its data moves with Datastream and Dataflow (Google's migration guide), not mongorestore.`,
      cost: `Firestore Enterprise edition: per read and write unit and per GiB stored (${size}); no instance to pay for while idle`,
    },
    {
      option: `Keep ${version} on a Compute Engine VM`,
      change: `No code change: a VM in the design's network with a persistent disk (snapshots for backups); copy the data with mongodump and mongorestore in the write freeze; the services reach its private IP over Direct VPC egress, and the connection string names that IP. One more machine to patch and back up.`,
      cost: vmCost,
    },
  ];
}

/** The runbook's step for its data: the dump and restore for the same engine, Firestore's own way otherwise. */
export function mongoDataStep(d: Draft, s: Service): { title: string; detail: string; commands: string[] } {
  const { size } = sized(d, s);
  return {
    title: `Move ${s.name}'s data once its decision is taken`,
    detail: `${s.name} (${s.software}, ${size}) does not move to Cloud SQL: take its open decision (architecture.md) before the cut-over. For Atlas or a MongoDB VM, dump it in the cut-over's write freeze (maintenance mode, the same window as the files' final copy) and restore it there, then store the new connection string (scripts/setup-secrets.sh asks for it) before the services deploy; for Firestore with MongoDB compatibility, follow Google's migration (Datastream and Dataflow) instead. Never deploy a process still pointed at the VM's address.`,
    commands: [
      `mongodump --uri='VM_MONGODB_URI' --archive=${s.name}.archive.gz --gzip`,
      `mongorestore --uri='NEW_MONGODB_URI' --archive=${s.name}.archive.gz --gzip`,
    ],
  };
}

/** The VM's MongoDB servers, none of which moves to Cloud SQL (each is an open decision). */
export const mongoServers = (d: Draft): Service[] =>
  d.inv.services.filter((s) => s.role === "database" && s.name !== d.notes.databaseService && isMongo(d, s));
