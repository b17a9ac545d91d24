// The design's `deployment`, as a phase downstream of design reads it from its input: validated,
// or the phase stops with a generation error that names the bad keys and says to rerun design.
import { GenerationError } from "../errors.js";
import { deploymentSchema, type Deployment } from "./deployment.js";
import { PARSE_ONCE } from "./parse-once.js";
import type { PhaseInput } from "./phase.js";

export function upstreamDeployment(input: PhaseInput, phase: string): Deployment {
  const design = input.upstream.design as { deployment?: unknown } | undefined;
  const parsed = deploymentSchema.safeParse(design?.deployment, PARSE_ONCE);
  if (!parsed.success) {
    throw new GenerationError(
      `The design result has no valid \`deployment\` for the ${phase} phase`,
      parsed.error.issues.map((i) => `design.deployment.${i.path.join(".")}: ${i.message}`),
      "Run `infra-migrate design` first (or rerun it to refresh a stale result).",
    );
  }
  return parsed.data;
}
