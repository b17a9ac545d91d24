// Which systemd units the secrets setup and the plain settings' command read (`--unit`): only a
// unit whose own Environment= lines hold a value Cloud Run gets and no env file holds (Ghost's
// NODE_ENV beside its JSON settings), not every unit of a service with env names.
import path from "node:path";
import { describe, expect, it } from "vitest";
import { cicdPlanSteps, vmUnits } from "../../../src/phases/cicd/plan-steps.js";
import { offlineCicd } from "../../../src/phases/cicd/offline.js";
import type { Service } from "../../../src/inventory/schema.js";
import { chainFile } from "../../helpers/chain.js";
import { ROOT } from "../../helpers/phase-input.js";

const service = (extra: Partial<Service>): Service =>
  ({
    name: "app",
    role: "web",
    software: "node",
    listen: [],
    dependsOn: [],
    env: ["NODE_ENV", "SECRET_KEY"],
    ...extra,
  }) as Service;
const carried = { services: [{ secrets: ["SECRET_KEY"], plainEnv: ["NODE_ENV"] }] } as never;

describe("vmUnits", () => {
  it.each<[string, Partial<Service>, string[]]>([
    [
      "a carried value only the unit holds",
      { systemdUnit: "app.service", unitEnv: ["NODE_ENV"], envFile: "/etc/app.env" },
      ["app.service"],
    ],
    [
      "the unit sets only what the design drops",
      { systemdUnit: "app.service", unitEnv: ["PORT"], envFile: "/etc/app.env" },
      [],
    ],
    [
      "every value in the EnvironmentFile= (detected: no unitEnv)",
      { systemdUnit: "app.service", envFile: "/etc/app.env" },
      [],
    ],
    [
      "a hand-written inventory with no env file: the unit is the only place",
      { systemdUnit: "app.service" },
      ["app.service"],
    ],
    ["no env names at all", { systemdUnit: "app.service", env: [] }, []],
    ["no systemd unit", { unitEnv: ["NODE_ENV"] }, []],
  ])("%s", (_name, extra, expected) => {
    const inventory = { services: [service(extra)] } as never;
    expect(vmUnits(inventory, carried)).toEqual(expected);
  });

  it.each([
    // ghost-cli's unit sets NODE_ENV beside the JSON settings file.
    ["ghost", ["ghost_blog-example-com.service"]],
    // Every unit reads /etc/healthchecks.env and sets nothing of its own.
    ["healthchecks", []],
  ])("%s", (app, expected) => {
    const { input, design } = chainFile(path.join(ROOT, "test/fixtures/real", app, "inventory.yaml"));
    expect(vmUnits(input.inventory, design.deployment)).toEqual(expected);
  });

  // Weblate's one setting (DJANGO_SETTINGS_MODULE) is in gunicorn.service's Environment= and its
  // workers read no env file: the commands read the unit, with no made-up env file to fill in.
  it("weblate: the unit alone, no placeholder env file", () => {
    const { input } = chainFile(path.join(ROOT, "test/fixtures/real/weblate/inventory.yaml"));
    const steps = cicdPlanSteps(offlineCicd(input), input);
    const commands = steps
      .filter((s) => ["Secrets", "Plain settings"].includes(s.title))
      .flatMap((s) => s.commands ?? []);
    expect(commands.find((c) => c.includes("--from-vm"))).toBe(
      "bash scripts/setup-secrets.sh --from-vm USER@weblate --unit gunicorn.service",
    );
    expect(commands.find((c) => c.startsWith("ssh "))).toMatch(
      /^ssh USER@weblate "systemctl show --property=Environment --value gunicorn.service/,
    );
  });
});
