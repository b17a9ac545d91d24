// Folders the VM's proxy served from disk itself (inventory servedFolders: nginx alias/root
// locations). The load balancer serves no files, so each path needs a home, decided from what the
// folder is:
// - built from the app's repository (inside its folder: collected static files, a build output),
//   or marked built wherever it sits (servedFolders[].built: Django's STATIC_ROOT in Weblate's data
//   directory): it ships in the image and the app serves it; no bucket, never user files;
// - user files (inside a storage folder): already in that folder's bucket or share, mounted where
//   the app reads it; the app serves them, no public bucket is made of them;
// - anything else (a separate front end's build, Saleor's dashboard): a public bucket behind a
//   backend bucket that scripts/setup-load-balancer.sh creates and routes the path to.
// mapping.ts says the same per path, so the text and the script agree.
// https://cloud.google.com/load-balancing/docs/https/ext-load-balancer-backend-buckets
import { BUCKET_NAME } from "../../../contracts/deployment.js";
import { vmAppRoot } from "../../../image/app-root.js";
import { openRepo } from "../../../image/repo.js";
import { type Service, type Storage, storageOnVm } from "../../../inventory/schema.js";
import type { Draft, ServedFolder } from "./draft.js";
import { cleanName } from "./names.js";
import { folderAtRoot } from "./proxy-routes.js";

const inside = (a: string, b: string) => a === b || a.startsWith(`${b}/`);
const trim = (p: string) => p.replace(/\/+$/, "") || "/";

const PYTHON_MANIFESTS = [
  "requirements.txt",
  "base_requirements.txt",
  "pyproject.toml",
  "Pipfile",
  "setup.py",
  "setup.cfg",
];

/**
 * A Django app whose dependency manifests (at the repository's root and beside each manage.py)
 * name no WhiteNoise: Django serves no static files with DEBUG off, and on the VM nginx did
 * (NetBox's and Weblate's guides alias /static/ to STATIC_ROOT), so in the image nothing would.
 * https://docs.djangoproject.com/en/stable/howto/static-files/deployment/
 * https://whitenoise.readthedocs.io/en/stable/django.html
 */
function djangoWithoutStaticServer(d: Draft): boolean {
  if (!d.repoDir || !d.inv.services.some((s) => s.framework === "django")) return false;
  const repo = openRepo(d.repoDir);
  const text = ["", ...repo.foldersWith("manage.py")]
    .flatMap((dir) => PYTHON_MANIFESTS.map((f) => repo.read(dir ? `${dir}/${f}` : f) ?? ""))
    .join("\n");
  return text.trim() !== "" && !/whitenoise/i.test(text);
}

/** Where each folder `proxy` served goes (called after planStorage: it reads the buckets it planned). */
export function servedFolderHomes(d: Draft, proxy: Service): ServedFolder[] {
  const root = vmAppRoot(d.inv, d.repoDir);
  const taken = new Set(d.buckets.map((b) => b.name));
  const noServer = proxy.servedFolders?.length && djangoWithoutStaticServer(d) ? { noServer: true as const } : {};
  return (proxy.servedFolders ?? []).map(({ path, folder, built }) => {
    const storage = (d.inv.storage ?? []).find((x) => inside(folder, storageOnVm(x)));
    // Built from the code in a folder of user files (a data directory) or outside the checkout: the image's too.
    if (built && (storage || !(root && inside(folder, root)))) {
      const hiddenBy = storage && mountedOver(d, storage, folder) ? trim(storage.path) : undefined;
      return { path, folder, home: { kind: "image", built, ...(hiddenBy ? { hiddenBy } : {}), ...noServer } };
    }
    if (storage) {
      const bucket = (d.notes.storage ?? []).find((p) => p.storage === storage)?.bucket;
      const filestore = d.filestores?.find((f) => f.sourcePath === storageOnVm(storage))?.name;
      return {
        path,
        folder,
        home: {
          kind: "uploads",
          storage: trim(storage.path),
          ...(bucket ? { bucket } : {}),
          ...(filestore ? { filestore } : {}),
        },
      };
    }
    if (root && inside(folder, root)) return { path, folder, home: { kind: "image", ...noServer } };
    if (!d.loadBalancer) return { path, folder, home: { kind: "nowhere", why: "no load balancer is planned" } };
    // The URL map's / is the app's (edge.ts), unless the proxy sent the app only the paths it
    // routes and served / from this folder (a single-page front end beside /api/): then the bucket
    // takes every path the routes leave. Otherwise a front end served at / needs its own host name.
    if (path === "/" && !folderAtRoot(d))
      return {
        path,
        folder,
        home: { kind: "nowhere", why: "the load balancer's / is the app's; serve it from a host name of its own" },
      };
    const leaf = path.split("/").filter(Boolean).join("-") || "site";
    let bucket = cleanName(`${d.project.id}-${leaf}`, 60);
    for (let i = 2; taken.has(bucket) || !BUCKET_NAME.test(bucket); i++)
      bucket = cleanName(`${d.project.id}-${leaf}-${i}`, 60);
    taken.add(bucket);
    const backendBucket = cleanName(`${d.loadBalancer.name}-${leaf}`, 63);
    return { path, folder, home: { kind: "bucket", bucket, backendBucket } };
  });
}

