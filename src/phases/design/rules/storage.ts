// User files on the VM's disk (uploads, media, a watched inbox) cannot stay on a Cloud Run
// instance: its disk is memory and dies with it. Each folder gets a Cloud Storage bucket, mounted
// at the path the app already uses (a Cloud Storage volume: no code change to start), and the
// runbook copies the files over with `gcloud storage rsync`.
// https://cloud.google.com/run/docs/configuring/services/cloud-storage-volume-mounts
// The mount's files belong to the image's user (its numeric ids): Cloud Storage FUSE would
// otherwise give them to its own user, root, and a non-root app could not write (image-user.ts).
import path from "node:path";
import {
  ABSOLUTE_PATH,
  type Bucket,
  BUCKET_NAME,
  type DeployTarget,
  isAiGatewayTarget,
  isAiWorkerTarget,
  type Volume,
} from "../../../contracts/deployment.js";
import { inImagePath, vmAppRoot } from "../../../image/app-root.js";
import { inTeamImage } from "../../../image/team-image.js";
import { imageFor } from "../../../image/plan.js";
import type { Draft } from "./draft.js";

export type { StoragePlan } from "./draft.js";
import type { WorkingDirMove } from "./draft.js";
import { holdUsers, mountFilestore } from "./in-place-home.js";
import { cleanName, someNames } from "./names.js";
import { type Service, type Storage, storageOnVm } from "../../../inventory/schema.js";
import { objectStoreOf } from "../../../contracts/object-store.js";
import { searchEngineOfStorage } from "../../../contracts/search-engine.js";

function bucketName(project: string, folder: string, taken: Set<string>): string {
  const leaf = folder.split("/").filter(Boolean).pop() ?? "files";
  let name = cleanName(`${project}-${leaf}`, 60);
  for (let i = 2; taken.has(name) || !BUCKET_NAME.test(name); i++) name = cleanName(`${project}-${leaf}-${i}`, 60);
  taken.add(name);
  return name;
}

/** The user the target's image runs as, when known: the owner of what it mounts. */
function ownerOf(d: Draft, t: DeployTarget): Volume["owner"] {
  // A target built from a Dockerfile of its own runs that image (Dockerfile.node for Mastodon's
  // streaming server); one the image plan does not know has no known user.
  const image = t.source
    ? d.images.images.find((i) => i.dockerfile === t.source!.dockerfile)
    : d.inv.services.filter((s) => t.replaces.includes(s.name)).map((s) => imageFor(d.images, s))[0];
  const user = image?.user;
  return user ? { uid: user.uid, ...(user.gid !== undefined ? { gid: user.gid } : {}) } : undefined;
}

/**
 * A folder inside an app process's working directory on the VM is where a relative path the app
 * writes to lands (listmonk's upload_path "uploads", Traccar's media.path "./media"): in the
 * container the process runs in the WORKDIR of the image we build, so the folder is the same place
 * under it. The image's own path for the folder, when one of the app's images runs there.
 */
function underWorkingDir(d: Draft, storage: Storage): { mountPath: string; workingDir: WorkingDirMove } | undefined {
  const folder = storage.path.replace(/\/+$/, "");
  if (storage.absoluteSetting) return undefined;
  for (const s of d.inv.services) {
    const dir = s.workingDir;
    if (!dir || !folder.startsWith(`${dir}/`)) continue;
    if (storage.services?.length && !storage.services.includes(s.name)) continue;
    const image = imageFor(d.images, s);
    // The team's own Dockerfile (its WORKDIR is its own) or no Dockerfile at all: the path stays.
    if (!image?.content || image.team) continue;
    const rel = path.posix.relative(dir, folder);
    return {
      mountPath: path.posix.join(image.workdir, rel),
      workingDir: { service: s.name, vm: dir, image: image.workdir, relative: rel },
    };
  }
  return undefined;
}

