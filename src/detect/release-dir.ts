// Release layouts: the app folder holds `current`, a link to the release that runs, beside the
// state every release shares. ghost-cli: /var/www/ghost/current -> versions/5.96.1, with
// config.production.json and content/ beside it (github.com/TryGhost/Ghost-CLI lib/commands/install.js,
// `link`); Capistrano and Deployer: current -> releases/<stamp> beside shared/. The manifests
// (package.json, Gemfile, composer.json) are in the release, so they are read through the link.
import { realpath, stat } from "node:fs/promises";
import path from "node:path";
import { resolveInRoot } from "./host.js";

export const RELEASE_LINK = "current";

/** Manifests that say a folder holds the app's code itself (not a release layout's shared folder). */
const MANIFEST =
  /^(package\.json|requirements\.txt|pyproject\.toml|Gemfile|composer\.json|go\.mod|pom\.xml|build\.gradle(\.kts)?)$/;

export const hasManifest = (files: string[]) => files.some((f) => MANIFEST.test(f));

/**
 * The release folder `dir/current` leads to, as a path on the VM (links resolved inside `hostRoot`,
 * as the VM would), or on this machine when no host root is given; undefined when there is none.
 * A copy read over ssh holds `current` as a plain folder: that is the release too.
 */
export async function currentRelease(dir: string, hostRoot?: string): Promise<string | undefined> {
  const link = path.posix.join(dir, RELEASE_LINK);
  if (hostRoot) {
    const target = `/${await resolveInRoot(hostRoot, link.replace(/^\/+/, ""))}`;
    const info = await stat(path.join(hostRoot, target)).catch(() => undefined);
    return info?.isDirectory() ? target : undefined;
  }
  const real = await realpath(link).catch(() => undefined);
  const info = real ? await stat(real).catch(() => undefined) : undefined;
  return real && info?.isDirectory() ? real : undefined;
}
