// The plan's step for an app the VM runs from a prebuilt release: which release to name.
import type { PlanStep } from "../../contracts/plan.js";
import type { ReleaseArtifact } from "../../image/release-image.js";
import type { CicdContext } from "./context.js";
import { CICD_PATHS } from "./render.js";

/**
 * The release our Dockerfile downloads (image/release-image.ts): the exact one the VM runs, named
 * by two repository variables. A jar on the VM is the release itself, so its SHA-256 there is the
 * one to set; a tarball is unpacked on the VM, so its version comes from the program and the
 * checksum from the vendor's download.
 */
export function releaseStep(ctx: CicdContext, release: ReleaseArtifact, repo: string): PlanStep {
  const host = ctx.inventory.host.hostname;
  const find =
    release.kind === "jar"
      ? `On the VM, \`unzip -p ${release.program} META-INF/MANIFEST.MF\` shows its version (Implementation-Version), and \`sha256sum ${release.program}\` is the checksum to set: the download must be that same file.`
      : `On the VM, the program's own version command (\`${release.program} version\`, or \`--version\`) names the release; set RELEASE_URL to that release's tarball for linux-amd64 from the vendor's download page, and RELEASE_SHA256 to the checksum the vendor publishes (or \`sha256sum\` of the downloaded file).`;
  return {
    stage: "prepare",
    order: 44,
    title: "The release the VM runs: RELEASE_URL and RELEASE_SHA256",
    body:
      `The VM runs a prebuilt release (\`${release.program}\` in \`${release.folder}\`) and this repository holds none of its source, so \`${ctx.mainDockerfile}\` downloads the release at build time and checks its SHA-256 before unpacking it. ` +
      `Set the repository variables \`RELEASE_URL\` and \`RELEASE_SHA256\` to the exact release the VM runs (not the newest: an upgrade is its own change, with its own database migrations); the build stops with an error while they are unset. ${find} ` +
      "To upgrade later, change both variables and push.",
    commands: [
      ...(release.kind === "jar"
        ? [`ssh ${host} 'unzip -p ${release.program} META-INF/MANIFEST.MF; sha256sum ${release.program}'`]
        : [`ssh ${host} '${release.program} version'`]),
      `gh variable set RELEASE_URL --repo ${repo} --body 'https://…'`,
      `gh variable set RELEASE_SHA256 --repo ${repo} --body '…'`,
    ],
    files: [ctx.mainDockerfile, CICD_PATHS.workflow],
  };
}
