// Code that lives in a folder of user files (Ghost's content/themes, links into the release) ships
// in the image: the bucket is mounted only over the folder's subfolders of user files
// (design/rules/storage.ts), and the image makes the links, pointing at its own copy of the code,
// so a new image updates them. The repository is the app's folder (/app in the image): a link's
// target (inventory `codeLinks`) is relative to it.
import path from "node:path";
import { usableSettingsStore } from "../contracts/settings-stores.js";
import type { BuildInput, Inventory } from "../inventory/schema.js";
import { APP_DIR, inImagePath } from "./app-root.js";
import type { ImageUser } from "./image-user.js";
import type { AppRepo } from "./repo.js";

/** A path the commands may carry unquoted (the inventory's paths are free text). */
const PLAIN_PATH = /^\/[A-Za-z0-9._@+/-]+$/;

/** The folder's copy in the repository: the longest tail of its VM path that is a folder there. */
function repoCopy(repo: AppRepo, vmPath: string): string | undefined {
  const parts = vmPath.split("/").filter(Boolean);
  for (let i = 0; i < parts.length; i++) {
    const rel = parts.slice(i).join("/");
    if (repo.isDir(rel)) return rel;
  }
  return undefined;
}

/**
 * Shell commands (run as root in the runtime stage) that put each storage folder's code where the
 * app looks for it: the links remade at the folder's copy from the repository, and, when the app
 * reads the folder outside /app, that path made with links to the copy's code folders. The folder
 * itself is given to the image's user, who owned it on the VM (the app may make folders there).
 */
export function codeLinkCommands(inv: Inventory, root: string | undefined, repo: AppRepo, user?: ImageUser): string[] {
  const commands: string[] = [];
  for (const s of inv.storage ?? []) {
    if (!s.codeFolders?.length || !s.uploadFolders?.length || !PLAIN_PATH.test(s.path)) continue;
    const inImage = inImagePath(s.path, root);
    const rel = inImage.startsWith(`${APP_DIR}/`) ? inImage.slice(APP_DIR.length + 1) : repoCopy(repo, s.path);
    const home = rel ? path.posix.join(APP_DIR, rel) : inImage;
    const dirs = new Set([inImage]);
    const links = (s.codeLinks ?? []).map((l) => {
      const at = path.posix.join(home, l.path);
      dirs.add(path.posix.dirname(at));
      return `ln -sfn ${path.posix.join(APP_DIR, l.target)} ${at}`;
    });
    // The app reads the folder outside /app: its code folders there lead to the repository's copy.
    const folders =
      home === inImage
        ? []
        : s.codeFolders
            .filter((f) => rel && repo.isDir(path.posix.join(rel, f)))
            .map((f) => `ln -sfn ${path.posix.join(home, f)} ${path.posix.join(inImage, f)}`);
    commands.push(
      `mkdir -p ${[...dirs].sort().join(" ")}`,
      ...links,
      ...folders,
      ...(user ? [`chown ${user.uid}${user.gid !== undefined ? `:${user.gid}` : ""} ${inImage}`] : []),
    );
  }
  return commands;
}

/**
 * The data folders the inventory's storage sits in (`dataDir`: Odoo's /var/lib/odoo around its
 * filestore/), made and given to the image's user: Cloud Run makes a volume's mount point's parents
 * as root, and the app makes its other subfolders there at start (Odoo: addons/<version>, sessions/).
 */
export function dataDirCommands(inv: Inventory, root: string | undefined, user?: ImageUser): string[] {
  const dirs = [
    ...new Set(
      (inv.storage ?? []).flatMap((s) =>
        s.dataDir && PLAIN_PATH.test(s.dataDir) ? [inImagePath(s.dataDir, root)] : [],
      ),
    ),
  ].sort();
  if (dirs.length === 0) return [];
  return [
    `mkdir -p ${dirs.join(" ")}`,
    ...(user ? [`chown ${user.uid}${user.gid !== undefined ? `:${user.gid}` : ""} ${dirs.join(" ")}`] : []),
  ];
}

/** Where Cloud Run mounts secret files: each in a folder of its own under it. */
export const SECRET_FILE_ROOT = "/secrets";

