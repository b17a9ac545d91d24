// An S3-compatible object store the VM runs (MinIO, SeaweedFS's S3 gateway, Garage, Ceph's RADOS
// Gateway, Zenko CloudServer): a stateful store the app reaches over the S3 API, not a process of the
// app. Cloud Storage speaks that API (https://cloud.google.com/storage/docs/interoperability), so
// the store's home is Cloud Storage with HMAC keys, and its objects move through the S3 API: its data
// folder holds the server's own format (MinIO's xl.meta per object, SeaweedFS volumes), never the
// objects as files, so neither a bucket mount of it nor a file copy of it is any use.
import type { Inventory, Service, Storage } from "../inventory/schema.js";

// `minio server DIR`, `weed s3` or `weed server -s3`, `garage server`, `radosgw`, CloudServer's `npm start`
// is not recognisable by its command, only by its software or image.
const COMMANDS = [
  /(?:^|[\s/])minio\s+server\b/,
  /(?:^|[\s/])weed\s+(?:s3\b|server\b.*\s-s3\b|filer\b.*\s-s3\b)/,
  /(?:^|[\s/])garage\b.*\sserver\b/,
  /(?:^|[\s/])radosgw\b/,
];
const SOFTWARE = /^(?:minio|garage|radosgw|ceph-radosgw|cloudserver|zenko[\w-]*|s3proxy|versitygw)$/i;
const IMAGES =
  /^(?:[\w.-]+\/)*(?:minio\/minio|bitnami\/minio|dxflrs\/garage|zenko\/cloudserver|scality\/cloudserver|andrewgaul\/s3proxy|versity\/versitygw)(?::|@|$)/i;

/** The process is an S3-compatible object store, by its command, software or image. */
export function isObjectStore(s: Service): boolean {
  const command = s.command ?? "";
  if (COMMANDS.some((r) => r.test(command))) return true;
  if (SOFTWARE.test(s.software)) return true;
  // SeaweedFS is an object store only with its S3 gateway on; without it, a file system of its own.
  if (/seaweed/i.test(`${s.software} ${s.image ?? ""}`)) return /\bs3\b|-s3\b/.test(command);
  return Boolean(s.image && IMAGES.test(s.image));
}

/**
 * The folders the store keeps its data in, from its command: the absolute paths after `minio
 * server` (MinIO's drives), SeaweedFS's `-dir=`: absolute arguments, not the binary nor an option's value.
 */
export function objectStoreDataDirs(s: Service): string[] {
  const words = (s.command ?? "").split(/\s+/).filter(Boolean);
  const dirs = words.slice(1).flatMap((w, i) => {
    // The value of an option (`--certs-dir /etc/minio/certs`) is no data folder.
    if (/^-[^=]*$/.test(words[i] ?? "")) return [];
    const value = w.replace(/^-{1,2}dir=/, "");
    return value.startsWith("/") && !/[{}]/.test(value) ? [value.replace(/\/+$/, "")] : [];
  });
  return [...new Set(dirs)];
}

/** The object store whose data a folder is: every service the inventory names on it, or its data dir argument. */
export function objectStoreOf(inv: Inventory, storage: Storage): Service | undefined {
  const stores = inv.services.filter(isObjectStore);
  if (stores.length === 0) return undefined;
  const users = storage.services ?? [];
  const named = users.length > 0 ? stores.find((s) => users.includes(s.name)) : undefined;
  if (named && users.every((u) => stores.some((s) => s.name === u))) return named;
  const folder = storage.path.replace(/\/+$/, "");
  return stores.find((s) =>
    objectStoreDataDirs(s).some((d) => folder === d || folder.startsWith(`${d}/`) || d.startsWith(`${folder}/`)),
  );
}