/**
 * Whether the design mounts something over `folder` inside `storage`: the whole folder (a bucket,
 * a Filestore share, data written in place at its top), or the subfolder of it that holds `folder`.
 */
function mountedOver(d: Draft, storage: Storage, folder: string): boolean {
  const top = folder.slice(storageOnVm(storage).length).split("/").find(Boolean) ?? ".";
  const plan = (d.notes.storage ?? []).find((p) => p.storage === storage);
  if (plan && (!plan.folders || plan.folders.includes(top))) return true;
  const inPlace = (d.notes.inPlace ?? []).find((p) => p.storage === storage);
  if (!inPlace) return false;
  return (
    (storage.inPlace ?? []).some((p) => p.path === "." || p.path.split("/")[0] === top) || inPlace.mounted.includes(top)
  );
}

/** Gives the load balancer a backend bucket per static folder that has no other home. */
export function planServedFolders(d: Draft): void {
  const lb = d.loadBalancer;
  if (!lb) return;
  const homes = d.topo.proxies.flatMap((p) => servedFolderHomes(d, p));
  d.notes.servedFolders = homes;
  const buckets = homes.flatMap((h) =>
    h.home.kind === "bucket"
      ? [{ path: h.path, bucket: h.home.bucket, backendBucket: h.home.backendBucket, sourcePath: trim(h.folder) }]
      : [],
  );
  if (buckets.length) lb.folderBuckets = buckets;
  // A bucket at / takes every path no route names: the folders the app itself serves (its static
  // files in the image, user files it mounts) get a route to it, unless a route already covers them.
  if (!buckets.some((b) => b.path === "/")) return;
  const covered = (p: string) => lb.routes.some((r) => !r.hosts && (r.exact ? r.path === p : inside(p, trim(r.path))));
  for (const h of homes)
    if ((h.home.kind === "image" || h.home.kind === "uploads") && h.path !== "/" && !covered(trim(h.path)))
      lb.routes.push({ path: h.path, backend: lb.backends[0]!, exact: false });
}

/** One path's sentence for the proxy's mapping entry. */
export function servedFolderText(f: ServedFolder, backend: string): string {
  const h = f.home;
  switch (h.kind) {
    case "image":
      if (h.built)
        return `${f.path}: ${f.folder} is built from the code (collected static files), not user files: the image holds it and ${backend} must serve it (WhiteNoise); no bucket${h.hiddenBy ? `; the mount of ${h.hiddenBy} would hide it: set STATIC_ROOT outside that folder` : ""}`;
      return `${f.path}: ${f.folder} is built in the repository: it ships in the image and ${backend} must serve it (WhiteNoise, express.static); no bucket`;
    case "uploads":
      return `${f.path}: user files ${h.bucket ? `in gs://${h.bucket}` : h.filestore ? `on the share ${h.filestore}` : `in ${h.storage} (its decision says where)`}, mounted in ${backend}, which serves them; none made public`;
    case "bucket":
      return `${f.path}: ${f.folder}: setup-load-balancer.sh creates the public bucket gs://${h.bucket} behind the backend bucket ${h.backendBucket}${f.path === "/" ? `, which takes every path the routes to ${backend} leave (a single-page app's own routes too: set the bucket's --web-error-page=index.html if it answered them with index.html)` : ""}; the plan copies the files in`;
    case "nowhere":
      return `${f.path}: ${f.folder} moves nowhere (${h.why}): host it elsewhere`;
  }
}

/**
 * The app change for the image's folders nothing in it serves (a Django app without WhiteNoise),
 * said apart so the proxy's sentence, clipped when long, never loses it.
 */
export function unservedFolderText(homes: readonly ServedFolder[], backend: string): string | undefined {
  const paths = homes.filter((f) => f.home.kind === "image" && f.home.noServer).map((f) => f.path);
  if (paths.length === 0) return undefined;
  return `${backend} serves no static files yet: Django serves none with DEBUG off and no WhiteNoise is installed, so ${paths.join(", ")} would answer 404 once nginx is gone. Add whitenoise to the dependencies and "whitenoise.middleware.WhiteNoiseMiddleware" to MIDDLEWARE right after SecurityMiddleware (https://whitenoise.readthedocs.io/en/stable/django.html).`;
}
