// A storage folder whose data is written in place (inventory storage[].inPlace: git repositories,
// index folders, SQLite files) is never mounted from a Cloud Storage bucket: it is an open decision
// with priced choices (a VM with a disk, a Filestore NFS volume, shared services), and only the
// subfolders of whole files beside it are mounted. A folder of uploads alone keeps its bucket.
// The Filestore choice's command parses with the real gcloud; the choice taken (inPlaceHome) mounts it.
import { describe, expect, it } from "vitest";
import { deployFlags } from "../../../src/phases/cicd/deploy-flags.js";
import { designPhase } from "../../../src/phases/design/index.js";
import { designResultSchema } from "../../../src/phases/design/schema.js";
import { checkGcloud, findGcloud } from "../../helpers/gcloud-check.js";
import { designInputFromYaml } from "./design-input.js";

const design = (storage: string) =>
  designResultSchema.parse(
    designPhase.offline(
      designInputFromYaml(`apiVersion: infra-migrate/v1
kind: Inventory
metadata: { name: forge }
host: { hostname: vm, os: "Debian GNU/Linux 12 (bookworm)", cpus: 2 }
services:
  - { name: nginx, role: reverse-proxy, software: nginx, listen: ["0.0.0.0:443"], dependsOn: [forge] }
  - { name: forge, role: web, software: forge, runtime: go, command: "/usr/local/bin/forge web", listen: ["127.0.0.1:3000"], dependsOn: [db] }
  - { name: db, role: database, software: postgres, listen: ["127.0.0.1:5432"] }
data:
  - { service: db, engine: postgres, version: "16", sizeGiB: 5, backups: none }
storage: ${storage}
deploy: { method: ssh-script }
target: { project: forge-prod, region: us-central1, service: forge }
`),
    ),
  );

const mounts = (r: ReturnType<typeof design>) =>
  (r.deployment.services.find((t) => t.replaces.includes("forge"))!.volumes ?? []).map(
    (v) => `${v.mountPath}=${v.onlyDir ?? ""}`,
  );

