// A folder of user files that also holds the app's code. Ghost's content/ (paths.contentPath) keeps
// uploads in images/, media/ and files/ beside themes/, whose default themes ghost-cli links into
// the release (content/themes/casper -> /var/www/ghost/current/content/themes/casper); WordPress's
// wp-content keeps uploads/ beside plugins/ and themes/. A bucket mounted over the whole folder
// hides the code the image has there, and a new image would never update it: such a folder is
// mounted per subfolder of user files, and its code ships in the image.
// https://github.com/TryGhost/Ghost-CLI/blob/main/lib/commands/install.js (the themes' links)
import { readdir, readlink } from "node:fs/promises";
import path from "node:path";
import { type Storage, storageOnVm } from "../inventory/schema.js";

/** Folders that hold code by what they are named (WordPress, Ghost adapters, CMS extensions). */
export const CODE_LIKE = /^(themes|plugins|mu-plugins|adapters|extensions|addons|modules)$/;
/** Neither user files nor code: logs, caches and scratch space the app makes again. */
export const NOT_USER_FILES = /^(logs?|cache|tmp|temp)$/;
const PLAIN = /^[A-Za-z0-9._@+-]{1,100}$/;

type Link = NonNullable<Storage["codeLinks"]>[number];

/** A VM path with every link on the way followed inside `hostRoot` (dangling tails are kept). */
async function followLinks(hostRoot: string, vmPath: string): Promise<string> {
  let parts = vmPath.split("/").filter(Boolean);
  for (let i = 0, hops = 0; i < parts.length && hops < 16; i++) {
    const prefix = `/${parts.slice(0, i + 1).join("/")}`;
    const target = await readlink(path.join(hostRoot, prefix)).catch(() => undefined);
    if (target === undefined) continue;
    hops++;
    const base = path.posix.isAbsolute(target) ? target : path.posix.join(path.posix.dirname(prefix), target);
    parts = [...path.posix.normalize(base).split("/").filter(Boolean), ...parts.slice(i + 1)];
    i = -1;
  }
  return `/${parts.join("/")}`;
}

/** The link's target relative to the app's folder when it leads into the app's code, else undefined. */
async function codeTarget(hostRoot: string, appDir: string, folder: string, link: string): Promise<string | undefined> {
  const raw = await readlink(path.join(hostRoot, link)).catch(() => undefined);
  if (raw === undefined) return undefined;
  const target = await followLinks(
    hostRoot,
    path.posix.isAbsolute(raw) ? raw : path.posix.join(path.posix.dirname(link), raw),
  );
  const inside = (dir: string) => target.startsWith(`${dir}/`);
  if (!inside(appDir) || inside(folder) || target === folder) return undefined;
  const rel = target.slice(appDir.length + 1);
  return rel.split("/").every((p) => PLAIN.test(p) && p !== "." && p !== "..") ? rel : undefined;
}

/** Links in `dir` (a VM path) into the app's code, named relative to `folder`. */
async function codeLinksIn(hostRoot: string, appDir: string, folder: string, dir: string): Promise<Link[]> {
  const entries = await readdir(path.join(hostRoot, dir), { withFileTypes: true }).catch(() => []);
  const links: Link[] = [];
  for (const e of entries.sort((a, b) => (a.name < b.name ? -1 : 1))) {
    if (!e.isSymbolicLink() || !PLAIN.test(e.name)) continue;
    const at = `${dir}/${e.name}`;
    const target = await codeTarget(hostRoot, appDir, folder, at);
    if (target) links.push({ path: at.slice(folder.length + 1), target });
  }
  return links;
}

/**
 * The folder's subfolders sorted into user files, code and neither, when some hold code: a link
 * into the app's folder outside the storage folder (at its top or one level down), or a code-like
 * name. `appDirs`: the app's folders on the VM; the one holding the folder is its code's home.
 */
export async function splitStorage(s: Storage, hostRoot: string, appDirs: string[]): Promise<Storage> {
  // Its subfolders are read where it is on the VM (a compose volume's hostPath).
  const folder = storageOnVm(s);
  const appDir = appDirs
    .map((d) => d.replace(/\/+$/, ""))
    .filter((d) => folder.startsWith(`${d}/`))
    .sort((a, b) => b.length - a.length)[0];
  if (!appDir) return s;
  const entries = await readdir(path.join(hostRoot, folder), { withFileTypes: true }).catch(() => []);
  const uploads: string[] = [];
  const code: string[] = [];
  const links: Link[] = [];
  for (const e of entries.sort((a, b) => (a.name < b.name ? -1 : 1))) {
    if (!PLAIN.test(e.name) || e.name.startsWith(".")) continue;
    const at = `${folder}/${e.name}`;
    if (e.isSymbolicLink()) {
      const target = await codeTarget(hostRoot, appDir, folder, at);
      if (target) {
        code.push(e.name);
        links.push({ path: e.name, target });
      } else uploads.push(e.name);
      continue;
    }
    if (!e.isDirectory() || NOT_USER_FILES.test(e.name)) continue;
    const inner = await codeLinksIn(hostRoot, appDir, folder, at);
    if (inner.length || CODE_LIKE.test(e.name)) {
      code.push(e.name);
      links.push(...inner);
    } else uploads.push(e.name);
  }
  if (code.length === 0) return s;
  return { ...s, uploadFolders: uploads, codeFolders: code, ...(links.length ? { codeLinks: links } : {}) };
}
