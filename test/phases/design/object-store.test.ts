// An S3-compatible object store on the VM (MinIO, SeaweedFS's S3 gateway, Garage) is a store the app
// reaches over the S3 API: it moves to Cloud Storage through the S3 interoperability API, never
// runs from the app's image, and its data folder (its own format: xl.meta per object) is neither
// mounted from a bucket nor copied as files.
import { describe, expect, it } from "vitest";
import { designPhase } from "../../../src/phases/design/index.js";
import { designResultSchema, type DesignResult } from "../../../src/phases/design/schema.js";
import { designInputFromYaml } from "./design-input.js";
import { isObjectStore, objectStoreDataDirs } from "../../../src/contracts/object-store.js";
import type { Service } from "../../../src/inventory/schema.js";

const MINIO =
  "{ name: minio, role: other, software: minio, command: /usr/local/bin/minio server /srv/minio --address 127.0.0.1:9000 --certs-dir /etc/minio/certs, listen: ['127.0.0.1:9000'], env: [MINIO_ROOT_USER, MINIO_ROOT_PASSWORD] }";

function design(
  store = MINIO,
  storage = "storage: [{ path: /srv/minio, sizeGiB: 300, services: [minio] }]",
  env = "S3_ENDPOINT_URL, S3_ACCESS_KEY, S3_SECRET_KEY, S3_BUCKET",
): DesignResult {
  const yaml = `apiVersion: infra-migrate/v1
kind: Inventory
metadata: { name: app }
services:
  - { name: api, role: web, software: uvicorn, runtime: python, command: gunicorn app.main:app, listen: ["127.0.0.1:8000"], dependsOn: [minio], env: [${env}], plainEnv: [S3_ENDPOINT_URL, S3_BUCKET] }
  - ${store}
${storage}
deploy: { method: ssh-systemctl }
target: { project: app-prod, region: europe-west4, service: app }
`;
  return designResultSchema.parse(designPhase.offline(designInputFromYaml(yaml)));
}

const service = (x: Partial<Service>): Service =>
  ({ name: "s", role: "other", software: "other", env: [], dependsOn: [], listen: [], ...x }) as Service;

