// A folder whose data is written in place (storage-in-place.ts) has no safe home on a Cloud Storage
// mount: Cloud Storage FUSE has no file locking, no concurrent writers to one file, and rewrites an
// object whole on close. Cloud Run's other volume, NFS (Filestore), needs the second-generation
// execution environment and a VPC (Direct VPC egress), is mounted without locks ("Cloud Run does
// not support NFS locking"), and writes only as root unless the share is chowned to the image's
// user. So the folder is never mounted silently: it is an open decision with the choices, priced.
// https://cloud.google.com/run/docs/configuring/services/nfs-volume-mounts
// https://cloud.google.com/storage/docs/cloud-storage-fuse/overview#differences-and-limitations
import type { Service } from "../../../inventory/schema.js";
import type { MappingEntry } from "../schema.js";
import type { Draft, InPlacePlan } from "./draft.js";
import { cleanName, someNames } from "./names.js";
import { smallVm } from "./open-decisions.js";

/** Filestore's smallest instance: Basic HDD, 1 TiB minimum (the same figure the storage decision quotes). */
const FILESTORE_COST = "from about $200/month (Filestore Basic HDD, 1 TiB minimum), plus the Cloud Run service";

const WHAT = {
  git: "git repositories (lock files and atomic renames of refs and packs)",
  index: "index and queue files (LevelDB, bleve, Lucene: a LOCK file one process holds, pages rewritten in place)",
  sqlite: "SQLite files (POSIX locks, a journal or WAL beside the file)",
} as const;

/** The Filestore volume's deploy flags (gen2, Direct VPC egress to private ranges, its default; an NFS volume). */
export function nfsDeployFlags(d: Draft, plan: InPlacePlan, volume: string): string[] {
  const net = d.network ?? { network: "default", subnet: "default" };
  return [
    "--execution-environment=gen2",
    `--network=${net.network}`,
    `--subnet=${net.subnet}`,
    `--add-volume=name=${volume},type=nfs,location=FILESTORE_IP:/data`,
    `--add-volume-mount=volume=${volume},mount-path=${plan.mountPath}`,
    "--max-instances=1",
  ];
}

export function inPlaceDecision(d: Draft, s: Service, plan: InPlacePlan): MappingEntry {
  const { storage } = plan;
  const kinds = [...new Set((storage.inPlace ?? []).map((p) => p.kind))];
  const parts = (storage.inPlace ?? []).map((p) => (p.path === "." ? "all of it" : p.path));
  const volume = cleanName(`${s.name}-data`, 40);
  const region = d.inv.target.region;
  const locked = kinds.some((k) => k !== "git");
  const mounted = plan.mounted.length
    ? ` Only ${someNames(plan.mounted)} (whole files) ${plan.mounted.length > 1 ? "are" : "is"} mounted from its bucket; the rest is not mounted, so`
    : " Nothing of it is mounted, so";
  const users = someNames(plan.services);
  return {
    service: s.name,
    target: { kind: "needs-decision", name: cleanName(`${s.name}-disk`, 62) },
    reason: `${storage.path} keeps ${someNames(parts)} written in place: ${someNames(kinds.map((k) => WHAT[k]))}. A Cloud Storage mount cannot carry them: Cloud Storage FUSE has no file locking, no concurrent writers and rewrites a file whole when it closes.${mounted} until this is decided a Cloud Run instance keeps them in its memory and loses them on restart: keep the VM serving until then.`,
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
        change: `Create the share (\`gcloud filestore instances create ${volume} --zone=${region}-b --tier=BASIC_HDD --file-share=name=data,capacity=1TiB --network=name=${d.network?.network ?? "default"} --project=${d.project.id}\`), copy the folder in, chown it to the image's user, deploy with \`${nfsDeployFlags(d, plan, volume).join(" ")}\` in place of its bucket mounts (FILESTORE_IP: its address). ${locked ? "No NFS locks, and deploys overlap revisions: an index can corrupt." : "git's lock files work on NFS."}`,
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
