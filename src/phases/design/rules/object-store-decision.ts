// An S3-compatible object store on the VM (MinIO, SeaweedFS's S3 gateway, Garage, Ceph RGW:
// contracts/object-store.ts) is a store, not a process to run from the app's image: its objects
// move to Cloud Storage, which the app keeps reaching over the S3 API with HMAC keys
// (https://cloud.google.com/storage/docs/interoperability). The copy goes bucket by bucket through
// that API: the store's data folder holds its own format (MinIO's xl.meta per object), not the files.
import type { Service } from "../../../inventory/schema.js";
import { loadPriceBook, pickRegion } from "../../../contracts/gcp-prices.js";
import type { MappingEntry } from "../schema.js";
import type { Draft } from "./draft.js";
import { smallVm } from "./open-decisions.js";
import { cleanName, someNames } from "./names.js";
import { clipText } from "./mapping-processes.js";
import { objectStoreDataDirs } from "../../../contracts/object-store.js";
import { type ObjectStoreSettings, objectStoreSettings } from "./object-store-env.js";

/** The app's settings that name the store: its endpoint, access key and secret key. */
function appSettings(d: Draft, store: Service): ObjectStoreSettings {
  const names = [
    ...new Set(
      d.inv.services.filter((s) => s !== store && s.runtime).flatMap((s) => [...s.env, ...(s.plainEnv ?? [])]),
    ),
  ];
  return objectStoreSettings(names);
}

function storageCost(d: Draft, store: Service): string {
  const price = pickRegion(loadPriceBook().cloudStorage.regions, d.inv.target.region).value.standardPerGibMonth;
  const dirs = objectStoreDataDirs(store);
  const folder = (d.inv.storage ?? []).find(
    (x) => x.services?.includes(store.name) || dirs.includes(x.path.replace(/\/+$/, "")),
  );
  const gib = folder?.sizeGiB ?? d.inv.data.find((x) => x.service === store.name)?.sizeGiB;
  if (gib === undefined) return `Cloud Storage Standard: $${price} per GiB-month stored, plus operations and egress`;
  return `about $${(gib * price).toFixed(2)}/month (${gib} GiB × $${price} Cloud Storage Standard), plus operations and egress`;
}

export function objectStoreDecision(d: Draft, s: Service): MappingEntry {
  const { endpoint, access, secret } = appSettings(d, s);
  const endpointText = endpoint.length ? someNames(endpoint) : "the app's S3 endpoint setting";
  const keysText = [...access, ...secret].length
    ? someNames([...access, ...secret])
    : "its access and secret key settings";
  const dirs = objectStoreDataDirs(s);
  const folder = dirs.length ? dirs.join(", ") : "its data folder";
  const name = cleanName(s.name, 62);
  return {
    service: s.name,
    target: { kind: "needs-decision", name: name.length >= 2 ? name : `${name}0` },
    subject: `where ${s.name}'s S3 objects go`,
    reason: clipText(
      `${s.name} is an S3-compatible object store, a stateful store the app reaches over the S3 API: its objects are not in the app's image, and ${folder} holds ${s.software}'s own format (object metadata and parts), not the objects as files, so neither a bucket mounted there nor a file copy of it carries the data. Cloud Storage speaks the S3 API (interoperability with HMAC keys).`,
      800,
    ),
    settings: {},
    appChanges: [clipText(notCarried(s), 600), ...proxied(d, s)],
    options: [
      {
        option: "Cloud Storage through its S3 interoperability API (recommended)",
        change: clipText(
          `Set ${endpointText} to https://storage.googleapis.com (path-style and virtual-hosted URLs both work); create an HMAC key for the app's service account (gcloud storage hmac create SA_EMAIL) and store its access ID and secret in Secret Manager as ${keysText}; create one bucket per ${s.software} bucket. Copy each bucket through the S3 API (rclone sync ${name}:BUCKET gcs:BUCKET with an S3 remote for each, or mc mirror), never ${folder} as files; stop writes and sync again at the cut-over.`,
          600,
        ),
        cost: storageCost(d, s),
      },
      {
        option: `Keep ${s.name} on a small Compute Engine VM with a persistent disk`,
        change: clipText(
          `No code change: run ${s.software} as today with ${folder} on a persistent disk with snapshots, and point ${endpointText} at its private IP over Direct VPC egress (the design's subnet). One more machine and store to patch and back up.`,
          600,
        ),
        cost: smallVm(d),
      },
    ],
  };
}

/** What the interoperability API does not carry over, said where the option is taken. */
function notCarried(s: Service): string {
  return `If Cloud Storage is chosen, ${s.software}'s own features do not carry over: bucket notifications (use Pub/Sub notifications for Cloud Storage), lifecycle (ILM) rules (set Object Lifecycle Management on each bucket), bucket policies and users (IAM instead), and presigned URLs now carry storage.googleapis.com as their host: a proxy route or CSP that expects ${s.name}'s address must change, and links signed before the cut-over stop working.`;
}

/**
 * Paths the VM's proxy sends to the store (browsers fetching objects through it): no target on
 * Google Cloud takes them over by itself, so the change says what serves them.
 */
function proxied(d: Draft, s: Service): string[] {
  const paths = d.inv.services.flatMap((p) =>
    p.role === "reverse-proxy" ? (p.routes ?? []).filter((r) => r.service === s.name).map((r) => r.path) : [],
  );
  if (paths.length === 0) return [];
  const list = someNames([...new Set(paths)], 3);
  return [
    clipText(
      `The VM's proxy sends ${list} to ${s.name}, so browsers fetch objects through it: after the cut-over nothing routes ${list} by itself. With Cloud Storage, have the app hand out signed URLs (presigned with the HMAC key, host storage.googleapis.com), or for public objects only give the load balancer a backend bucket for that path; kept on a VM, route it to the VM.`,
      600,
    ),
  ];
}
