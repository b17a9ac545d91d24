// The design as the model answers it, and how the surroundings the offline draft decides alone
// (load balancer, Memorystore caches, VPC network, Cloud Storage buckets) are merged back. Those
// follow from the inventory (a reverse proxy, what Redis holds, files on disk), not from judgement,
// so the model is not asked for them; it still sizes and names the services they attach to, and
// the merge checks that the two parts fit.
import type { ModelAnswer, PhaseInput } from "../../contracts/phase.js";
import type { Deployment } from "../../contracts/deployment.js";
import { GenerationError } from "../../errors.js";
import { designOffline } from "./offline.js";
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
  }
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

export const designModelAnswer: ModelAnswer<DesignResult> = {
  schema: designAnswerSchema,
  complete: (answer: unknown, input: PhaseInput) =>
    mergeSurroundings(answer as DesignAnswer, designOffline(input).deployment, planSqlite(input.inventory)),
};
