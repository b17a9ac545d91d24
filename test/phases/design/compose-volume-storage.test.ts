// A folder of user files the app sees elsewhere than on the VM (a compose bind mount or named
// volume: storage[].hostPath): the bucket is mounted where the container writes, as the inventory
// says it (the team's image's own path, never moved into our image's folder), and the copy reads
// the folder on the VM's disk.
import { existsSync } from "node:fs";
import path from "node:path";
import { describe, expect, it } from "vitest";
import type { Inventory, Storage } from "../../../src/inventory/schema.js";
import { designPhase } from "../../../src/phases/design/index.js";
import { designResultSchema } from "../../../src/phases/design/schema.js";
import { inputFromFile, ROOT } from "../../helpers/phase-input.js";
import { withAudit } from "./design-input.js";

const REAL = path.join(ROOT, "test/fixtures/real");

function design(app: string, storage: Storage) {
  const base = inputFromFile(path.join(REAL, app, "inventory.yaml"));
  const inventory: Inventory = { ...base.inventory, storage: [storage] };
  const input = { ...withAudit({ ...base, inventory }), repoDir: path.join(REAL, app, "repo") };
  return designResultSchema.parse(designPhase.offline(input));
}

describe.skipIf(!existsSync(REAL))("a compose volume of user files", () => {
  it("is mounted at the container's path and copied from the VM's folder", () => {
    const result = design("spring-petclinic", {
      path: "/app/media",
      hostPath: "/srv/petclinic/media",
      purpose: "compose bind mount ./media:/app/media",
      absoluteSetting: true,
    });
    const bucket = result.deployment.buckets![0]!;
    expect(bucket.sourcePath).toBe("/srv/petclinic/media");
    const mounts = result.deployment.services.flatMap((t) => t.volumes ?? []).filter((v) => v.bucket === bucket.name);
    expect(mounts.map((v) => v.mountPath)).toEqual(["/app/media"]);
    expect(JSON.stringify(result)).toContain(`gcloud storage rsync /srv/petclinic/media gs://${bucket.name}`);
    const decision = result.decisions.find((d) => d.title.startsWith("Move user files"))!;
    expect(decision.context).toMatch(/^\/srv\/petclinic\/media hold/);
    expect(decision.decision).toContain(
      `/srv/petclinic/media (the container's /app/media) → gs://${bucket.name} at /app/media`,
    );
  });

  it("the container's path is taken as it is, never as a VM path under the app's folder", () => {
    const mountsOf = (result: ReturnType<typeof design>) =>
      result.deployment.services.flatMap((t) => (t.volumes ?? []).map((v) => v.mountPath));
    const result = design("tandoor", {
      path: "/var/www/recipes/mediafiles",
      hostPath: "/var/lib/docker/volumes/recipes_media/_data",
      absoluteSetting: true,
    });
    expect(result.deployment.buckets![0]!.sourcePath).toBe("/var/lib/docker/volumes/recipes_media/_data");
    expect(mountsOf(result)).toContain("/var/www/recipes/mediafiles");
    // Without hostPath the same path is the VM's, under the app's folder: it moves into the image's.
    expect(mountsOf(design("tandoor", { path: "/var/www/recipes/mediafiles" }))).toContain("/app/mediafiles");
  });
});
