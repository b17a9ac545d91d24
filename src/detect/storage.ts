// Where the app keeps user files on the VM's disk (uploads, media, documents): they cannot stay
// on a machine that goes away. Two kinds of evidence: a variable the deployment sets to an absolute
// folder (MEDIA_ROOT, FILE_STORAGE_LOCAL_ROOT_DIR, PAPERLESS_CONSUMPTION_DIR…), and the frameworks'
// conventional or configured upload folders that exist in the app's folder on the VM (Django's media/ or
// its settings' MEDIA_ROOT, Rails' public/system, Laravel's storage/app/public). Object storage settings (S3) turn the folders off.
import ignore from "ignore";
import path from "node:path";
import type { Storage } from "../inventory/schema.js";
import { djangoMediaFolders } from "./django-media.js";
import { DATA_DIRECTORY_KEY } from "./php-config-folders.js";
import { plainShape } from "./plain-values.js";

const FOLDER_KEY =
  /(^|_)(MEDIA|UPLOADS?|ATTACHMENTS?|FILES|DOCUMENTS?|CONSUME|CONSUMPTION|DATA|STORAGE)(_LOCAL)?_(ROOT|DIR|PATH|FOLDER)(_DIR)?$|LOCAL_ROOT_DIR$/;
const NOT_USER_FILES = /STATIC|LOG|TMP|TEMP|CACHE|RUN|PID|SOCKET|BACKUP|CERT|SSL|KEY/;
const OBJECT_STORAGE: [RegExp, RegExp][] = [
  [/^S3_ENABLED$/, /^(true|1|yes)$/i],
  [
    /^(FILE_STORAGE|STORAGE_TYPE|FILESYSTEM_DISK|FILESYSTEM_DRIVER|ACTIVE_STORAGE_SERVICE)$/,
    /s3|gcs|google|amazon|azure|minio/i,
  ],
  [/^DEFAULT_FILE_STORAGE$/, /s3|gcloud|azure/i],
];
/** Conventional upload folders, relative to the app's folder (one level of project package allowed for media/). */
const CONVENTIONAL = [/^([\w-]+\/)?media$/, /^public\/system$/, /^storage\/app\/public$/, /^(public\/)?uploads$/];

function purposeOf(key: string): string {
  return key
    .replace(/^[A-Z]+_(?=(MEDIA|DATA|CONSUMPTION|CONSUME|UPLOAD))/, "")
    .replace(/_/g, " ")
    .toLowerCase();
}

/** Names of a top-level folder of user files: what an app keeps attachments and uploads in. */
const DATA_NAME = /^(files|attachments|uploads?|media|documents|user_?files)$/i;

/**
 * Top-level folders of user files whose contents the repository's .gitignore leaves out: git says
 * they are the deployment's, not the code's (Redmine's `/files/*`, its attachments; a tracked
 * `files/delete.me` keeps the folder in a checkout). Only data-like names count: `log/*`, `tmp/*`,
 * `plugins/*` are ignored too, and are not uploads.
 */
export function ignoredDataFolders(gitignore: string | undefined, dirs: ReadonlySet<string>): string[] {
  if (!gitignore) return [];
  const rules = ignore().add(gitignore);
  return [...dirs].filter((d) => !d.includes("/") && DATA_NAME.test(d) && rules.ignores(`${d}/upload.bin`));
}

/**
 * Rails Active Storage: the service production uses (`config.active_storage.service`, often
 * `ENV.fetch("ACTIVE_STORAGE_SERVICE", "local")`) and, when config/storage.yml makes it a `Disk`
 * service, its root folder relative to the app (`Rails.root.join("storage")`).
 */
