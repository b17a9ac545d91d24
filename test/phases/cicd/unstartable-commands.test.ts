// A process whose command the app's image cannot start (a script that lives only on the VM, a
// program of another runtime) gets no guessed Dockerfile: the README and the plan say why, as for
// an image the repository does not say enough for. Our own Dockerfile failing its build check was
// a bug (exit 70) before (found by mutating corpus inventories, bench/mutate-corpus.mjs).
import { readFileSync } from "node:fs";
import path from "node:path";
import { parse, stringify } from "yaml";
import { describe, expect, it } from "vitest";
import { cicdPhase, CICD_PATHS } from "../../../src/phases/cicd/index.js";
import { buildContext } from "../../../src/phases/cicd/context.js";
import { checkAppImages } from "../../../src/phases/cicd/images.js";
import { chain } from "../../helpers/chain.js";
import { repoFor } from "../../helpers/offline-output.js";
import { inputFromYaml, ROOT } from "../../helpers/phase-input.js";

const FILE = path.join(ROOT, "test/fixtures/real/healthchecks/inventory.yaml");
type Service = { name: string; role: string; command?: string; [key: string]: unknown };

function healthchecks(edit: (services: Service[]) => void) {
  const doc = parse(readFileSync(FILE, "utf8")) as { services: Service[] };
  edit(doc.services);
  return chain({ ...inputFromYaml(stringify(doc)), repoDir: repoFor(FILE)! }).input;
}
const command = (name: string, text: string) => (services: Service[]) => {
  services.find((s) => s.name === name)!.command = text;
};

describe("a command the image cannot start", () => {
  it.each([
    ["as the VM runs it", () => undefined, undefined],
    [
      "a cron job's script that lives only on the VM",
      (services: Service[]) =>
        services.push({
          name: "nightly",
          role: "cron",
          software: "bash",
          schedule: "0 3 * * *",
          command: "/usr/local/bin/nightly-job --all",
        }),
      /would not start job healthchecks-nightly: \/usr\/local\/bin\/nightly-job is not in the image/,
    ],
    [
      "a worker run by another runtime",
      command("healthchecks-sendalerts", "java -jar /opt/app/app.jar"),
      /would not start worker-pool healthchecks-sendalerts: java is not installed in the image/,
    ],
  ])("%s", async (_, edit, reason) => {
    const input = healthchecks(edit);
    const result = cicdPhase.offline(input);
    const artifacts = await cicdPhase.render(result, input);
    const dockerfile = artifacts.find((a) => a.path === "Dockerfile");
    expect(dockerfile === undefined).toBe(reason !== undefined);
    expect(checkAppImages(artifacts, buildContext(input), input)).toEqual([]);
    const readme = artifacts.find((a) => a.path === CICD_PATHS.readme)!.content;
    if (reason) expect(readme.replace(/\s+/g, " ")).toMatch(reason);
    else expect(readme).not.toContain("No Dockerfile was written");
  });
});
