// The VM's upload folders become Cloud Storage volumes; Cloud Storage FUSE gives their files to
// root (644/755) unless the mount names an owner, and every image we write runs as a non-root
// user. So each mount names the uid/gid of the image its target runs (Python, Ruby, Java: app
// 10001; Node.js: node 1000; PHP: www-data 33; Go: distroless nonroot 65532; a team's own
// Dockerfile: its USER), or opens its modes when that user is not known.
import { existsSync } from "node:fs";
import path from "node:path";
import { describe, expect, it } from "vitest";
import { z } from "zod";
import type { DeployTarget, Deployment } from "../../../src/contracts/deployment.js";
import { deployFlags, usesBetaGcloud } from "../../../src/phases/cicd/deploy-flags.js";
import { designPhase } from "../../../src/phases/design/index.js";
import { mergeSurroundings } from "../../../src/phases/design/model-answer.js";
import { designAnswerSchema, designResultSchema, type DesignResult } from "../../../src/phases/design/schema.js";
import { inputFromFile, ROOT } from "../../helpers/phase-input.js";
import { withAudit } from "./design-input.js";

const REAL = path.join(ROOT, "test/fixtures/real");
const UPLOADS = [{ path: "/var/lib/app/uploads", purpose: "user uploads" }];

/** The offline design of a corpus app planned against its repository; apps without uploads get one folder. */
function designResult(app: string, from: string, repo = true): DesignResult {
  const base = inputFromFile(path.join(REAL, app, "inventory.yaml"));
  const inventory = { ...base.inventory, storage: base.inventory.storage ?? UPLOADS };
  const input = { ...withAudit({ ...base, inventory }), repoDir: repo ? path.join(REAL, app, from) : "/nonexistent" };
  return designResultSchema.parse(designPhase.offline(input));
}
const design = (app: string, from: string, repo = true): Deployment => designResult(app, from, repo).deployment;

const volumeFlags = (t: DeployTarget, dep: Deployment) => deployFlags(t, dep).filter((f) => f.includes("volume"));
const target = (dep: Deployment, name: string) => dep.services.find((t) => t.name === name)!;

