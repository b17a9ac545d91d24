// The design as the model answers it, and how the surroundings the offline draft decides alone
// (load balancer, Memorystore caches, VPC network, Cloud Storage buckets) are merged back. Those
// follow from the inventory (a reverse proxy, what Redis holds, files on disk), not from judgement,
// so the model is not asked for them; it still sizes and names the services they attach to, and
// the merge checks that the two parts fit.
import type { ModelAnswer, PhaseInput } from "../../contracts/phase.js";
import type { DeployTarget, Deployment } from "../../contracts/deployment.js";
import { GenerationError } from "../../errors.js";
import { designOffline, fitAssumptions } from "./offline.js";
import { nothingDeploys } from "../../contracts/process-homes.js";
import { planSqlite, sqliteAnswerProblems, type SqlitePlan } from "./rules/sqlite.js";
import { designAnswerSchema, DRAFT_FILLED, type DesignAnswer, type DesignResult } from "./schema.js";

/** The draft's surroundings, fitted to the services the model kept. */
export function mergeSurroundings(answer: DesignAnswer, draft: Deployment, sqlite?: SqlitePlan): DesignResult {
  const names = new Set(answer.deployment.services.map((s) => s.name));
  const problems: string[] = [];
  const deployment: Deployment = { ...answer.deployment };
  for (const key of DRAFT_FILLED) if (draft[key] !== undefined) Object.assign(deployment, { [key]: draft[key] });
  if (draft.loadBalancer) {
    const backends = draft.loadBalancer.backends.filter((b) => names.has(b));
    if (backends.length === 0)
      problems.push(
        `deployment.services: the load balancer routes to ${draft.loadBalancer.backends.join(", ")}, which the answer renamed or dropped`,
      );
    else deployment.loadBalancer = { ...draft.loadBalancer, backends };
    // A routed path whose service the answer dropped would reach the wrong service.
    for (const r of draft.loadBalancer.routes.filter((x) => !names.has(x.backend)))
      problems.push(
        `deployment.services: the VM's proxy sends ${r.path} to ${r.backend}, which the answer renamed or dropped`,
      );
  }
  deployment.services = answer.deployment.services.map((s) =>
    keepEntryArgs(keepDiskPlan(keepVolumeOwners(keepPrivateIp(s, draft), draft), draft), draft),
  );
  // A secret file is mounted by the targets the answer kept.
  if (draft.secretFiles)
    deployment.secretFiles = draft.secretFiles.map((f) => ({ ...f, targets: f.targets.filter((n) => names.has(n)) }));
  const buckets = new Set((draft.buckets ?? []).map((b) => b.name));
  answer.deployment.services.forEach((s, i) =>
    (s.volumes ?? []).forEach((v, j) => {
      if (!buckets.has(v.bucket))
        problems.push(
          `deployment.services[${i}].volumes[${j}].bucket: ${v.bucket} is not a bucket the design creates (${[...buckets].join(", ") || "none"})`,
        );
    }),
  );
  problems.push(...sqliteAnswerProblems(answer.deployment, sqlite));
  if (problems.length > 0)
    throw new GenerationError(
      "The design answer does not fit the load balancer, buckets or data the draft plans",
      problems,
      "Keep the draft's service and bucket names, as the prompt asks: rerun, or use --provider offline.",
    );
  return { ...answer, deployment };
}

/**
 * A target the draft sends to Cloud SQL's private IP (its client takes only a host:
 * rules/database-env.ts) keeps that path: the host settings come from the deploy's lookup, never
 * from a value or secret the answer gave them, and the target keeps its Direct VPC egress.
 */
function keepPrivateIp(s: DeployTarget, draft: Deployment): DeployTarget {
  const planned = draft.services.find((t) => t.name === s.name && t.cloudSqlPrivateIp);
  if (!planned?.cloudSqlPrivateIp || !s.cloudSqlInstance) return s;
  const hosts = new Set(planned.cloudSqlPrivateIp.hostEnv);
  const env = Object.fromEntries(Object.entries(s.env ?? {}).filter(([k]) => !hosts.has(k)));
  return {
    ...s,
    cloudSqlPrivateIp: planned.cloudSqlPrivateIp,
    vpcEgress: s.vpcEgress ?? planned.vpcEgress,
    secrets: s.secrets.filter((n) => !hosts.has(n)),
    ...(s.env ? { env } : {}),
  };
}

/**
 * A process the team's image starts through its ENTRYPOINT script (image/team-image.ts teamRun)
 * keeps the draft's arguments to it, never a command the answer gave (it would skip the script's
 * set-up); arguments the draft did not plan are dropped (nothing says the script takes them).
 */