export function activeStorageFolder(
  configTexts: { file: string; text: string }[],
  env: Record<string, string>,
): string | undefined {
  const production = configTexts.find((c) => c.file.endsWith("config/environments/production.rb"))?.text ?? "";
  const storageYml = configTexts.find((c) => c.file === "config/storage.yml")?.text;
  if (!storageYml) return undefined;
  const setting =
    /config\.active_storage\.service\s*=\s*(?:ENV\.fetch\(\s*["'](\w+)["']\s*,\s*["'](\w+)["']\s*\)|:(\w+))/.exec(
      production,
    );
  const service = setting ? (setting[1] ? (env[setting[1]] ?? setting[2]) : setting[3]) : undefined;
  if (!service) return undefined;
  const block = new RegExp(`^${service}:\\s*\\n((?:[ \\t]+.*\\n?)*)`, "m").exec(storageYml)?.[1] ?? "";
  if (!/^\s+service:\s*Disk\s*$/m.test(block)) return undefined;
  return /root:\s*<%=\s*Rails\.root\.join\(\s*["']([\w./-]+)["']\s*\)\s*%>/.exec(block)?.[1];
}

/**
 * Laravel's local disks rooted in storage/ (config/filesystems.php: `'root' => storage_path('uploads/files/')`,
 * BookStack's attachments): the top folder under storage/ holds user files. Laravel's own folders
 * (storage/app's private files, framework caches, logs) are not; storage/app/public is a
 * conventional folder already.
 */
export function laravelDiskFolders(configTexts: { file: string; text: string }[]): string[] {
  const folders = new Set<string>();
  for (const { file, text } of configTexts) {
    if (!file.endsWith("filesystems.php")) continue;
    for (const m of text.matchAll(/['"]root['"]\s*=>\s*storage_path\(\s*['"]([\w./-]+)['"]\s*\)/g)) {
      const top = m[1]!.replace(/^\/+/, "").split("/")[0]!;
      if (top && !["app", "framework", "logs"].includes(top)) folders.add(`storage/${top}`);
    }
  }
  return [...folders];
}

/**
 * Symfony: folders under the public directory that the config points at with
 * `%kernel.project_dir%/public/…` (VichUploaderBundle's `upload_destination`, the `*_directory`
 * parameter of "How to Upload Files", wallabag's downloaded pictures in web/assets/images; Symfony
 * ≤ 3 and apps with `extra.public-dir` use web/). Build output and caches are rebuilt, not kept.
 * https://symfony.com/doc/current/controller/upload_file.html
 * https://github.com/dustin10/VichUploaderBundle/blob/master/docs/usage.md
 */
export function symfonyPublicFolders(configTexts: { file: string; text: string }[]): string[] {
  const folders = new Set<string>();
  for (const { file, text } of configTexts) {
    if (!/(^|\/)(config\/packages\/[^/]+\.ya?ml|config\/services\.ya?ml|app\/config\/[^/]+\.yml)$/.test(file)) continue;
    for (const m of text.matchAll(/%kernel\.project_dir%\/((?:public|web)\/[\w./-]+)/g)) {
      const dir = m[1]!.replace(/\/+$/, "");
      const last = dir.slice(dir.lastIndexOf("/") + 1);
      if (/\.\w+$/.test(last) || /(^|\/)(build|bundles|cache|js|css)(\/|$)/.test(dir)) continue;
      folders.add(dir);
    }
  }
  return [...folders];
}

/**
 * Symfony's var/ is the app's writable folder: besides the framework's cache, logs and sessions, a
 * folder there that holds files on the VM (Kimai's var/data: archived invoices) is data the app
 * wrote at run time. Only with bin/console and config/packages (a Symfony app), and not a folder
 * holding only .gitkeep (the repository's placeholder).
 */
export function symfonyVarFolders(files: string[]): string[] {
  if (!files.includes("bin/console") || !files.some((f) => f.startsWith("config/packages/"))) return [];
  const folders = new Set<string>();
  for (const file of files) {
    const m = /^var\/([\w-]+)\/.*[^/]$/.exec(file);
    if (!m || /^(cache|logs?|sessions|tmp|temp)$/.test(m[1]!) || file.endsWith("/.gitkeep")) continue;
    folders.add(`var/${m[1]}`);
  }
  return [...folders];
}

/** A relative folder: `.local-storage`, `./uploads`, `data/files`; not a URL, a name list or a flag. */
const RELATIVE_FOLDER = /^(\.{1,2}\/)?\.?[\w-][\w.-]*(\/[\w.-]+)*\/?$/;

/**
 * A folder setting with a relative value (Twenty's `STORAGE_LOCAL_PATH=.local-storage`) is resolved
 * by the process against its working directory, as any relative path: the folder is the one under
 * the unit's WorkingDirectory. `processes`: each app process's working directory and the settings
 * it runs with (its own values, else the deployment's). Object storage settings turn it off.
 */
export function workingDirectoryFolders(
  env: Record<string, string>,
  processes: { workingDirectory?: string; env?: string[]; envValues?: Record<string, string> }[],
): Storage[] {
  if (objectStorageInUse(env)) return [];
  const found = new Map<string, Storage>();
  for (const p of processes) {
    const dir = p.workingDirectory?.replace(/\/+$/, "");
    if (!dir?.startsWith("/")) continue;
    for (const key of p.env ?? []) {
      const value = p.envValues?.[key] ?? env[key];
      // Only a value the ssh read sends as it is (plain-values.ts), so both reads find the same folder.
      if (!value || !FOLDER_KEY.test(key) || NOT_USER_FILES.test(key) || !RELATIVE_FOLDER.test(value)) continue;
      if (!plainShape(value)) continue;
      const folder = path.posix.resolve(dir, value);
      if (folder === dir || folder === "/") continue;
      if (!found.has(folder)) found.set(folder, { path: folder, purpose: `${purposeOf(key)}, relative to ${dir}` });
    }
  }
  return [...found.values()];
}

export function objectStorageInUse(env: Record<string, string>): boolean {
  return Object.entries(env).some(([k, v]) => OBJECT_STORAGE.some(([key, value]) => key.test(k) && value.test(v)));
}

/**
 * `env`: what the deployment runs with. `appPath`: the app's folder on the VM, when the files read
 * are the VM's own (`files` relative to it); otherwise only the variables count. `named`: folders
 * the app's settings files name; a conventional folder inside one is part of it.
 */
/**
 * A Python settings file that sets a folder setting to an absolute path at its top level (Weblate's
 * `DATA_DIR = "/home/weblate/data"`, where its processes keep git checkouts, media and keys): the
 * folder, as the same name set in the environment would be; a whole data directory (DATA_DIR,
 * DATA_ROOT) is written in place, never a bucket. A value built from other names or read
 * from the environment is not a literal and is left to the rules that read those.
 */
export function pythonFolderSettings(configTexts: { file: string; text: string }[]): Storage[] {
  const found: Storage[] = [];
  for (const { file, text } of configTexts) {
    if (!/(^|\/)settings[^/]*\.py$|(^|\/)settings\/[^/]+\.py$/.test(file)) continue;
    for (const m of text.matchAll(/^([A-Z][A-Z0-9_]*)\s*(?::[^=\n]+)?=\s*["'](\/[\w./-]+?)\/?["']\s*(?:#.*)?$/gm)) {
      const [key, folder] = [m[1]!, m[2]!];
      if (!FOLDER_KEY.test(key) || NOT_USER_FILES.test(key) || found.some((s) => s.path === folder)) continue;
      found.push({
        path: folder,
        purpose: `${purposeOf(key)} (${key} in ${path.posix.basename(file)})`,
        absoluteSetting: true,
        // The app's whole data directory is a tree it manages as a filesystem (php-config-folders.ts).
        ...(DATA_DIRECTORY_KEY.test(key) ? { inPlace: [{ path: ".", kind: "files" as const }] } : {}),
      });
    }
  }
  return found;
}

export function detectStorage(
  env: Record<string, string>,
  appPath: string | undefined,
  files: string[],
  configTexts: { file: string; text: string }[] = [],
  named: Storage[] = [],
  gitignore?: string,
): Storage[] {
  const found = new Map<string, Storage>();
  // Folders the app's own settings name (json-settings.ts: Ghost's paths.contentPath) come first.
  for (const s of named) if (!found.has(s.path)) found.set(s.path, s);
  for (const [key, value] of Object.entries(env)) {
    if (!FOLDER_KEY.test(key) || NOT_USER_FILES.test(key) || !value.startsWith("/")) continue;
    const path = value.replace(/\/+$/, "");
    if (!found.has(path)) found.set(path, { path, purpose: purposeOf(key), absoluteSetting: true });
  }
  if (appPath && !objectStorageInUse(env)) {
    const dirs = new Set<string>();
    for (const file of files) {
      const parts = file.split("/");
      for (let i = 1; i < parts.length; i++) dirs.add(parts.slice(0, i).join("/"));
    }
    const activeStorage = activeStorageFolder(configTexts, env);
    const configured = [
      ...laravelDiskFolders(configTexts),
      ...symfonyPublicFolders(configTexts),
      ...symfonyVarFolders(files),
      ...djangoMediaFolders(configTexts, env),
      ...ignoredDataFolders(gitignore, dirs),
    ];
    for (const dir of [...dirs].sort()) {
      if (!CONVENTIONAL.some((c) => c.test(dir)) && dir !== activeStorage && !configured.includes(dir)) continue;
      const path = `${appPath.replace(/\/+$/, "")}/${dir}`;
      if (![...found.keys()].some((p) => path.startsWith(`${p}/`) || p === path))
        found.set(path, { path, purpose: "user uploads" });
    }
  }
  // A folder inside another one found is kept with it (Weblate's DATA_DIR holds media/).
  const all = [...found.values()];
  return all.filter((s) => !all.some((o) => o !== s && s.path.startsWith(`${o.path.replace(/\/+$/, "")}/`)));
}
