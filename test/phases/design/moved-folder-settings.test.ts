// A folder of user files whose bucket is mounted elsewhere than its VM path (it lies under the
// app's folder, which the image moves to /app) while nothing says how the app names it
// (storage[].absoluteSetting unset: a hand inventory, env names without values). A process's
// folder-like setting (UPLOAD_FOLDER) may hold the VM path: the design says so to that process,
// instead of only "keeps its value from the VM", which would leave uploads in the instance's memory.
import { describe, expect, it } from "vitest";
import { designPhase } from "../../../src/phases/design/index.js";
import { designResultSchema, type DesignResult } from "../../../src/phases/design/schema.js";
import { designInputFromYaml } from "./design-input.js";
import path from "node:path";
import { chain } from "../../helpers/chain.js";
import { repoFor } from "../../helpers/offline-output.js";
import { inputFromFile, ROOT } from "../../helpers/phase-input.js";

const inventory = (storage: string) => `apiVersion: infra-migrate/v1
kind: Inventory
metadata: { name: boardly }
host: { hostname: board-1, os: "Ubuntu 22.04", cpus: 2, memoryGiB: 4 }
services:
  - { name: web, role: web, software: gunicorn, runtime: python, framework: flask, packageManager: pip, command: '/srv/boardly/venv/bin/gunicorn -w 2 -b 127.0.0.1:8000 "boardly:create_app()"', listen: ["127.0.0.1:8000"], dependsOn: [postgres, redis], env: [DATABASE_URL, REDIS_URL, SECRET_KEY, UPLOAD_FOLDER] }
  - { name: rq-worker, role: worker, software: rq, runtime: python, framework: rq, command: /srv/boardly/venv/bin/rq worker --url redis://127.0.0.1:6379/0 default, dependsOn: [postgres, redis], env: [DATABASE_URL, REDIS_URL, UPLOAD_FOLDER], longRunning: true }
  - { name: digest, role: cron, software: cron, runtime: python, command: /srv/boardly/venv/bin/flask --app boardly digest send, schedule: "0 7 * * 1-5", dependsOn: [postgres], env: [DATABASE_URL, LOG_DIR] }
  - { name: redis, role: cache, software: redis, version: "6.0", listen: ["127.0.0.1:6379"] }
  - { name: postgres, role: database, software: postgres, version: "14", listen: ["127.0.0.1:5432"] }
data: [{ service: postgres, engine: postgres, version: "14", sizeGiB: 8, backups: daily }]
storage: [${storage}]
deploy: { method: ssh-git-pull }
traffic: { peakRps: 40, growth: 10 }
target: { project: boardly-prod, region: europe-west2, service: boardly }
`;

const design = (yaml: string): DesignResult => designResultSchema.parse(designPhase.offline(designInputFromYaml(yaml)));
const changesOf = (r: DesignResult, service: string) =>
  r.mapping.find((m) => m.service === service)!.appChanges.join("\n");

describe("a folder setting of a process whose storage folder's mount moved", () => {
  it("tells each process that mounts it to set UPLOAD_FOLDER to the mount, if it holds the VM path", () => {
    const r = design(inventory("{ path: /srv/boardly/uploads, sizeGiB: 25 }"));
    const web = r.deployment.services.find((t) => t.replaces.includes("web"))!;
    const mount = web.volumes!.find((v) => v.mountPath.endsWith("/uploads"))!.mountPath;
    expect(mount).not.toBe("/srv/boardly/uploads");
    for (const service of ["web", "rq-worker"]) {
      const changes = changesOf(r, service);
      expect(changes).toContain(
        `A folder setting whose bucket is mounted elsewhere than the VM path: UPLOAD_FOLDER (/srv/boardly/uploads → ${mount}). If it holds the VM path, set it to its mount path before the first deploy`,
      );
    }
    // A process that does not mount it (LOG_DIR is no folder of user files either) is told nothing.
    expect(changesOf(r, "digest")).not.toMatch(/[Ff]older settings? whose bucket/);
  });

  it("matches settings to folders by name (CONSUMPTION for consume)", () => {
    const yaml = inventory("{ path: /srv/boardly/uploads }, { path: /srv/boardly/consume }").replace(
      "UPLOAD_FOLDER] }",
      "UPLOAD_FOLDER, BOARDLY_CONSUMPTION_DIR] }",
    );
    expect(changesOf(design(yaml), "web")).toContain(
      "Folder settings whose bucket is mounted elsewhere than the VM path: UPLOAD_FOLDER (/srv/boardly/uploads → /app/uploads); BOARDLY_CONSUMPTION_DIR (/srv/boardly/consume → /app/consume). If one holds the VM path, set each to its mount path before the first deploy",
    );
  });

  it("keeps the VM path for the mount when init saw a setting name it (absoluteSetting), so nothing moved", () => {
    const yaml = inventory(
      "{ path: /srv/boardly/uploads, absoluteSetting: true }, { path: /srv/boardly/consume, absoluteSetting: true }",
    ).replace("UPLOAD_FOLDER] }", "UPLOAD_FOLDER, BOARDLY_CONSUMPTION_DIR] }");
    const r = design(yaml);
    const web = r.deployment.services.find((t) => t.replaces.includes("web"))!;
    expect(web.volumes!.map((v) => v.mountPath).sort()).toEqual(["/srv/boardly/consume", "/srv/boardly/uploads"]);
    expect(changesOf(r, "web")).not.toMatch(/[Ff]older settings? whose bucket/);
  });

  it("says nothing when the mount keeps the VM path", () => {
    // A folder outside the app's folder is mounted at its own path: nothing moved.
    const outside = design(inventory("{ path: /var/lib/boardly/uploads, sizeGiB: 25 }"));
    expect(outside.deployment.services.find((t) => t.replaces.includes("web"))!.volumes![0]!.mountPath).toBe(
      "/var/lib/boardly/uploads",
    );
    expect(changesOf(outside, "web")).not.toMatch(/[Ff]older settings? whose bucket/);
  });

  it("is not also listed among the settings whose values are copied from the VM (Twenty's STORAGE_LOCAL_PATH)", () => {
    const file = path.join(ROOT, "test/fixtures/real/twenty/inventory.yaml");
    const repoDir = repoFor(file);
    const { design: r } = chain({ ...inputFromFile(file), ...(repoDir ? { repoDir } : {}) });
    const changes = r.mapping.find((m) => m.service === "twenty-server")!.appChanges.join("\n");
    expect(changes).toContain(
      "A folder setting whose bucket is mounted elsewhere than the VM path: STORAGE_LOCAL_PATH",
    );
    // The other plain settings keep their VM values; STORAGE_LOCAL_PATH's must become the mount path.
    expect(changes).toMatch(/STORAGE_TYPE[^\n]*plain settings, not secrets/);
    expect(changes).not.toMatch(/STORAGE_LOCAL_PATH[^\n]*plain settings?, not (a )?secrets?/);
  });
});