function keepEntryArgs(s: DeployTarget, draft: Deployment): DeployTarget {
  const planned = draft.services.find((t) => t.name === s.name);
  const { command, args: _args, ...rest } = s;
  if (planned?.args) return { ...rest, args: planned.args };
  return s.args ? { ...rest, ...(command ? { command } : {}) } : s;
}

/**
 * Data written in place follows the inventory's decision, never the answer (rules/in-place-home.ts):
 * a target the draft holds stays held; one the draft mounts a Filestore share into keeps it, with
 * its Direct VPC egress and one instance when the draft allows one.
 */
function keepDiskPlan(s: DeployTarget, draft: Deployment): DeployTarget {
  const planned = draft.services.find((t) => t.name === s.name);
  if (planned?.held) return { ...s, held: planned.held, ...(planned.heldFor ? { heldFor: planned.heldFor } : {}) };
  if (!planned?.nfsVolumes) return s;
  return {
    ...s,
    nfsVolumes: planned.nfsVolumes,
    vpcEgress: s.vpcEgress ?? planned.vpcEgress,
    maxInstances: Math.min(s.maxInstances, planned.maxInstances),
  };
}

/**
 * Who owns a mounted bucket's files comes from the image (design/rules/storage.ts), never from the
 * answer: the draft's owner for the same target and bucket, else the one owner every draft target
 * mounting that bucket agrees on, else none (the mount is then writable by every user).
 */
function keepVolumeOwners(s: DeployTarget, draft: Deployment): DeployTarget {
  if (!s.volumes?.length) return s;
  const same = draft.services.find((t) => t.name === s.name);
  const mountsOf = (targets: DeployTarget[], bucket: string) =>
    targets.flatMap((t) => t.volumes?.filter((m) => m.bucket === bucket) ?? []);
  const volumes = s.volumes.map(({ owner: _answered, ...v }) => {
    const own = same ? mountsOf([same], v.bucket) : [];
    const mounts = own.length > 0 ? own : mountsOf(draft.services, v.bucket);
    const owners = new Set(mounts.map((m) => JSON.stringify(m.owner ?? null)));
    const owner = owners.size === 1 ? mounts[0]!.owner : undefined;
    // The folder of the bucket a mount shows comes from the draft too (a folder that also holds code).
    const { onlyDir: _dir, ...rest } = v;
    const onlyDir = mounts.find((m) => m.mountPath === v.mountPath)?.onlyDir;
    return { ...rest, ...(onlyDir ? { onlyDir } : {}), ...(owner ? { owner } : {}) };
  });
  return { ...s, volumes };
}

/**
 * The answer, checked against the rule the phase registry skips cicd and observe by
 * (contracts/process-homes.ts, read from the inventory before any phase runs): when no process of
 * the app can run on Cloud Run, an answer that deploys one would describe services nobody builds,
 * deploys or watches, so the rules' design replaces it and says so. The other way round, an answer
 * that deploys nothing although the inventory has processes for Cloud Run would leave the deploy
 * workflow nothing to deploy: refused, like any answer that does not fit the draft.
 */
export function completeDesign(answer: DesignAnswer, input: PhaseInput): DesignResult {
  const offline = designOffline(input);
  const nothing = nothingDeploys(input.inventory);
  const deployed = answer.deployment.services.map((s) => s.name);
  if (nothing && deployed.length > 0) {
    const note = `The model's answer deployed ${deployed.slice(0, 4).join(", ")}${deployed.length > 4 ? ", …" : ""} on Cloud Run, but ${nothing.split(", so ")[0]}: this design is the rules' own, so it agrees with the skipped cicd and observe phases.`;
    return { ...offline, assumptions: fitAssumptions([clip(note), ...offline.assumptions]) };
  }
  if (!nothing && deployed.length === 0 && offline.deployment.services.length > 0)
    throw new GenerationError(
      "The design answer deploys nothing on Cloud Run, though the inventory has processes that run there",
      [
        `deployment.services: empty, while the draft runs ${offline.deployment.services
          .slice(0, 6)
          .map((s) => s.name)
          .join(", ")}; the deploy workflow and monitoring would have nothing to deploy or watch`,
      ],
      "Keep the draft's Cloud Run targets, as the prompt asks: rerun, or use --provider offline.",
    );
  return mergeSurroundings(answer, offline.deployment, planSqlite(input.inventory));
}

const clip = (text: string) => (text.length <= 400 ? text : `${text.slice(0, 399)}…`);

export const designModelAnswer: ModelAnswer<DesignResult> = {
  schema: designAnswerSchema,
  complete: (answer: unknown, input: PhaseInput) => completeDesign(answer as DesignAnswer, input),
};