describe.skipIf(!existsSync(REAL))("bucket mounts name the image user's ids", () => {
  it.each([
    ["python (netbox)", "netbox", "vm/opt/netbox", "netbox", "uid=10001;gid=10001"],
    ["node (outline)", "outline", "vm/opt/outline", "outline", "uid=1000;gid=1000"],
    ["ruby (mastodon web)", "mastodon", "vm/home/mastodon/live", "mastodon", "uid=10001;gid=10001"],
    [
      "node in a second image (mastodon streaming)",
      "mastodon",
      "vm/home/mastodon/live",
      "mastodon-streaming",
      "uid=1000;gid=1000",
    ],
    ["php www-data (pixelfed)", "pixelfed", "vm/var/www/pixelfed", "pixelfed", "uid=33;gid=33"],
    ["php www-data (bookstack)", "bookstack", "vm/var/www/bookstack", "bookstack", "uid=33;gid=33"],
    ["java (spring-petclinic)", "spring-petclinic", "repo", "spring-petclinic", "uid=10001;gid=10001"],
    ["go distroless nonroot (miniflux)", "miniflux", "repo", "miniflux", "uid=65532;gid=65532"],
    [
      "go distroless nonroot, built with goreleaser's hooks (listmonk)",
      "listmonk",
      "repo",
      "listmonk",
      "uid=65532;gid=65532",
    ],
    ["the team's own Dockerfile, USER 1000:1000 (maybe)", "maybe", "vm/opt/maybe", "maybe", "uid=1000;gid=1000"],
  ])("%s", (_, app, from, name, options) => {
    const dep = design(app, from);
    const t = target(dep, name);
    expect(t.volumes?.length, name).toBeGreaterThan(0);
    const flags = volumeFlags(t, dep);
    const adds = flags.filter((f) => f.startsWith("--add-volume="));
    expect(adds).toHaveLength(t.volumes!.length);
    for (const flag of adds) expect(flag).toMatch(new RegExp(`,mount-options=${options}$`));
    expect(flags.filter((f) => f.startsWith("--add-volume-mount="))).toHaveLength(t.volumes!.length);
    expect(usesBetaGcloud(t)).toBe(true);
  });

  it("every target that mounts a bucket runs its deploy with mount options; the others are unchanged", () => {
    const dep = design("paperless-ngx", "vm/opt/paperless");
    const mounting = dep.services.filter((t) => t.volumes?.length);
    expect(mounting.length).toBeGreaterThan(1);
    for (const t of mounting)
      for (const v of t.volumes!) expect(v.owner, `${t.name} ${v.bucket}`).toEqual({ uid: 10001, gid: 10001 });
    const others = dep.services.filter((t) => !t.volumes?.length);
    expect(others.map((t) => t.name)).toContain("paperless-ngx-ai-worker");
    for (const t of others) {
      expect(volumeFlags(t, dep)).toEqual([]);
      expect(usesBetaGcloud(t)).toBe(false);
    }
  });

  it("architecture.md names who owns each bucket's files (Mastodon: the Ruby and the Node.js image's users)", async () => {
    const base = inputFromFile(path.join(REAL, "mastodon/inventory.yaml"));
    const input = { ...withAudit(base), repoDir: path.join(REAL, "mastodon/vm/home/mastodon/live") };
    const artifacts = await designPhase.render(designResultSchema.parse(designPhase.offline(input)), input);
    const doc = artifacts.find((a) => a.path.endsWith("architecture.md"))!.content;
    const row = doc.split("\n").find((l) => l.startsWith("| `mastodon-prod-system` |"));
    expect(row).toContain("uid 10001, gid 10001 (the image's user); uid 1000, gid 1000 (the image's user)");
  });

  it("without the repository the image's user is not known: the mount is writable by every user", () => {
    const dep = design("netbox", "", false);
    const t = target(dep, "netbox");
    expect(t.volumes![0]!.owner).toBeUndefined();
    expect(volumeFlags(t, dep)[0]).toMatch(/,mount-options=file-mode=666;dir-mode=777$/);
  });

  it("the model is not asked who owns a mount: the merge takes the draft's, from the image", () => {
    const result = designResult("pixelfed", "vm/var/www/pixelfed");
    expect(JSON.stringify(z.toJSONSchema(designAnswerSchema, { io: "input" }))).not.toContain('"owner"');
    const answer = designAnswerSchema.parse(structuredClone(result));
    expect(answer.deployment.services.flatMap((t) => t.volumes ?? []).some((v) => "owner" in v)).toBe(false);
    // A renamed target still mounts a bucket every draft target gives the same owner.
    answer.deployment.services.find((t) => t.name === "pixelfed-worker")!.name = "pixelfed-queue";
    const merged = mergeSurroundings(answer, result.deployment).deployment;
    const owners = merged.services.flatMap((t) => (t.volumes ?? []).map((v) => v.owner));
    expect(owners.length).toBeGreaterThan(1);
    for (const owner of owners) expect(owner).toEqual({ uid: 33, gid: 33 });
  });
});

describe.skipIf(!existsSync(REAL))("bucket mounts land where the image holds the app", () => {
  it.each([
    // Our image copies the repository to /app.
    ["our image (netbox)", "netbox", "vm/opt/netbox", "netbox", "/app/netbox/media"],
    // The team's Dockerfile is built: its WORKDIR /opt/recipes and `COPY . ./` (Tandoor), its
    // chain's WORKDIR /rails (Maybe, whose final stage copies /rails from the build stage).
    [
      "the team's Dockerfile, COPY . ./ in /opt/recipes (tandoor)",
      "tandoor",
      "vm/var/www/recipes",
      "recipes",
      "/opt/recipes/mediafiles",
    ],
    ["the team's Dockerfile, WORKDIR /rails (maybe)", "maybe", "vm/opt/maybe", "maybe", "/rails/storage"],
  ])("%s", (_, app, from, name, mountPath) => {
    const t = target(design(app, from), name);
    expect(t.volumes?.map((v) => v.mountPath)).toEqual([mountPath]);
  });
});
