// A folder of user files that also holds code (inventory uploadFolders / codeFolders / codeLinks,
// detect/storage-split.ts) is mounted per subfolder of user files from one bucket (only-dir), the
// runbook copies only those subfolders, the decision says which and why, and the image makes the
// code links. A plain folder keeps one mount over all of it. One case a row, on the Ghost corpus
// app planned against its VM copy. Ghost's settings name the folder by its absolute path
// (paths.contentPath), so it keeps that path in the container (absoluteSetting, as in its inventory).
import { existsSync } from "node:fs";
import path from "node:path";
import { describe, expect, it } from "vitest";
import type { Storage } from "../../../src/inventory/schema.js";
import { deployFlags } from "../../../src/phases/cicd/deploy-flags.js";
import { designPhase } from "../../../src/phases/design/index.js";
import { designResultSchema } from "../../../src/phases/design/schema.js";
import { planImages } from "../../../src/image/plan.js";
import { inputFromFile, ROOT } from "../../helpers/phase-input.js";
import { withAudit } from "./design-input.js";

const APP = path.join(ROOT, "test/fixtures/real/ghost");
const REPO = path.join(APP, "vm/var/www/ghost");
const CONTENT = "/var/www/ghost/content";
const LINKS = [
  { path: "themes/casper", target: "versions/5.96.1/content/themes/casper" },
  { path: "themes/source", target: "versions/5.96.1/content/themes/source" },
];

function plan(storage: Storage[]) {
  const base = inputFromFile(path.join(APP, "inventory.yaml"));
  const inventory = { ...base.inventory, storage };
  const result = designResultSchema.parse(designPhase.offline(withAudit({ ...base, inventory, repoDir: REPO })));
  const dep = result.deployment;
  const ghost = dep.services.find((t) => t.replaces.includes("ghost-blog-example-com"))!;
  const flags = deployFlags(ghost, dep).filter((f) => f.startsWith("--add-volume"));
  const runbook = result.runbook.database.flatMap((s) => s.commands).filter((c) => c.includes("storage rsync"));
  const decision = result.decisions.find((d) => d.title.startsWith("Move user files"))?.decision ?? "";
  const dockerfile = planImages(inventory, REPO).images[0]!.content ?? "";
  return { dep, ghost, flags, runbook, decision, dockerfile, assumptions: result.assumptions };
}

describe.skipIf(!existsSync(APP))("a folder of user files that also holds code", () => {
  it.each([
    {
      name: "themes linked into the release: each upload folder mounted and copied, the links made in the image",
      storage: {
        path: CONTENT,
        absoluteSetting: true as const,
        uploadFolders: ["files", "images"],
        codeFolders: ["themes"],
        codeLinks: LINKS,
      },
      mounts: [`${CONTENT}/files=files`, `${CONTENT}/images=images`],
      rsync: [
        `gcloud storage rsync ${CONTENT}/files gs://ghost-prod-content/files --recursive`,
        `gcloud storage rsync ${CONTENT}/images gs://ghost-prod-content/images --recursive`,
      ],
      decision:
        /content → gs:\/\/ghost-prod-content at \/var\/www\/ghost\/content\/{files,images}\).*only files, images are mounted.*themes holds links into the app.s release/,
      image: [
        "ln -sfn /app/versions/5.96.1/content/themes/casper /app/content/themes/casper",
        `ln -sfn /app/content/themes ${CONTENT}/themes`,
        `chown 1000:1000 ${CONTENT}`,
      ],
    },
    {
      name: "a code folder by name (no links): mounted per upload folder, the repository's copy linked",
      storage: { path: CONTENT, absoluteSetting: true as const, uploadFolders: ["images"], codeFolders: ["themes"] },
      mounts: [`${CONTENT}/images=images`],
      rsync: [`gcloud storage rsync ${CONTENT}/images gs://ghost-prod-content/images --recursive`],
      decision: /only images is mounted.*themes holds code/,
      image: [`ln -sfn /app/content/themes ${CONTENT}/themes`],
    },
    {
      name: "a plain folder: one mount over all of it, one copy, nothing in the image",
      storage: { path: CONTENT, absoluteSetting: true as const },
      mounts: [`${CONTENT}=`],
      rsync: [`gcloud storage rsync ${CONTENT} gs://ghost-prod-content --recursive`],
      decision: /^(?!.*only-dir)/,
      image: [],
    },
  ])("$name", ({ storage, mounts, rsync, decision, image }) => {
    const got = plan([storage]);
    expect(got.ghost.volumes!.map((v) => `${v.mountPath}=${v.onlyDir ?? ""}`)).toEqual(mounts);
    // One bucket, one volume per mount, each named apart (a target's volume names are unique).
    expect(got.dep.buckets!.map((b) => b.name)).toEqual(["ghost-prod-content"]);
    const names = got.flags.filter((f) => f.startsWith("--add-volume=")).map((f) => /name=([^,]+)/.exec(f)![1]);
    expect(new Set(names).size).toBe(mounts.length);
    for (const v of got.ghost.volumes!.filter((x) => x.onlyDir))
      expect(got.flags.join(" ")).toContain(`mount-options=only-dir=${v.onlyDir};uid=1000;gid=1000`);
    expect(got.runbook.filter((c) => !c.includes("--delete-unmatched"))).toEqual(rsync);
    expect(got.decision).toMatch(decision);
    for (const line of image) expect(got.dockerfile).toContain(line);
    expect(got.dockerfile.includes("ln -sfn")).toBe(image.length > 0);
  });

  it("a folder that holds only code gets no bucket, and the design says so", () => {
    const got = plan([{ path: CONTENT, uploadFolders: [], codeFolders: ["themes"], codeLinks: LINKS }]);
    expect(got.dep.buckets ?? []).toEqual([]);
    expect(got.ghost.volumes ?? []).toEqual([]);
    expect(got.assumptions.join("\n")).toContain("holds code (themes) and no folder of user files");
  });
});
