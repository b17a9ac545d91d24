// Where a folder written in place (git repositories, indexes, SQLite: storage-in-place.ts) lives on
// Cloud Run. Until its open decision (in-place-decision.ts) is taken, nothing carries it: a Cloud
// Run instance would keep it in memory and lose it on restart, so the services that use it are
// held (the deploy skips them and says why) and the VM keeps serving. Once the inventory says
// `inPlaceHome: filestore`, the folder is a Filestore share mounted over NFS: gen2, Direct VPC
// egress into the design's network, one instance when something in it takes locks (Cloud Run
// mounts NFS without locks).
// https://cloud.google.com/run/docs/configuring/services/nfs-volume-mounts
import type { DeployTarget, HeldFor } from "../../../contracts/deployment.js";
import { type Storage, storageOnVm } from "../../../inventory/schema.js";
import type { Draft } from "./draft.js";
import { ensureNetwork } from "./network.js";
import { cleanName, someNames } from "./names.js";

/** The zone of a Basic tier instance: the region's `b` zone (every Cloud Run region has one). */
export const filestoreZone = (region: string): string => `${region}-b`;

/** The name the disk decision gives the share (in-place-decision.ts quotes the same). */
export const filestoreName = (service: string): string => cleanName(`${service}-data`, 40);

/** Why a target that uses the folder is not deployed while its decision is open, as data. */
export function heldFor(storage: Storage, decision: string): HeldFor {
  const parts = (storage.inPlace ?? []).map((p) => (p.path === "." ? "all of it" : p.path));
  const short = `${storage.path} keeps ${someNames(parts)} written in place, which no Cloud Storage mount can carry`;
  // Within the contract's bounds (held: 600 characters with the remedy): a long path is cut, never the remedy.
  return { decision, short: short.length <= 240 ? short : `${short.slice(0, 239)}…` };
}

/** The whole reason the deploy prints: the short one, what would go wrong, and the remedy. */
export function heldReason(why: HeldFor): string {
  return `${why.short}: on Cloud Run it would live in the instance's memory and be lost on restart. Not deployed until the open decision ${why.decision} is taken (architecture.md): set inPlaceHome: filestore on that storage entry of the inventory and rerun for a Filestore share, or keep this process on a VM. The VM keeps serving until then.`;
}

/** Holds every target that uses the folder (the first folder's hold wins): the deploy skips it and prints the reason. */
export function holdUsers(users: DeployTarget[], storage: Storage, decision: string): void {
  const why = heldFor(storage, decision);
  for (const t of users) {
    if (t.held) continue;
    t.held = heldReason(why);
    t.heldFor = why;
  }
}

const LOCKING = { index: "index files", sqlite: "SQLite files" } as const;

/**
 * Whether a kind takes file locks NFS on Cloud Run does not give: index and SQLite files. Git's
 * lock files and an app's data directory (`files`: renames, its own lock files or locks in
 * Redis or the database) work on NFS with several instances.
 */
export const takesLocks = (kind: string): boolean => kind === "index" || kind === "sqlite";

/** What in the folder takes file locks (index and SQLite files), named for people. */
export function lockedFiles(storage: Storage): string | undefined {
  const parts = (storage.inPlace ?? []).filter((p) => takesLocks(p.kind));
  if (parts.length === 0) return undefined;
  const kinds = [...new Set(parts.map((p) => LOCKING[p.kind as keyof typeof LOCKING]))];
  const where = someNames(parts.map((p) => (p.path === "." ? "the folder" : p.path)));
  return `The ${kinds.join(" and ")} ${where}`;
}

/** The decision taken: one Filestore share for the folder, mounted by every target that uses it. */
export function mountFilestore(
  d: Draft,
  storage: Storage,
  mountPath: string,
  users: DeployTarget[],
  owner: string,
): void {
  const name = filestoreName(owner);
  d.filestores = [
    ...(d.filestores ?? []),
    {
      name,
      zone: filestoreZone(d.inv.target.region),
      tier: "BASIC_HDD",
      capacityGiB: Math.max(1024, Math.ceil(storage.sizeGiB ?? 0)),
      sourcePath: storageOnVm(storage),
    },
  ];
  // Index and SQLite files take locks NFS on Cloud Run does not give: one instance writes them,
  // and the deploy runs no canary beside it (contracts/deployment.ts lockedShare).
  const locks = lockedFiles(storage);
  const locked = locks !== undefined;
  for (const t of users) {
    t.nfsVolumes = [...(t.nfsVolumes ?? []), { filestore: name, mountPath, ...(locks ? { locks } : {}) }];
    t.vpcEgress = t.vpcEgress ?? "private-ranges-only";
    if (locked) {
      t.maxInstances = 1;
      t.minInstances = Math.min(t.minInstances, 1);
    }
  }
  ensureNetwork(d);
  d.assumptions.push(
    `storage ${JSON.stringify(storage.path)}: its open decision chose Filestore (inPlaceHome): the whole folder is the share ${name} (${d.inv.target.region}-b, Basic HDD, 1 TiB), mounted at ${mountPath} over NFS by ${someNames(users.map((t) => t.name)) || "no Cloud Run service"}${locked ? ", one instance at a time (no NFS locks on Cloud Run), deployed without a canary (a canary runs two revisions at once); Cloud Run may still overlap the old and new instance for a few seconds at each deploy" : ""}; no bucket is mounted there.`,
  );
}