describe("a storage folder written in place", () => {
  it.each([
    {
      name: "uploads alone: one bucket over the folder, no decision",
      storage: `[{ path: /srv/forge/media }]`,
      mounts: ["/srv/forge/media="],
      decision: undefined,
    },
    {
      name: "a SQLite file in the data folder: nothing mounted, a disk decision with the VM first",
      storage: `[{ path: /srv/forge/data, inPlace: [{ path: forge.db, kind: sqlite }] }]`,
      mounts: [],
      decision: {
        first: /^Keep forge on a small Compute Engine VM.*\(recommended\)$/,
        what: /keeps forge\.db written in place: SQLite files/,
      },
    },
    {
      name: "git repositories beside uploads: only the uploads mounted, the repositories decided, Filestore first-class",
      storage: `[{ path: /srv/forge/data, inPlace: [{ path: repos, kind: git }], uploadFolders: [attachments, repos] }]`,
      mounts: ["/srv/forge/data/attachments=attachments"],
      decision: { first: /^Keep forge on a small Compute Engine VM with a persistent disk$/, what: /git repositories/ },
    },
    {
      name: "the whole folder a git repository store: nothing mounted",
      storage: `[{ path: /srv/git, inPlace: [{ path: ".", kind: git }], uploadFolders: [alice] }]`,
      mounts: [],
      decision: { first: /^Keep forge/, what: /keeps all of it written in place: git repositories/ },
    },
  ])("$name", ({ storage, mounts: want, decision }) => {
    const r = design(storage);
    expect(mounts(r)).toEqual(want);
    const open = r.mapping.find((m) => m.target.name === "forge-disk");
    if (!decision) {
      expect(open).toBeUndefined();
      return;
    }
    expect(open!.target.kind).toBe("needs-decision");
    expect(open!.reason).toMatch(decision.what);
    expect(open!.reason).toContain("so the deploy skips forge and the VM keeps serving");
    // Until it is taken the deploy holds the service that uses the folder, and says why.
    const forge = r.deployment.services.find((t) => t.replaces.includes("forge"))!;
    expect(forge.held).toMatch(/^\/srv\/\S+ keeps .* written in place, .*open decision forge-disk is taken/);
    expect(forge.nfsVolumes).toBeUndefined();
    expect(open!.options![0]!.option).toMatch(decision.first);
    expect(open!.options![1]!.option).toMatch(/^A Filestore \(NFS\) volume/);
    expect(open!.options![1]!.cost).toMatch(/1 TiB minimum/);
    // The bucket (when any) holds only the whole-file subfolders, and the runbook copies only them.
    const buckets = r.deployment.buckets ?? [];
    expect(buckets.flatMap((b) => b.folders ?? [])).toEqual(want.map((m) => m.split("=")[1]));
  });

  it("says which kind is safe on NFS: git's lock files are; an index is for data one can rebuild", () => {
    const git = design(`[{ path: /srv/git, inPlace: [{ path: ".", kind: git }] }]`);
    const index = design(`[{ path: /srv/forge/data, inPlace: [{ path: queues, kind: index }] }]`);
    const nfs = (r: ReturnType<typeof design>) => r.mapping.find((m) => m.target.name === "forge-disk")!.options![1]!;
    expect(nfs(git).option).toMatch(/\(recommended\)$/);
    expect(nfs(git).change).toContain("git's lock files work on NFS");
    expect(nfs(index).option).toMatch(/only for data you can rebuild/);
    expect(nfs(index).change).toMatch(/No NFS locks, and deploys overlap revisions: an index can corrupt\.$/);
  });

  it("an app's data directory (kind files): no bucket; renames and modes named, Filestore first, object storage not a copy", () => {
    const r = design(`[{ path: /srv/forge-data, absoluteSetting: true, inPlace: [{ path: ".", kind: files }] }]`);
    expect(mounts(r)).toEqual([]);
    expect(r.deployment.buckets ?? []).toEqual([]);
    const open = r.mapping.find((m) => m.target.name === "forge-disk")!;
    expect(open.target.kind).toBe("needs-decision");
    expect(open.reason).toMatch(/keeps all of it written in place: the app's data directory, managed as a filesystem/);
    expect(open.reason).toMatch(/no folder rename without a hierarchical namespace, and fixed modes \(0755, 0644\)/);
    expect(open.reason).toContain("so the deploy skips forge and the VM keeps serving");
    const options = open.options!;
    // Several instances share a data directory on NFS: Filestore is the recommended choice.
    expect(options[0]!.option).toMatch(/^Keep forge on a small Compute Engine VM with a persistent disk$/);
    expect(options[1]!.option).toMatch(/^A Filestore \(NFS\) volume .*\(recommended\)$/);
    expect(options[1]!.change).toMatch(/Folder renames and the app's permissions work on NFS \(chown the share/);
    // Object storage as primary storage is offered and said plainly not to be a copy; no git choice.
    expect(options.map((o) => o.option)).toEqual([
      expect.anything(),
      expect.anything(),
      "Object storage as the app's primary storage, if it supports it (not a copy)",
    ]);
    expect(options[2]!.change).toMatch(/that is not a copy of this folder: it stores each file by its id/);
    expect(r.deployment.services.find((t) => t.replaces.includes("forge"))!.held).toMatch(
      /open decision forge-disk is taken/,
    );
    // Taken: the share is mounted with several instances (no lock NFS lacks) and its canary kept.
    const taken = design(`[{ path: /srv/forge-data, inPlace: [{ path: ".", kind: files }], inPlaceHome: filestore }]`);
    const forge = taken.deployment.services.find((t) => t.replaces.includes("forge"))!;
    expect(forge.held).toBeUndefined();
    expect(forge.nfsVolumes).toEqual([{ filestore: "forge-data", mountPath: "/srv/forge-data" }]);
    expect(forge.maxInstances).toBeGreaterThan(1);
  });

  it.skipIf(!findGcloud())(
    "the Filestore choice's create command parses with the real gcloud; deciding it mounts the share over NFS",
    async () => {
      const r = design(`[{ path: /srv/git, inPlace: [{ path: ".", kind: git }] }]`);
      const change = r.mapping.find((m) => m.target.name === "forge-disk")!.options![1]!.change;
      const create = [...change.matchAll(/`([^`]+)`/g)]
        .map((m) => m[1]!)
        .find((q) => q.startsWith("gcloud filestore"))!
        .split(" ")
        .slice(1);
      const check = await checkGcloud([{ argv: [...create, "--quiet"], source: "filestore" }]);
      expect(check.findings).toEqual([]);
      expect(check.checked).toBe(1);
      // Taken: the deploy's flags (the NFS volume itself is parsed in generated-commands.test.ts).
      const taken = design(`[{ path: /srv/git, inPlace: [{ path: ".", kind: git }], inPlaceHome: filestore }]`);
      const forge = taken.deployment.services.find((t) => t.replaces.includes("forge"))!;
      expect(forge.held).toBeUndefined();
      expect(forge.nfsVolumes).toEqual([{ filestore: "forge-data", mountPath: "/srv/git" }]);
      expect(deployFlags(forge, taken.deployment)).toEqual(
        expect.arrayContaining(["--execution-environment=gen2", "--vpc-egress=private-ranges-only"]),
      );
      // git alone takes no lock NFS lacks: the service keeps its instances.
      expect(forge.maxInstances).toBeGreaterThan(1);
      expect(taken.deployment.filestores).toEqual([
        { name: "forge-data", zone: "us-central1-b", tier: "BASIC_HDD", capacityGiB: 1024, sourcePath: "/srv/git" },
      ]);
    },
    60_000,
  );
});