export function planStorage(d: Draft, repoDir?: string): void {
  const folders = d.inv.storage ?? [];
  if (folders.length === 0) return;
  const root = vmAppRoot(d.inv, repoDir);
  const taken = new Set<string>();
  // The AI worker and gateway never touch the app's user files.
  const appTargets = d.services.filter((t) => !isAiWorkerTarget(t) && !isAiGatewayTarget(t));
  // Built from the team's own Dockerfile, the app's image holds the repository where that file
  // copies it (Tandoor's /opt/recipes), not in our APP_DIR: the mount goes where the app writes.
  const team = d.images.images.find((i) => i.runtime === d.images.main)?.team;
  for (const storage of folders) {
    // An object store's data folder (MinIO's drive) holds its own format, not files the app reads:
    // its objects move through the S3 API (object-store-decision.ts), nothing is mounted or copied.
    const store = objectStoreOf(d.inv, storage);
    if (store) {
      d.assumptions.push(
        `storage ${JSON.stringify(storage.path)}: the data folder of ${store.name} (${store.software}), an S3-compatible object store, in its own format: no bucket is mounted on it and it is not copied as files; its objects move bucket by bucket through the S3 API (the decision on ${store.name}).`,
      );
      continue;
    }
    // A search engine's index folder: rebuilt from the database on its new home (search-engine-decision.ts).
    const engine = searchEngineOfStorage(d.inv, storage);
    if (engine) {
      d.assumptions.push(
        `storage ${JSON.stringify(storage.path)}: the index folder of ${engine.name} (${engine.software}), a search engine: no bucket is mounted on it and it is not copied as files; the index is rebuilt on the engine's new home (the decision on ${engine.name}).`,
      );
      continue;
    }
    const relative = underWorkingDir(d, storage);
    const mapped = inTeamImage(inImagePath(storage.path, root), team);
    // A folder the app sees elsewhere than on the VM (a compose volume: storage[].hostPath) is
    // mounted where its container writes, the team's image's own path; the copy reads the VM's.
    // A folder the app's settings name by its absolute path (storage[].absoluteSetting: init saw a VM
    // value name it) is looked for there wherever the app runs: the mount keeps the VM's path, even
    // under the app's folder, which the image moves to its own (the files would go to memory).
    const mountPath =
      storage.hostPath || storage.absoluteSetting ? storage.path.replace(/\/+$/, "") : (relative?.mountPath ?? mapped);
    // Said in the decision only where the working directory moved the mount or the image's WORKDIR.
    const moved = relative && (relative.mountPath !== mapped || relative.workingDir.vm === relative.workingDir.image);
    if (!ABSOLUTE_PATH.test(storage.path) || !ABSOLUTE_PATH.test(mountPath)) {
      d.assumptions.push(
        `storage ${JSON.stringify(storage.path)}: not a plain absolute path; give its bucket and mount by hand.`,
      );
      continue;
    }
    // The inventory names who uses the folder; otherwise every app process may read or write it.
    const users = storage.services?.length
      ? appTargets.filter((t) => t.replaces.some((r) => storage.services!.includes(r)))
      : appTargets;
    // What the folder keeps in place (git repositories, indexes, SQLite: storage-in-place.ts) is
    // never mounted from a bucket: it becomes an open decision (in-place-decision.ts), and only the
    // subfolders of whole files beside it are mounted.
    const inPlace = storage.inPlace ?? [];
    const tops = new Set(inPlace.map((p) => p.path.split("/")[0]!));
    // A folder that also holds code (storage-split.ts) is mounted per subfolder of user files: a
    // mount over all of it would hide the code the image has there (Ghost's content/themes).
    const split = Boolean(storage.codeFolders?.length || inPlace.length);
    const folders = split
      ? tops.has(".")
        ? []
        : (storage.uploadFolders ?? []).filter((f) => !tops.has(f) && !(storage.codeFolders ?? []).includes(f))
      : undefined;
    if (inPlace.length) {
      const named = d.inv.services.filter((s) => users.some((t) => t.replaces.includes(s.name))).map((s) => s.name);
      // Nothing on Cloud Run uses it (nothing-deploys.ts): the app's own processes do, wherever they go.
      const services = named.length
        ? named
        : (storage.services ?? d.inv.services.filter((s) => s.runtime).map((s) => s.name));
      const decided = storage.inPlaceHome === "filestore";
      d.notes.inPlace = [
        ...(d.notes.inPlace ?? []),
        { storage, mountPath, mounted: decided ? [] : (folders ?? []), services, ...(decided ? { decided } : {}) },
      ];
      // The decision taken: the whole folder is one Filestore share, no bucket (in-place-home.ts).
      if (decided) {
        mountFilestore(d, storage, mountPath, users, services[0] ?? d.base);
        continue;
      }
      holdUsers(users, storage, cleanName(`${services[0] ?? d.base}-disk`, 62));
    }
    if (folders?.length === 0) {
      d.assumptions.push(
        inPlace.length
          ? `storage ${JSON.stringify(storage.path)}: written in place (${inPlace.map((p) => `${p.path}: ${p.kind}`).join(", ")}) and no subfolder of whole files beside it: no bucket is mounted; where it lives is an open decision.`
          : `storage ${JSON.stringify(storage.path)}: holds code (${storage.codeFolders!.join(", ")}) and no folder of user files: nothing is mounted; it ships in the image.`,
      );
      continue;
    }
    const bucket = bucketName(d.project.id, storage.path, taken);
    for (const t of users) {
      const owner = ownerOf(d, t);
      const mounts = folders ? folders.map((f) => ({ mountPath: `${mountPath}/${f}`, onlyDir: f })) : [{ mountPath }];
      t.volumes = [...(t.volumes ?? []), ...mounts.map((m) => ({ bucket, ...m, ...(owner ? { owner } : {}) }))];
    }
    d.buckets.push({
      name: bucket,
      sourcePath: storageOnVm(storage),
      ...(folders ? { folders } : {}),
    } satisfies Bucket);
    d.notes.storage = [
      ...(d.notes.storage ?? []),
      {
        storage,
        bucket,
        mountPath,
        targets: users.map((t) => t.name),
        ...(folders ? { folders } : {}),
        ...(moved ? { workingDir: relative.workingDir } : {}),
      },
    ];
  }
}

