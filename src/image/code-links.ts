// Code that lives in a folder of user files (Ghost's content/themes, links into the release) ships
// in the image: the bucket is mounted only over the folder's subfolders of user files
// (design/rules/storage.ts), and the image makes the links, pointing at its own copy of the code,
// so a new image updates them. The repository is the app's folder (/app in the image): a link's
// target (inventory `codeLinks`) is relative to it.
import path from "node:path";
import type { Inventory } from "../inventory/schema.js";
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
    "# Code kept in a folder of user files ships here: only its folders of user files are mounted",
    "# from Cloud Storage, and its links into the app's release point at this image's copy.",
    `RUN ${commands.join(" \\\n && ")}`,
  ];
  return [...lines.slice(0, user), ...run, ...lines.slice(user)].join("\n");
}
