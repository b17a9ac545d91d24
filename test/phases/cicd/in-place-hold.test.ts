// Data written in place (Gitea's git repositories, LevelDB queues and bleve index) has no home on a
// Cloud Storage mount. Until the inventory takes its open decision, the deploy does not deploy the
// service that uses it (a Cloud Run instance would keep the data in memory and lose it on restart)
// and says why in the job and the plan; with `inPlaceHome: filestore` setup-network.sh creates the
// share and the deploy mounts all of the folder over NFS (gen2, Direct VPC egress), with no bucket.
// The real gcloud parses both in test/gcloud/generated-commands.test.ts.
import path from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { parse } from "yaml";
import { corpusWithFilestore } from "../../helpers/filestore-inventory.js";
import { renderOffline } from "../../helpers/offline-output.js";
import { ROOT } from "../../helpers/phase-input.js";

const GITEA = path.join(ROOT, "test/fixtures/real/gitea/inventory.yaml");
const decided = corpusWithFilestore("gitea");
afterAll(() => decided.dispose());

type Step = { name: string; run?: string; env?: Record<string, string> };
const words = (s: Step | undefined) => (s?.run ?? "").replace(/\s*\\\n\s*/g, " ");
const deploySteps = (files: Map<string, string>): Step[] =>
  (parse(files.get(".github/workflows/deploy.yml")!) as { jobs: { deploy: { steps: Step[] } } }).jobs.deploy.steps;
const render = async (file: string, repo?: string) => {
  const out = await renderOffline(file, repo);
  return { files: new Map(out.artifacts.map((a) => [a.path, a.content])), steps: out.steps, results: out.results };
};

describe("data written in place", () => {
  it("held while its decision is open: no deploy of gitea, the job and the plan say why", async () => {
    const { files, steps } = await render(GITEA);
    const deploy = deploySteps(files);
    expect(deploy.some((s) => words(s).includes("--service gitea "))).toBe(false);
    const hold = deploy.find((s) => s.name.startsWith("Hold gitea"))!;
    expect(hold.run).toContain("::notice title=gitea is not deployed::${HELD_REASON}");
    expect(hold.env!.HELD_REASON).toMatch(
      /^\/var\/lib\/gitea\/data keeps gitea-repositories, .* lost on restart\. Not deployed until the open decision gitea-disk is taken .*inPlaceHome: filestore/,
    );
    const first = steps.find((s) => s.title === "First deploy")!;
    expect(first.body).toContain("Not gitea: the deploy holds it and says why");
    // Nobody is told to open a service that is not deployed.
    expect(first.commands!.join("\n")).not.toMatch(/add-iam-policy-binding gitea /);
    expect(files.get("scripts/setup-network.sh") ?? "").not.toContain("filestore");
  });

  it("decided for Filestore: setup-network.sh creates the share, the deploy mounts the whole folder over NFS", async () => {
    const { files, results } = await render(decided.file, decided.repo);
    const network = files.get("scripts/setup-network.sh")!;
    expect(network).toMatch(
      /run gcloud filestore instances create gitea-data --zone us-central1-b --project "\$PROJECT_ID" --tier=BASIC_HDD \\\n\s+--file-share=name=data,capacity=1TB --network=name="\$NETWORK"/,
    );
    const deploy = deploySteps(files);
    expect(deploy.some((s) => s.name.startsWith("Hold"))).toBe(false);
    const lookup = deploy.findIndex((s) => s.name === "Look up the gitea-data address (Filestore, NFS)");
    const gitea = deploy.findIndex((s) => s.name.startsWith("Deploy gitea"));
    expect(lookup).toBeGreaterThanOrEqual(0);
    expect(gitea).toBeGreaterThan(lookup);
    const run = words(deploy[gitea]);
    expect(run).toContain("--execution-environment=gen2");
    expect(run).toContain('"--add-volume=name=gitea-data,type=nfs,location=${FILESTORE_0_IP}:/data"');
    expect(run).toContain("--add-volume-mount=volume=gitea-data,mount-path=/var/lib/gitea/data");
    expect(run).toMatch(/--network=\S+ --subnet=\S+ --vpc-egress=private-ranges-only/);
    expect(run).toContain("--max-instances=1");
    // The share carries the whole folder: no bucket over its upload subfolders.
    expect(run).not.toContain("type=cloud-storage");
    expect(files.get("scripts/setup-wif.sh")).toContain("--role=roles/file.viewer");
    const design = results.design as {
      mapping: { service: string; target: { kind: string; name: string } }[];
      deployment: { buckets?: unknown[] };
    };
    expect(design.mapping.filter((m) => m.service === "gitea").map((m) => m.target)).toEqual(
      expect.arrayContaining([{ kind: "filestore", name: "gitea-data" }]),
    );
    expect(design.mapping.some((m) => m.target.name === "gitea-disk")).toBe(false);
    expect(design.deployment.buckets ?? []).toEqual([]);
    expect(files.get("docs/migration/design/cost-estimate.md")).toMatch(/filestore gitea-data/);
  });
});
