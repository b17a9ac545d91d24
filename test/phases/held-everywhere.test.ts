// A service the deploy holds (its data written in place has no home yet: Gitea's repositories and
// indexes) is held in every output, not only in deploy.yml: monitoring does not watch it (alerts
// would page about a service that does not exist), the runbook's cut-over waits for the decision
// instead of switching DNS, and the plan's stages agree. Once the decision chose Filestore and
// something on the share takes locks, the service deploys with no canary (two revisions side by
// side would be two writers), and every text says the switch itself may still overlap.
import path from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { parse } from "yaml";
import { buildObserveContext } from "../../src/phases/observe/context.js";
import { resultProblems } from "../../src/phases/observe/result-check.js";
import type { ObserveResult } from "../../src/phases/observe/schema.js";
import { actionlint } from "../../src/validate/actionlint.js";
import { corpusWithFilestore } from "../helpers/filestore-inventory.js";
import { renderOffline } from "../helpers/offline-output.js";
import { inputFromFile, ROOT } from "../helpers/phase-input.js";

const GITEA = path.join(ROOT, "test/fixtures/real/gitea/inventory.yaml");
const decided = corpusWithFilestore("gitea");
afterAll(() => decided.dispose());

type Step = { name: string; run?: string };
const render = async (file: string, repo?: string) => {
  const out = await renderOffline(file, repo);
  return { ...out, files: new Map(out.artifacts.map((a) => [a.path, a.content])) };
};
const stage = (plan: string, title: string) => plan.split(/^## /m).find((s) => s.includes(`: ${title}\n`)) ?? "";

describe("a held service, everywhere", () => {
  it("monitoring leaves it out and the observe README says why", async () => {
    const { files } = await render(GITEA);
    const monitoring = [...files.keys()].filter((p) => p.startsWith("monitoring/"));
    // The database still moves, so its alert stays; nothing about the held service does.
    expect(monitoring).toContain("monitoring/alert-policies/gitea-db-health.json");
    expect(
      monitoring.filter((p) => /\/(slos|services)\//.test(p) || /gitea-(uptime|availability|latency)/.test(p)),
    ).toEqual([]);
    const script = files.get("scripts/setup-observability.sh")!;
    expect(script).not.toMatch(/uptime[^\n]*gitea \//);
    const readme = files.get("docs/migration/observe/README.md")!;
    expect(readme).toContain("## Not watched: services the deploy holds");
    expect(readme).toMatch(/\*\*gitea\*\*: not deployed yet \(\/var\/lib\/gitea\/data keeps gitea-repositories/);
    expect(readme).toContain("they would page about a service that does not exist");
    const plan = files.get("docs/migration/README.md")!;
    expect(stage(plan, "First deploy, before any user traffic")).toContain("Nothing watches gitea yet");
  });

  it("a model's SLO for the held service is refused, naming why", async () => {
    const held = await render(GITEA);
    const fs = await render(decided.file, decided.repo);
    const input = inputFromFile(GITEA, {}, { design: held.results.design, audit: held.results.audit });
    const problems = resultProblems(buildObserveContext(input), fs.results.observe as ObserveResult);
    expect(problems).toEqual(
      expect.arrayContaining([
        expect.stringMatching(
          /^slos\[0\] \(gitea-availability\): gitea is held \(not deployed until its disk decision is taken\)/,
        ),
      ]),
    );
  });

  it("the runbook's cut-over waits for the decision, and the plan's stages agree", async () => {
    const { results, files } = await render(GITEA);
    const runbook = (results.design as { runbook: Record<string, { title: string; detail: string }[]> }).runbook;
    expect(runbook.cutover.map((s) => s.title)).toEqual([
      "Wait for the disk decision before the cut-over (gitea held)",
    ]);
    expect(runbook.cutover[0]!.detail).toMatch(/open decision gitea-disk is taken .* DNS stays on the VM/);
    expect(runbook.database.find((s) => s.title.startsWith("Promote"))!.title).toMatch(
      /^Promote \(not yet: only at the cut-over, once gitea can deploy\)$/,
    );
    expect(runbook.rollback.map((s) => s.title)).toEqual(["Nothing switched yet"]);
    const doc = files.get("docs/migration/design/runbook.md")!;
    expect(doc).not.toMatch(/Switch DNS/);
    const plan = files.get("docs/migration/README.md")!;
    const cutover = stage(plan, "Cut-over");
    const headings = cutover.match(/^### .*/gm)!;
    expect(headings).toHaveLength(1);
    const [, n] = /^### (\d+)\. Wait for the disk decision before the cut-over \(gitea held\)$/.exec(headings[0]!)!;
    // The stage table lists that one step, and nothing else, for the cut-over.
    expect(plan).toContain(`| Day 5 | Cut-over | ${n} |`);
    expect(stage(plan, "Copy the data and rehearse")).toContain("Promote (not yet");
    expect(stage(plan, "Decommission the VM")).toContain("Not yet: gitea still runs on");
    // Nothing is said about a held service's revisions, nor are users told to open it.
    expect(stage(plan, "Roll back")).not.toContain("--service=gitea");
    expect(files.get("docs/migration/cicd/README.md")).not.toContain("add-iam-policy-binding gitea");
  });

  it("decided for Filestore with locked files: deployed without a canary, saying the switch may overlap", async () => {
    const { files, results } = await render(decided.file, decided.repo);
    const workflow = files.get(".github/workflows/deploy.yml")!;
    expect(await actionlint(workflow, ".github/workflows/deploy.yml")).toEqual([]);
    const steps = (parse(workflow) as { jobs: { deploy: { steps: Step[] } } }).jobs.deploy.steps;
    const gitea = steps.find((s) => s.name.startsWith("Deploy gitea"))!;
    expect(gitea.name).toBe("Deploy gitea (api), no canary: one writer to the locked files on gitea-data");
    expect(gitea.run).toContain("--strategy direct");
    expect(gitea.run).not.toContain("--steps");
    const plan = files.get("docs/migration/README.md")!;
    const first = stage(plan, "First deploy, before any user traffic");
    expect(first).toContain(
      "The index files indexers/issues.bleve, queues on the share gitea-data take locks that Cloud Run's NFS mounts do not give",
    );
    expect(first).toContain("gitea deploys without a canary");
    expect(first).toContain(
      "it does not rule them out: Cloud Run starts the new instance before the old one stops and may briefly exceed max instances",
    );
    // Still public: the plan opens it to everyone.
    expect(first).toContain("add-iam-policy-binding gitea --region=us-central1");
    expect(stage(plan, "Verify")).toContain(
      "`gitea` goes straight to the new revision once it is ready, with no canary",
    );
    expect(files.get("docs/migration/cicd/README.md")).toContain(
      "| `gitea` | api | direct (readiness gate), no canary: one writer to the locked files on gitea-data |",
    );
    const design = results.design as { mapping: { target: { kind: string }; reason: string }[] };
    expect(design.mapping.find((m) => m.target.kind === "filestore")!.reason).toContain(
      "may briefly exceed max instances",
    );
    expect(files.get("docs/migration/design/decisions.md")).toContain("two instances can have the files open");
    // Observe: no deploy gate is claimed for a service with no canary.
    expect(files.get("docs/migration/observe/slos.md")).toContain("No public API is rolled out as a canary");
  });
});
