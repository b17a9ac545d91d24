// A VM's Type=oneshot units (no timer) are processes that run once: init writes `runsOnce: true`,
// and the design maps each to where it runs: Twenty's `yarn command:prod upgrade` to the Cloud Run
// job twenty-release and `cron:register:all` to twenty-register (the jobs the deploy workflow runs),
// a command the rules cannot place to an open decision that names it; a timer's unit stays a cron job.
import path from "node:path";
import { parse } from "yaml";
import { afterAll, describe, expect, it } from "vitest";
import { buildInitPlan } from "../../../src/init/init-plan.js";
import { withDetectedFacts } from "../../../src/init/provenance.js";
import { resolveAnswers } from "../../../src/init/resolve.js";
import { buildContext } from "../../../src/phases/cicd/context.js";
import { offlineCicd } from "../../../src/phases/cicd/offline.js";
import { CICD_PATHS, renderCicd } from "../../../src/phases/cicd/render.js";
import { renderDesign } from "../../../src/phases/design/render.js";
import { validateDesign } from "../../../src/phases/design/index.js";
import { runOncePlan } from "../../../src/phases/cicd/run-once-jobs.js";
import { chain } from "../../helpers/chain.js";
import { TempTrees } from "../../helpers/file-tree.js";
import { readFromDisk } from "../../helpers/host-reads.js";
import { writeTwentyOneShots } from "../../helpers/twenty-oneshots.js";
import { inputFromYaml } from "../../helpers/phase-input.js";

const trees = new TempTrees("im-run-once-design-");
afterAll(() => trees.removeAll());

async function twentyInventory(): Promise<{ yaml: string; repo: string }> {
  const root = await trees.make({ ".keep": "" });
  await writeTwentyOneShots(root, {
    envFile: true,
    extra: { "twenty-flush": "/usr/bin/yarn command:prod cache:flush" },
  });
  const repo = path.join(root, "opt/twenty");
  const facts = await readFromDisk(root, repo);
  const { answers, origins } = resolveAnswers(
    { "target.project": "twenty-prod", "target.github": "acme/twenty" },
    facts,
    true,
  );
  return {
    yaml: buildInitPlan(withDetectedFacts(answers, origins, facts), { toolVersion: "0.0.0" }).inventoryText,
    repo,
  };
}

describe("oneshot units from the VM to the design and the deploy", async () => {
  const { yaml, repo } = await twentyInventory();
  const services = (parse(yaml) as { services: Array<{ name: string; runsOnce?: boolean; schedule?: string }> })
    .services;

  it("init writes runsOnce for the oneshot units no timer starts, and only for them", () => {
    const once = (name: string) => services.find((s) => s.name === name)?.runsOnce;
    expect(["twenty-upgrade", "twenty-cron-register", "twenty-flush"].map(once)).toEqual([true, true, true]);
    expect(once("twenty-cleanup")).toBeUndefined();
    expect(services.find((s) => s.name === "twenty-cleanup")?.schedule).toBe("0 0 * * *");
    expect(once("twenty-server")).toBeUndefined();
    // Debian's postgresql.service is a oneshot wrapper (ExecStart=/bin/true): a database, not a step.
    expect(once("postgresql")).toBeUndefined();
  });

  it("the design maps upgrade and registration to the deploy's jobs; an unknown command is an open decision", async () => {
    const { input, design } = chain({ ...inputFromYaml(yaml), repoDir: repo });
    const entry = (name: string) => design.mapping.find((m) => m.service === name)!;
    expect(entry("twenty-upgrade").target).toEqual({ kind: "cloud-run-job", name: "twenty-release" });
    expect(entry("twenty-upgrade").reason).toContain("(`/usr/bin/yarn command:prod upgrade`): with each release");
    expect(entry("twenty-cron-register").target).toEqual({ kind: "cloud-run-job", name: "twenty-register" });
    expect(entry("twenty-flush").target.kind).toBe("needs-decision");
    expect(entry("twenty-flush").reason).toContain("`/usr/bin/yarn command:prod cache:flush`");
    expect(entry("twenty-cleanup").target.kind).toBe("cloud-run-job");
    // None of them became an always-on process.
    const replaced = design.deployment.services.flatMap((t) => t.replaces);
    for (const name of ["twenty-upgrade", "twenty-cron-register", "twenty-flush"]) expect(replaced).not.toContain(name);
    expect(await validateDesign(await renderDesign(design, input), input)).toEqual([]);
    // The deploy runs the same jobs, by the same names, and names the one it cannot place.
    const plan = runOncePlan(buildContext(input));
    expect(plan.release.map((j) => j.job.name)).toEqual(["twenty-release"]);
    expect(plan.registration.map((j) => j.job.name)).toEqual(["twenty-register"]);
    expect(plan.open.map((s) => s.command)).toEqual(["/usr/bin/yarn command:prod cache:flush"]);
    const workflow = renderCicd(offlineCicd(input), input).find((a) => a.path === CICD_PATHS.workflow)!.content;
    expect(workflow).toContain("--service twenty-release --strategy job --execute");
  });
});