/**
 * Where each of the inventory's secret files is mounted (design/rules/secret-files.ts): a folder of
 * its own named after the file (a secret volume hides what the image has in its folder), in order.
 */
export function secretFileMounts(inv: Inventory): { path: string; mountPath: string }[] {
  const taken = new Set<string>();
  return (inv.secretFiles ?? []).map((f) => {
    const base = path.posix.basename(f.path);
    const slug =
      base
        .replace(/[^A-Za-z0-9_-]+/g, "-")
        .replace(/^-+|-+$/g, "")
        .slice(0, 100) || "file";
    let folder = slug;
    for (let i = 2; taken.has(folder); i++) folder = `${slug}-${i}`;
    taken.add(folder);
    return { path: f.path, mountPath: `${SECRET_FILE_ROOT}/${folder}/${base}` };
  });
}

/**
 * Links from the app's paths to its secret files' mounts (made before the mount exists: resolved at
 * run time). `place` moves a path of our image to where another image has it (team-image.ts).
 */
export function secretFileCommands(
  inv: Inventory,
  root: string | undefined,
  place: (imagePath: string) => string = (p) => p,
): string[] {
  // A file the app writes and keeps in its database instead (settings-stores.ts) is not linked:
  // the app would write through the link into the read-only mount; it reads the mount as defaults.
  const stored = new Set((inv.secretFiles ?? []).filter((f) => usableSettingsStore(inv, f)).map((f) => f.path));
  const mounts = secretFileMounts(inv).filter((m) => PLAIN_PATH.test(m.path) && !stored.has(m.path));
  if (mounts.length === 0) return [];
  const at = mounts.map((m) => ({ ...m, link: place(inImagePath(m.path, root)) }));
  return [
    `mkdir -p ${[...new Set(at.map((m) => path.posix.dirname(m.link)))].sort().join(" ")}`,
    ...at.map((m) => `ln -sfn ${m.mountPath} ${m.link}`),
  ];
}

/**
 * The Dockerfile with the commands in one RUN before its last USER (still root there). A final
 * stage without a shell (distroless) takes no RUN: the Dockerfile is returned unchanged.
 */
export function withCodeLinks(dockerfile: string, commands: string[]): string {
  if (commands.length === 0) return dockerfile;
  const lines = dockerfile.split("\n");
  const last = (re: RegExp) => lines.map((l, i) => (re.test(l) ? i : -1)).reduce((a, b) => Math.max(a, b), -1);
  const from = last(/^FROM\s/i);
  const user = last(/^USER\s/i);
  if (user < from || /distroless/.test(lines[from] ?? "")) return dockerfile;
  const run = [
    "# Made as root: links to the secret files Cloud Run mounts (each in a folder of its own), and the",
    "# code kept in a folder of user files (only its folders of user files are mounted from Cloud",
    "# Storage; its links into the app's release point at this image's copy).",
    `RUN ${commands.join(" \\\n && ")}`,
  ];
  return [...lines.slice(0, user), ...run, ...lines.slice(user)].join("\n");
}

/**
 * The image's word on the folders of code the app loads (inventory buildInputs: plugins an admin
 * installed, often left out of git): they come from the build context like the rest of the code,
 * so the plan copies the VM's folder there before the build, and the Dockerfile says so.
 */
export function withBuildInputs(dockerfile: string, inputs: readonly BuildInput[]): string {
  const plain = inputs.filter((b) => PLAIN_PATH.test(`/${b.appPath}`));
  if (plain.length === 0) return dockerfile;
  const lines = dockerfile.split("\n");
  const from = lines.findIndex((l) => /^FROM\s/i.test(l));
  if (from < 0) return dockerfile;
  const note = [
    `# Code the app loads from ${plain.map((b) => b.appPath).join(", ")} (plugins installed on the VM, often not in git) is`,
    "# build input: the plan copies the VM's folder into the build context before the build, and COPY",
    "# carries it like the rest of the code (a bucket never holds it).",
  ];
  return [...lines.slice(0, from), ...note, ...lines.slice(from)].join("\n");
}