describe("an S3-compatible object store on the VM", () => {
  it.each([
    [{ software: "minio" }, true],
    [{ software: "other", command: "/usr/local/bin/minio server /data" }, true],
    [{ software: "other", image: "minio/minio:RELEASE.2024-03-15T01-07-19Z" }, true],
    [{ software: "seaweedfs", command: "weed server -dir=/data -s3" }, true],
    [{ software: "seaweedfs", command: "weed s3 -filer=localhost:8888" }, true],
    [{ software: "seaweedfs", command: "weed master" }, false],
    [{ software: "garage", command: "garage server" }, true],
    [{ software: "flower", command: "celery -A app flower" }, false],
  ])("%o is an object store: %s", (x, expected) => {
    expect(isObjectStore(service(x))).toBe(expected);
  });

  it("keeps its data folders from its command, not the binary nor an option's value", () => {
    expect(objectStoreDataDirs(service({ command: "minio server /srv/minio --certs-dir /etc/minio/certs" }))).toEqual([
      "/srv/minio",
    ]);
    expect(objectStoreDataDirs(service({ command: "weed server -dir=/data/ -s3" }))).toEqual(["/data"]);
  });

  it("is decided with Cloud Storage through the S3 API first, never run from the app's image", () => {
    const entry = design().mapping.find((m) => m.service === "minio")!;
    expect(entry.target.kind).toBe("needs-decision");
    const [first, ...rest] = entry.options!;
    expect(first!.option).toMatch(/^Cloud Storage through its S3 interoperability API \(recommended\)/);
    expect(first!.change).toMatch(/^Set S3_ENDPOINT_URL to https:\/\/storage\.googleapis\.com/);
    expect(first!.change).toContain("gcloud storage hmac create");
    expect(first!.change).toContain("in Secret Manager as S3_ACCESS_KEY, S3_SECRET_KEY");
    expect(first!.change).toContain("rclone sync minio:BUCKET gcs:BUCKET");
    expect(first!.change).toContain("never /srv/minio as files");
    expect(first!.cost).toMatch(/300 GiB × \$[\d.]+ Cloud Storage Standard/);
    for (const o of entry.options!) expect(o.option).not.toMatch(/app's image/);
    expect(rest.map((o) => o.option)).toEqual(["Keep minio on a small Compute Engine VM with a persistent disk"]);
    expect(entry.reason).not.toContain("/etc/minio/certs");
    expect(entry.appChanges.join(" ")).toMatch(/bucket notifications.*lifecycle \(ILM\).*presigned URLs/);
  });

  it.each(["database", "cache", "web"])("given the role %s, is still decided as an object store", (role) => {
    const entry = design(MINIO.replace("role: other", `role: ${role}`)).mapping.find((m) => m.service === "minio")!;
    expect(entry.options![0]!.option).toMatch(/^Cloud Storage through its S3 interoperability API/);
  });

  it("says what serves the paths the VM's proxy sent to it", () => {
    const proxy =
      "{ name: caddy, role: reverse-proxy, software: caddy, listen: ['0.0.0.0:443'], dependsOn: [api, minio], routes: [{ path: /, service: api }, { path: /files/, service: minio }] }\n  - " +
      MINIO;
    const entry = design(proxy).mapping.find((m) => m.service === "minio")!;
    expect(entry.appChanges.join("\n")).toContain(
      "The VM's proxy sends /files/ to minio, so browsers fetch objects through it: after the cut-over nothing routes /files/ by itself.",
    );
    expect(
      design()
        .mapping.find((m) => m.service === "minio")!
        .appChanges.join("\n"),
    ).not.toContain("proxy sends");
  });

  it("has the app's endpoint setting set to where its objects go, never copied from the VM", () => {
    const changes = design()
      .mapping.find((m) => m.service === "api")!
      .appChanges.join("\n");
    expect(changes).toContain(
      "S3_ENDPOINT_URL holds minio's address on the VM, which reaches nothing from Cloud Run: before the first deploy set it to where minio's decision puts its objects, https://storage.googleapis.com",
    );
    expect(changes).toContain("S3_ACCESS_KEY, S3_SECRET_KEY are minio's own credentials");
    expect(changes).toMatch(/^S3_BUCKET is a plain setting/m);
  });

  it("says so once for a secret endpoint named after the store (MINIO_ENDPOINT), not again as a store's VM address", () => {
    const changes = design(undefined, undefined, "MINIO_ENDPOINT, MINIO_ACCESS_KEY, MINIO_SECRET_KEY")
      .mapping.find((m) => m.service === "api")!
      .appChanges.filter((c) => c.includes("MINIO_ENDPOINT"));
    expect(changes).toHaveLength(1);
    expect(changes[0]).toContain("MINIO_ENDPOINT holds minio's address on the VM");
  });

  it("has its data folder neither mounted from a bucket nor copied as files", () => {
    const r = design();
    expect(r.deployment.buckets ?? []).toEqual([]);
    for (const t of r.deployment.services) expect(t.volumes ?? []).toEqual([]);
    expect(r.assumptions.join("\n")).toContain('storage "/srv/minio": the data folder of minio (minio)');
    // Found by the data folder in its command when the inventory names no service on it.
    const unnamed = design(MINIO, "storage: [{ path: /srv/minio }]");
    expect(unnamed.deployment.buckets ?? []).toEqual([]);
  });

  it("stays within the schema's lengths however many settings and folders it names", () => {
    const names = Array.from({ length: 8 }, (_, i) => `TENANT_${i}_VERY_LONG_PREFIX_FOR_OBJECTS`);
    const env = names.flatMap((n) => [`${n}_S3_ENDPOINT_URL`, `${n}_S3_ACCESS_KEY_ID`, `${n}_S3_SECRET_ACCESS_KEY`]);
    const drives = Array.from({ length: 12 }, (_, i) => `/mnt/very/long/path/to/the/minio/drive-number-${i}`);
    // design() parses the result with the schema: an option over 600 characters would throw.
    const entry = design(MINIO.replace("/srv/minio", drives.join(" ")), "", env.join(", ")).mapping.find(
      (m) => m.service === "minio",
    )!;
    expect(entry.options![0]!.change).toContain("https://storage.googleapis.com");
    expect(entry.options![0]!.change).toContain("gcloud storage hmac create");
  });

  it("leaves a folder of user files beside it a mounted bucket", () => {
    const r = design(MINIO, "storage: [{ path: /srv/minio, services: [minio] }, { path: /var/app/uploads }]");
    expect((r.deployment.buckets ?? []).map((b) => b.sourcePath)).toEqual(["/var/app/uploads"]);
  });
});
