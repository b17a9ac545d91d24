// A folder inside an app process's working directory on the VM is where a relative path the app
// writes to lands (an uploads setting "uploads", "./media"). In the container the process runs in
// the image's WORKDIR: the bucket is mounted where the same relative path lands there, or the image
// runs where the VM's process ran (a Go binary holds nothing at a relative path). A folder the
// settings name by its absolute path keeps that path.
import { existsSync } from "node:fs";
import path from "node:path";
import { describe, expect, it } from "vitest";
import type { Inventory, Service, Storage } from "../../../src/inventory/schema.js";
import { designPhase } from "../../../src/phases/design/index.js";
import { designResultSchema } from "../../../src/phases/design/schema.js";
import { inputFromFile, ROOT } from "../../helpers/phase-input.js";
import { withAudit } from "./design-input.js";

const REAL = path.join(ROOT, "test/fixtures/real");

/** A corpus app's design with its app process run from `workingDir` and one storage folder. */
function design(app: string, service: string, workingDir: string | undefined, storage: Storage) {
  const base = inputFromFile(path.join(REAL, app, "inventory.yaml"));
  const services = base.inventory.services.map((s): Service =>
    s.name === service ? { ...s, ...(workingDir ? { workingDir } : {}) } : s,
  );
  const inventory: Inventory = { ...base.inventory, services, storage: [storage] };
  const input = { ...withAudit({ ...base, inventory }), repoDir: path.join(REAL, app, "repo") };
  return designResultSchema.parse(designPhase.offline(input));
}
const mounts = (result: ReturnType<typeof design>, name: string) =>
  result.deployment.services.find((t) => t.name === name)!.volumes!.map((v) => v.mountPath);
const storageDecision = (result: ReturnType<typeof design>) =>
  result.decisions.find((d) => d.title.startsWith("Move user files"))!.decision;

describe.skipIf(!existsSync(REAL))("a storage folder inside the process's working directory", () => {
  it.each([
    [
      "a JVM image (WORKDIR /app): media under /opt/app is /app/media",
      "/opt/app",
      { path: "/opt/app/media", purpose: "user uploads" },
      ["/app/media"],
    ],
    [
      "a deeper folder keeps its place under the WORKDIR",
      "/opt/app",
      { path: "/opt/app/data/photos", purpose: "user uploads" },
      ["/app/data/photos"],
    ],
    [
      "a folder the settings name by its absolute path keeps it",
      "/opt/app",
      { path: "/opt/app/media", purpose: "media.path in app.json", absoluteSetting: true as const },
      ["/opt/app/media"],
    ],
    [
      "a folder outside the working directory stays where it is",
      "/opt/app",
      { path: "/srv/files", purpose: "user uploads" },
      ["/srv/files"],
    ],
    [
      "no working directory known: the folder stays where it is",
      undefined,
      { path: "/opt/app/media", purpose: "user uploads" },
      ["/opt/app/media"],
    ],
  ])("%s", (_label, workingDir, storage, want) => {
    const result = design("spring-petclinic", "petclinic", workingDir, storage);
    expect(mounts(result, "spring-petclinic")).toEqual(want);
  });

  it("the decision says where the relative folder lands and what an absolute setting must name", () => {
    const result = design("spring-petclinic", "petclinic", "/opt/app", { path: "/opt/app/media" });
    expect(storageDecision(result)).toContain(
      `/opt/app/media is media inside petclinic's working directory on the VM (/opt/app), where a relative setting such as "media" resolves: the image runs it in /app (WORKDIR), so the bucket is mounted at /app/media, where that setting lands; a setting naming the absolute path /opt/app/media must name /app/media instead.`,
    );
  });

  it("a Go image runs in the VM's working directory, so the bucket stays at the VM's path (listmonk)", async () => {
    const base = inputFromFile(path.join(REAL, "listmonk/inventory.yaml"));
    const input = { ...withAudit(base), repoDir: path.join(REAL, "listmonk/repo") };
    const result = designResultSchema.parse(designPhase.offline(input));
    expect(mounts(result, "listmonk")).toEqual(["/var/lib/listmonk-main/uploads"]);
    expect(storageDecision(result)).toContain(
      `/var/lib/listmonk-main/uploads is uploads inside listmonk-main's working directory on the VM (/var/lib/listmonk-main), where a relative setting such as "uploads" resolves: the image runs it in the same folder (WORKDIR /var/lib/listmonk-main), so that setting lands on the mount.`,
    );
  });
});