/**
 * Which subfolders of a folder that also holds code are mounted, and why (storage-split.ts): a
 * mount over the whole folder would hide the code the image has there.
 */
export function splitNote(storage: Storage): string {
  const { uploadFolders: uploads, codeFolders: code, codeLinks: links } = storage;
  if (!code?.length || !uploads?.length) return "";
  const linked = code.filter((c) => links?.some((l) => l.path === c || l.path.startsWith(`${c}/`)));
  const why = linked.length
    ? `${someNames(linked)} ${linked.length > 1 ? "hold" : "holds"} links into the app's release (code, not user files)`
    : `${someNames(code)} ${code.length > 1 ? "hold" : "holds"} code`;
  return ` In ${storage.path} only ${someNames(uploads)} ${uploads.length > 1 ? "are" : "is"} mounted, each from its own folder of the bucket (only-dir): ${why}, so ${code.length > 1 ? "they ship" : "it ships"} in the image and a new image updates ${code.length > 1 ? "them" : "it"}; the bucket never holds ${code.length > 1 ? "them" : "it"}. Other folders there (logs) stay in the container; a folder of user files the app makes later must be added to uploadFolders in the inventory.`;
}

/** A setting whose name says it holds a folder: …_FOLDER, _DIR, _DIRECTORY, _PATH or _ROOT. */
const FOLDER_SUFFIX = /_(?:FOLDER|DIR|DIRECTORY|PATH|ROOT)$/i;
/** A word for user files in such a name: UPLOAD_FOLDER, MEDIA_ROOT, FILES_PATH, ATTACHMENTS_DIR. */
const FILES_WORD = /^(?:UPLOADS?|MEDIA|FILES?|STORAGE|ATTACHMENTS?|DATA|DOCUMENTS?|ASSETS?)$/i;

/** Whether a word of a setting's name names the folder (UPLOAD for uploads, CONSUMPTION for consume). */
function namesFolder(word: string, leaf: string): boolean {
  const a = word.toLowerCase();
  const b = leaf.toLowerCase();
  if (a === b || a === b.replace(/s$/, "") || b === a.replace(/s$/, "")) return true;
  let n = 0;
  while (n < a.length && n < b.length && a[n] === b[n]) n++;
  return n >= 5;
}

/**
 * A folder whose bucket is mounted elsewhere than its VM path (under the app's folder, which the
 * image moves to its own; under a working directory): a folder setting of a process that mounts it
 * (by the folder's name: PAPERLESS_CONSUMPTION_DIR for consume; else by a word for user files:
 * UPLOAD_FOLDER) may hold the VM path, which in the container is the instance's memory, so the
 * files written there are lost with it. Said to that process, never guessed; a setting the deploy
 * sets itself is left out.
 */
export function movedFolderSettings(
  d: Draft,
  s: Service,
  target: DeployTarget | undefined,
): { lines: string[]; names: string[] } {
  const none = { lines: [], names: [] };
  if (!target) return none;
  const set = d.notes.env?.[target.name]?.set ?? {};
  const names = [...new Set(s.env ?? [])].filter((n) => FOLDER_SUFFIX.test(n) && !(n in set));
  if (names.length === 0) return none;
  const moved = (d.notes.storage ?? [])
    .filter((p) => p.targets.includes(target.name) && !p.storage.hostPath)
    .map((p) => ({ plan: p, vm: p.storage.path.replace(/\/+$/, "") }))
    .filter(({ plan, vm }) => plan.mountPath !== vm);
  if (moved.length === 0) return none;
  const words = (n: string) => n.replace(FOLDER_SUFFIX, "").split("_");
  const leafOf = (vm: string) => vm.split("/").pop() ?? "";
  const byName = (vm: string) => names.filter((n) => words(n).some((w) => namesFolder(w, leafOf(vm))));
  const claimed = new Set(moved.flatMap(({ vm }) => byName(vm)));
  const pairs = moved.flatMap(({ plan, vm }) => {
    const own = byName(vm);
    // No setting named after the folder: the ones with a word for user files no other folder claims.
    const found = own.length ? own : names.filter((n) => !claimed.has(n) && words(n).some((w) => FILES_WORD.test(w)));
    return found.length ? [{ names: found, vm, mount: plan.mountPath }] : [];
  });
  if (pairs.length === 0) return none;
  const list = pairs.map((p) => `${p.names.join(", ")} (${p.vm} → ${p.mount})`).join("; ");
  const one = pairs.length === 1 && pairs[0]!.names.length === 1;
  // A folder with absoluteSetting keeps its VM path as its mount (planStorage): never moved, never here.
  const lines = [
    `${one ? "A folder setting" : "Folder settings"} whose bucket is mounted elsewhere than the VM path: ${list}. If ${one ? "it holds" : "one holds"} the VM path, set ${one ? "it" : "each"} to its mount path before the first deploy, or the app writes to the instance's memory and the files are lost (or set storage[].absoluteSetting: true on the folder in the inventory: the mount then keeps the VM path).`,
  ];
  return { lines, names: pairs.flatMap((p) => p.names) };
}
