// The cicd phase: the DevOps security engineer persona chooses pipeline parameters; templates and
// the design's deployment contract produce the workflow, scripts, Dockerfile and README.
import { renderTemplateSync } from "../../render/templates.js";
import type { PhaseImplementation, PhaseInput } from "../../contracts/phase.js";
import { buildContext, rolloutStrategy } from "./context.js";
import { offlineCicd, oneStepRolloutsOnly } from "./offline.js";
import { renderCicd } from "./render.js";
import { cicdResultSchema, SAFE_TEST_COMMAND, type CicdResult } from "./schema.js";
import { validateCicd } from "./validate.js";
import { chooseRuntimeVersion, detectStack, nothingToTest, SUPPORTED } from "./runtime.js";
import { cicdPlanSteps } from "./plan-steps.js";

export { cicdResultSchema, type CicdResult } from "./schema.js";
export { CICD_PATHS, renderCicd } from "./render.js";
export { offlineCicd } from "./offline.js";
export { validateCicd } from "./validate.js";
export { PINNED_ACTIONS } from "./pinned-actions.js";

export function buildCicdPrompt(input: PhaseInput): string {
  const ctx = buildContext(input);
  const { inventory } = input;
  return renderTemplateSync("prompts/cicd.hbs", {
    name: inventory.metadata.name,
    stack: ctx.stack,
    supportedVersions: SUPPORTED[ctx.stack].map((v) => `"${v}"`).join(", "),
    currentVersion: chooseRuntimeVersion(ctx.stack, inventory, input.repoDir, input.generatedFiles),
    os: inventory.host.os ?? "unknown",
    deploy: JSON.stringify(inventory.deploy),
    traffic: JSON.stringify(inventory.traffic),
    engineers: inventory.team.engineers ?? "unknown",
    declaredTestCommand: inventory.deploy.testCommand ?? "none",
    testCommandPattern: SAFE_TEST_COMMAND.source,
    services: ctx.deployment.services.map((s) => ({
      name: s.name,
      kind: s.kind,
      ingress: s.ingress,
      healthPath: s.healthPath,
      timeoutSeconds: s.timeoutSeconds,
      rollout: rolloutStrategy(s),
    })),
    app: inventory.services
      .filter((s) => s.role === "web" || s.role === "worker" || s.role === "cron" || s.role === "scheduler")
      .map((s) => ({ name: s.name, role: s.role, software: s.software, version: s.version ?? "?" })),
  });
}

export const cicdPhase: PhaseImplementation<CicdResult> = {
  planSteps: cicdPlanSteps,
  resultSchema: cicdResultSchema,
  buildPrompt: buildCicdPrompt,
  offline: offlineCicd,
  render: renderCicd,
  validate: (artifacts, input) => validateCicd(artifacts, input),
  summarize: (r, input) =>
    `${
      oneStepRolloutsOnly(buildContext(input).deployment)
        ? `100% at once (one instance) after the tagged-URL check, ${r.bakeSeconds}s watch`
        : `canary ${r.canarySteps.join("/")}% with ${r.bakeSeconds}s bake`
    }, ${((why) =>
      why === undefined
        ? `tests: ${r.testCommand}`
        : /no test suite/.test(why)
          ? "no tests (no test suite in the repository)"
          : "no tests (no source of the app in the repository)")(
      nothingToTest(input.inventory, detectStack(input.inventory, input.repoDir), input.repoDir),
    )}` + (r.notifyOnSuccess ? ", Slack on failure and success" : ", Slack on failure"),
};
