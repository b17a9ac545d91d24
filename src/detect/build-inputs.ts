// A folder in the app's folder where an admin installs code the app loads at run time: Kimai's
// var/plugins (Symfony bundles), WordPress's wp-content/plugins and themes, Home Assistant's
// custom_components, extensions and add-ons. Such code is usually kept out of git (Kimai ignores
// var/plugins/*), so an image built from the repository lacks it; and it is not data: a bucket
// mounted over it would hide the image's copy and a new image would never update it. It is build
// input: the plan copies the VM's folder into the build context, the image carries it.
import { readdir } from "node:fs/promises";
import path from "node:path";
import type { BuildInput, Storage } from "../inventory/schema.js";

/** Folder names where apps load installed code from. */
export const CODE_HOMES = ["plugins", "mu-plugins", "extensions", "addons", "custom_components", "themes", "bundles"];
/** Folders that are the package managers' (their code comes from a manifest) or never the app's. */
export const CODE_SKIP = [
  "node_modules",
  "vendor",
  ".git",
  ".venv",
  "venv",
  "__pycache__",
  "cache",
  "tmp",
  "log",
  "logs",
];
/** Extensions of the files of code an app loads. */
export const CODE_EXTENSIONS = ["php", "py", "rb", "js", "mjs", "cjs", "ts", "lua", "pl"];
/** How many entries of one such folder are looked at (the ssh read sends as many names: ssh-host.ts). */
export const CODE_BUDGET = 5000;
const words = (list: string[]) => new RegExp(`^(${list.map((w) => w.replace(/\./g, "\\.")).join("|")})$`);
const CODE_HOME = words(CODE_HOMES);
const SKIP = words(CODE_SKIP);
const CODE_FILE = new RegExp(`\\.(${CODE_EXTENSIONS.join("|")})$`);
const PLAIN = /^[A-Za-z0-9._@+-]{1,100}$/;
/** How deep under the app's folder such a folder is looked for (var/plugins, wp-content/plugins). */
const DEPTH = 2;

async function countCode(dir: string, budget = { left: CODE_BUDGET }): Promise<number> {
  let n = 0;
  for (const e of await readdir(dir, { withFileTypes: true }).catch(() => [])) {
    if (--budget.left < 0) break;
    if (e.isFile() && CODE_FILE.test(e.name)) n++;
    else if (e.isDirectory() && !SKIP.test(e.name)) n += await countCode(path.join(dir, e.name), budget);
  }
  return n;
}

/**
 * The folders of installed code in each app folder (VM paths) of `hostRoot`, outside the storage
 * folders (a folder of user files that also holds code is split there: storage-split.ts).
 */
export async function buildInputsOn(hostRoot: string, appDirs: string[], storage: Storage[]): Promise<BuildInput[]> {
  const found: BuildInput[] = [];
  const inStorage = (p: string) => storage.some((s) => p === s.path || p.startsWith(`${s.path.replace(/\/+$/, "")}/`));
  for (const appDir of [...new Set(appDirs.map((d) => d.replace(/\/+$/, "")))]) {
    const walk = async (rel: string, depth: number): Promise<void> => {
      const entries = await readdir(path.join(hostRoot, appDir, rel), { withFileTypes: true }).catch(() => []);
      for (const e of entries.sort((a, b) => (a.name < b.name ? -1 : 1))) {
        if (!e.isDirectory() || !PLAIN.test(e.name) || SKIP.test(e.name)) continue;
        const at = rel ? `${rel}/${e.name}` : e.name;
        const vmPath = `${appDir}/${at}`;
        if (inStorage(vmPath)) continue;
        if (CODE_HOME.test(e.name)) {
          found.push({ path: vmPath, appPath: at, codeFiles: await countCode(path.join(hostRoot, vmPath)) });
          continue;
        }
        if (depth < DEPTH) await walk(at, depth + 1);
      }
    };
    await walk("", 1);
  }
  return found;
}
