// Deterministic pipeline parameters: the offline provider's answer, derived from the inventory
// and the design. The same rules a DevOps engineer would apply by hand.
import { METRICS_DELAY_SECONDS } from "../../contracts/service-levels.js";
import type { Inventory } from "../../inventory/schema.js";
import type { PhaseInput } from "../../contracts/phase.js";
import type { Deployment } from "../../contracts/deployment.js";
import { buildContext, rolloutStrategy } from "./context.js";
import { chooseRuntimeVersion, defaultTestCommand, type Stack } from "./runtime.js";
import { SAFE_TEST_COMMAND, type CicdResult } from "./schema.js";
import { teamTestCommand } from "./team-test.js";
import { readTestLine } from "./team-runners.js";

/**
 * The repo's own test command when it is safe to run as-is: the inventory's, else the one the
 * team's CI runs (team-test.ts, in its folder), else the stack's default runner.
 */
export function chooseTestCommand(
  inventory: Inventory,
  stack: Stack,
  repoDir?: string,
  generated?: ReadonlySet<string>,
): string {
  const declared = inventory.deploy.testCommand?.trim();
  if (declared && SAFE_TEST_COMMAND.test(declared)) return declared;
  // Another spelling of a runner the pattern admits (Symfony's `php bin/phpunit`, `./vendor/bin/phpunit`)
  // is that runner, read as a team workflow's line is, rather than dropped for the stack's default.
  const spelled = declared ? readTestLine(declared) : undefined;
  if (spelled && spelled.assignments.length === 0) return spelled.command;
  const team = repoDir ? teamTestCommand(repoDir, stack, generated) : undefined;
  if (team) return team.command;
  const framework = inventory.services.find((s) => s.role === "web" && s.framework)?.framework;
  return defaultTestCommand(stack, repoDir, framework);
}

/**
 * Bake long enough that the canary sees real requests: at 10% of the expected peak we want a
 * few hundred requests per step; quiet services need longer steps to learn anything.
 */
export function chooseBakeSeconds(inventory: Inventory): number {
  const peak = (inventory.traffic.peakRps ?? inventory.traffic.averageRps ?? 1) * inventory.traffic.growth;
  const canaryRps = peak * 0.1;
  if (canaryRps >= 10) return 60;
  if (canaryRps >= 1) return 120;
  return 300;
}

/**
 * Whether every service the canary script rolls out runs as one instance (target.singleInstance):
 * each deploy then takes 100% in one step, and the stepped canary is never used.
 */
export function oneStepRolloutsOnly(deployment: Deployment): boolean {
  const canaried = deployment.services.filter((s) => rolloutStrategy(s) === "canary" && !s.held);
  return canaried.length > 0 && canaried.every((s) => s.singleInstance);
}

export function offlineCicd(input: PhaseInput): CicdResult {
  const ctx = buildContext(input);
  const { inventory } = input;
  const { stack } = ctx;
  const canarySteps = [10, 50, 100];
  const bakeSeconds = chooseBakeSeconds(inventory);
  const api = ctx.deployment.services.find((s) => s.kind === "api");
  // A health endpoint should answer fast; never wait longer than the request timeout allows.
  const timeoutSeconds = Math.min(10, api?.timeoutSeconds ?? 10);
  const healthCheck = { retries: 5, timeoutSeconds, intervalSeconds: 5 };
  // Each canary step bakes, then waits for Cloud Monitoring to show the bake's traffic.
  const perService =
    canarySteps.length * (bakeSeconds + METRICS_DELAY_SECONDS) +
    healthCheck.retries * (timeoutSeconds + 5) * (canarySteps.length + 2);
  const deployTimeoutMinutes = Math.min(
    120,
    Math.max(15, Math.ceil((perService * ctx.deployment.services.length) / 60) + 10),
  );
  const small = (inventory.team.engineers ?? 99) <= 3;
  return {
    canarySteps,
    bakeSeconds,
    healthCheck,
    testCommand: chooseTestCommand(inventory, stack, input.repoDir, input.generatedFiles),
    runtimeVersion: chooseRuntimeVersion(stack, inventory, input.repoDir, input.generatedFiles),
    notifyOnSuccess: small,
    deployTimeoutMinutes,
    rationale:
      (oneStepRolloutsOnly(ctx.deployment)
        ? `Every public service runs as one instance, so a deploy moves 100% of traffic to the new revision at once, after its tagged URL answers, and watches it for ${bakeSeconds} s: two revisions never serve side by side. `
        : `Traffic moves ${canarySteps.join("%, then ")}% with ${bakeSeconds} s at each step, sized so the new revision ` +
          `sees real requests at the first step for the expected peak of ${Math.round((inventory.traffic.peakRps ?? 0) * inventory.traffic.growth)} requests per second. `) +
      `Each check retries ${healthCheck.retries} times with a ${timeoutSeconds} s timeout before rolling back. ` +
      (small
        ? "With a small team, a Slack message on success too tells everyone a deploy happened without watching the run."
        : "Slack is only notified on failure to keep the channel quiet."),
  };
}
