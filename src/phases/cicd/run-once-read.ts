// The app's run-once commands as the cicd phase reads them, once per context (and buildContext
// gives one context per phase run): the owner (contracts/run-once.ts runOnceOwner), the folder its
// image runs in and every step from the VM and the repository (run-once-steps.ts). The workflow,
// the pipeline's README, the plan and the migrate job all ask here, so the repository is opened and
// its entrypoints searched once.
import { existsSync } from "node:fs";
import type { DeployTarget } from "../../contracts/deployment.js";
import { runOnceOwner } from "../../contracts/run-once.js";
import { planImages } from "../../image/plan.js";
import { openRepo } from "../../image/repo.js";
import type { CicdContext } from "./context.js";
import { runOnceSteps, type RunOnceStep } from "./run-once-steps.js";

export interface OwnerSteps {
  /** The target the jobs borrow image, settings and database from; none when the design has no API. */
  owner?: DeployTarget;
  /** The repository folder its image runs in ("" for the root). */
  dir: string;
  steps: RunOnceStep[];
}

/** The repository folder the owner's image runs in (its WORKDIR below /app), "" for the root. */
export function ownerFolder(ctx: CicdContext, owner: DeployTarget): string {
  if (!ctx.repoDir || !existsSync(ctx.repoDir)) return "";
  const plan = planImages(ctx.inventory, ctx.repoDir, ctx.generated ? { generated: ctx.generated } : {});
  const image = plan.images.find((i) => owner.replaces.some((name) => i.argv[name] !== undefined));
  return image?.workdir.startsWith("/app/") ? image.workdir.slice("/app/".length) : "";
}

const read = new WeakMap<CicdContext, OwnerSteps>();

export function ownerSteps(ctx: CicdContext): OwnerSteps {
  const known = read.get(ctx);
  if (known) return known;
  const owner = runOnceOwner(ctx.deployment.services);
  const dir = owner ? ownerFolder(ctx, owner) : "";
  const repo = ctx.repoDir ? openRepo(ctx.repoDir, ctx.generated) : undefined;
  const out: OwnerSteps = { ...(owner ? { owner } : {}), dir, steps: runOnceSteps(ctx.inventory, repo, dir) };
  read.set(ctx, out);
  return out;
}
