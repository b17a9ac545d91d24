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
import { filestoreName, filestoreZone, takesLocks } from "./in-place-home.js";
import { oneWriterNote } from "../../../contracts/deployment.js";
import { clipText, targetOf } from "./mapping-processes.js";
import { smallVm } from "./open-decisions.js";

/** Filestore's smallest instance: Basic HDD, 1 TiB minimum (the same figure the storage decision quotes). */
const FILESTORE_COST = "from about $200/month (Filestore Basic HDD, 1 TiB minimum), plus the Cloud Run service";

const WHAT = {
  git: "git repositories (lock files and atomic renames of refs and packs)",
  index: "index and queue files (LevelDB, bleve, Lucene: a LOCK file one process holds, pages rewritten in place)",
  sqlite: "SQLite files (POSIX locks, a journal or WAL beside the file)",
  files:
    "the app's data directory, managed as a filesystem (renamed folders, uploads assembled by rename, lock files, a permission check)",
} as const;

/** What Cloud Storage FUSE lacks for each kind. */
const FUSE_LACKS =
  "Cloud Storage FUSE has no file locking, no concurrent writers and rewrites a file whole when it closes";
const FUSE_LACKS_FILES =
  "no folder rename without a hierarchical namespace, and fixed modes (0755, 0644) where the app may check for 0770";

/**
 * An app that can keep its files in object storage as primary storage (Nextcloud's and ownCloud's
 * `objectstore` in config.php) stores them there by file id, not by path: turning it on for an
 * existing instance is no copy of this folder.
 */
const OBJECT_STORE_NOT_A_COPY =
  "If the app can keep its files in object storage as primary storage (Nextcloud's and ownCloud's objectstore in config.php, S3-compatible Cloud Storage with HMAC keys), that is not a copy of this folder: it stores each file by its id (urn:oid:<fileid>), so turning it on for an existing instance makes every existing file unreachable until each is moved under its id and the file cache's storage rows are changed (a migration tool), or the instance starts fresh and users upload again.";

/** The decision taken (storage[].inPlaceHome: filestore): the folder's entry names its share. */
export function filestoreEntry(d: Draft, s: Service, plan: InPlacePlan): MappingEntry {
  const share = d.filestores?.find((f) => f.sourcePath === storageOnVm(plan.storage));
  const locked = (plan.storage.inPlace ?? []).some((p) => takesLocks(p.kind));
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
  const locked = kinds.some(takesLocks);
  const files = kinds.includes("files");
  const mounted = plan.mounted.length
    ? ` Only ${someNames(plan.mounted)} (whole files) ${plan.mounted.length > 1 ? "are" : "is"} mounted from its bucket; the rest is not mounted, so`
    : " Nothing of it is mounted, so";
  const users = someNames(plan.services);
  return {
    service: s.name,
    target: { kind: "needs-decision", name: cleanName(`${s.name}-disk`, 62) },
    subject: clipText(`${s.name}'s files written in place in ${storage.path}`, 300),
    reason: clipText(
      `${storage.path} keeps ${someNames(parts)} written in place: ${someNames(kinds.map((k) => WHAT[k]))}. A Cloud Storage mount cannot carry them: ${FUSE_LACKS}${files ? `; ${FUSE_LACKS_FILES}` : ""}.${mounted} until this is decided a Cloud Run instance would keep them in its memory and lose them on restart, so the deploy skips ${users} and the VM keeps serving.`,
      800,
    ),
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
        change: `Set inPlaceHome: filestore on this storage entry and rerun: setup-network.sh creates the share (\`gcloud filestore instances create ${volume} --zone=${filestoreZone(region)} --tier=BASIC_HDD --file-share=name=data,capacity=1TiB --network=name=${d.network?.network ?? "default"} --project=${d.project.id}\`), the plan copies the folder in, the deploy mounts it over NFS (gen2, Direct VPC egress) instead of buckets. ${locked ? "No NFS locks, and deploys overlap revisions: an index can corrupt." : files ? "Folder renames and the app's permissions work on NFS (chown the share to the image's user, chmod 0770 if the app checks it), with several instances." : "git's lock files work on NFS."}`,
        cost: FILESTORE_COST,
      },
      ...(files
        ? [
            {
              option: "Object storage as the app's primary storage, if it supports it (not a copy)",
              change: OBJECT_STORE_NOT_A_COPY,
              cost: "Cloud Storage's price for the folder's size; the migration tool's work or a fresh start",
            },
          ]
        : []),
      ...(locked || kinds.includes("git") ? [sharedServices(kinds, locked)] : []),
    ],
  };
}

/** The third choice for locked files (shared services) or git repositories (a hosted service). */
function sharedServices(kinds: string[], locked: boolean): NonNullable<MappingEntry["options"]>[number] {
  return {
    option: locked
      ? "Move what is locked to shared services, if the app's settings allow it"
      : "Move the repositories to a hosted git service",
    change: locked
      ? `Point the app's queues at Redis (Memorystore), its search index at the database or a search service and a SQLite database at Cloud SQL, through settings its documentation names (Gitea: [queue] TYPE = redis, [indexer] ISSUE_INDEXER_TYPE = db); set inPlace in the inventory for what is left and rerun.${kinds.includes("git") ? " The git repositories still need a disk (the first two choices)." : ""}`
      : "Mirror the repositories to a hosted service and let the app read them there, if it can; otherwise one of the first two choices.",
    cost: "Memorystore's and Cloud SQL's prices as cost-estimate.md shows them once the inventory names them",
  };
}
