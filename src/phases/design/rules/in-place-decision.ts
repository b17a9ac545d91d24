// A folder whose data is written in place (storage-in-place.ts) has no safe home on a Cloud Storage
// mount: Cloud Storage FUSE has no file locking, no concurrent writers to one file, and rewrites an
// object whole on close. Cloud Run's other volume, NFS (Filestore), needs the second-generation
// execution environment and a VPC (Direct VPC egress), is mounted without locks ("Cloud Run does
// not support NFS locking"), and writes only as root unless the share is chowned to the image's
// user. So the folder is never mounted silently: it is an open decision with the choices, priced.
// https://cloud.google.com/run/docs/configuring/services/nfs-volume-mounts
// https://cloud.google.com/storage/docs/cloud-storage-fuse/overview#differences-and-limitations
import { type Service, storageOnVm } from "../../../inventory/schema.js";
import type { MappingEntry } from "../schema.js";
import type { Draft, InPlacePlan } from "./draft.js";
import { cleanName, someNames } from "./names.js";
import { filestoreName, filestoreZone } from "./in-place-home.js";
import { oneWriterNote } from "../../../contracts/deployment.js";
import { clipText, targetOf } from "./mapping-processes.js";
import { smallVm } from "./open-decisions.js";

/** Filestore's smallest instance: Basic HDD, 1 TiB minimum (the same figure the storage decision quotes). */
const FILESTORE_COST = "from about $200/month (Filestore Basic HDD, 1 TiB minimum), plus the Cloud Run service";

const WHAT = {
  git: "git repositories (lock files and atomic renames of refs and packs)",
  index: "index and queue files (LevelDB, bleve, Lucene: a LOCK file one process holds, pages rewritten in place)",
  sqlite: "SQLite files (POSIX locks, a journal or WAL beside the file)",
} as const;

/** The decision taken (storage[].inPlaceHome: filestore): the folder's entry names its share. */
export function filestoreEntry(d: Draft, s: Service, plan: InPlacePlan): MappingEntry {
  const share = d.filestores?.find((f) => f.sourcePath === storageOnVm(plan.storage));
  const locked = (plan.storage.inPlace ?? []).some((p) => p.kind !== "git");
  const target = targetOf(d, s);
  const note = target && oneWriterNote(target);
  return {
    service: s.name,
    target: { kind: "filestore", name: share?.name ?? filestoreName(s.name) },
    reason: `${plan.storage.path} is written in place; its open decision chose Filestore (inPlaceHome in the inventory): scripts/setup-network.sh creates the share and the deploy mounts all of it at ${plan.mountPath} over NFS (gen2, Direct VPC egress)${note ? `. ${note}` : locked ? ", one instance at a time, since Cloud Run mounts NFS without locks." : "."}`,
    settings: { tier: share?.tier ?? "BASIC_HDD", capacityGiB: share?.capacityGiB ?? 1024, zone: share?.zone ?? "" },
    appChanges: [],
  };
}

export function inPlaceDecision(d: Draft, s: Service, plan: InPlacePlan): MappingEntry {
  const { storage } = plan;
  const kinds = [...new Set((storage.inPlace ?? []).map((p) => p.kind))];
  const parts = (storage.inPlace ?? []).map((p) => (p.path === "." ? "all of it" : p.path));
  const volume = filestoreName(s.name);
  const region = d.inv.target.region;
  const locked = kinds.some((k) => k !== "git");
  const mounted = plan.mounted.length
    ? ` Only ${someNames(plan.mounted)} (whole files) ${plan.mounted.length > 1 ? "are" : "is"} mounted from its bucket; the rest is not mounted, so`
    : " Nothing of it is mounted, so";
  const users = someNames(plan.services);
  return {
    service: s.name,
    target: { kind: "needs-decision", name: cleanName(`${s.name}-disk`, 62) },
    subject: clipText(`${s.name}'s files written in place in ${storage.path}`, 300),
    reason: `${storage.path} keeps ${someNames(parts)} written in place: ${someNames(kinds.map((k) => WHAT[k]))}. A Cloud Storage mount cannot carry them: Cloud Storage FUSE has no file locking, no concurrent writers and rewrites a file whole when it closes.${mounted} until this is decided a Cloud Run instance would keep them in its memory and lose them on restart, so the deploy skips ${users} and the VM keeps serving.`,
    settings: {},
    appChanges: [],
    options: [
      {
        option: `Keep ${users} on a small Compute Engine VM with a persistent disk${locked ? " (recommended)" : ""}`,
        change: `Run ${users} as today on an e2-small VM with ${storage.path} on a balanced persistent disk and a daily snapshot schedule (gcloud compute resource-policies create snapshot-schedule, attached with gcloud compute disks add-resource-policies); it reaches Cloud SQL through the Cloud SQL Auth Proxy. One writer, local locks: what these files were written for.`,
        cost: `${smallVm(d)}, plus the folder's size on the same disk`,
      },
      {
        option: `A Filestore (NFS) volume mounted at ${plan.mountPath} on Cloud Run${locked ? " (only for data you can rebuild)" : " (recommended)"}`,
        change: `Set inPlaceHome: filestore on this storage entry and rerun: setup-network.sh creates the share (\`gcloud filestore instances create ${volume} --zone=${filestoreZone(region)} --tier=BASIC_HDD --file-share=name=data,capacity=1TiB --network=name=${d.network?.network ?? "default"} --project=${d.project.id}\`), the plan copies the folder in, the deploy mounts it over NFS (gen2, Direct VPC egress) instead of buckets. ${locked ? "No NFS locks, and deploys overlap revisions: an index can corrupt." : "git's lock files work on NFS."}`,
        cost: FILESTORE_COST,
      },
      {
        option: locked
          ? "Move what is locked to shared services, if the app's settings allow it"
          : "Move the repositories to a hosted git service",
        change: locked
          ? `Point the app's queues at Redis (Memorystore), its search index at the database or a search service and a SQLite database at Cloud SQL, through settings its documentation names (Gitea: [queue] TYPE = redis, [indexer] ISSUE_INDEXER_TYPE = db); set inPlace in the inventory for what is left and rerun.${kinds.includes("git") ? " The git repositories still need a disk (the first two choices)." : ""}`
          : "Mirror the repositories to a hosted service and let the app read them there, if it can; otherwise one of the first two choices.",
        cost: "Memorystore's and Cloud SQL's prices as cost-estimate.md shows them once the inventory names them",
      },
    ],
  };
}
