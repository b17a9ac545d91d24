// Gitea's app.ini, named by `gitea web --config /etc/gitea/app.ini`, holds the database password
// and tokens: a Secret Manager file mounted in a folder of its own, the command pointed at the
// mount (the Go image is distroless: no link can be made), no DATABASE_URL the app never reads,
// and the plan saying the file's database host must change.
import { existsSync } from "node:fs";
import path from "node:path";
import { describe, expect, it } from "vitest";
import { planImages } from "../../../src/image/plan.js";
import { deployFlags } from "../../../src/phases/cicd/deploy-flags.js";
import { secretsView } from "../../../src/phases/cicd/setup-views.js";
import { chainFile } from "../../helpers/chain.js";
import { ROOT } from "../../helpers/phase-input.js";

const APP = path.join(ROOT, "test/fixtures/real/gitea");
const INVENTORY = path.join(APP, "inventory.yaml");
const MOUNT = "/secrets/app-ini/app.ini";

describe.skipIf(!existsSync(APP))("a settings file the command names, holding secrets", () => {
  const { design, input } = chainFile(INVENTORY);
  const dep = design.deployment;
  const gitea = dep.services.find((t) => t.name === "gitea")!;

  it("is a secret file the app's service mounts, with the database change said", () => {
    expect(dep.secretFiles).toHaveLength(1);
    const file = dep.secretFiles![0]!;
    expect(file).toMatchObject({ secret: "app-ini", sourcePath: "/etc/gitea/app.ini", mountPath: MOUNT });
    expect(file.targets).toEqual(["gitea"]);
    const edits = (file.edits ?? []).join("\n");
    expect(edits).toContain("[database]: the host (127.0.0.1:5432 on the VM) becomes the Cloud SQL socket");
    expect(edits).toContain(`/cloudsql/${dep.project}:${dep.region}:${gitea.cloudSqlInstance}`);
    // Gitea binds [server] HTTP_ADDR: the loopback on the VM, unreachable from Cloud Run's front.
    expect(edits).toContain("[server] HTTP_ADDR (127.0.0.1 on the VM, the loopback) becomes 0.0.0.0");
    // The port: the one the service sends to, or an edit that moves the app to it.
    expect(gitea.port === 3000 || edits.includes(`HTTP_PORT (3000 on the VM) becomes ${gitea.port}`)).toBe(true);
    expect(deployFlags(gitea, dep).find((f) => f.startsWith("--set-secrets="))).toBe(
      `--set-secrets=${MOUNT}=app-ini:latest`,
    );
    expect(secretsView(dep)!.fileSecrets).toEqual(["app-ini=/etc/gitea/app.ini"]);
  });

  it("gets no DATABASE_URL, and the unit's USER and HOME are neither secrets nor carried (the VM's login)", () => {
    expect(gitea.secrets).toEqual([]);
    expect(gitea.plainEnv).toEqual(["GITEA_WORK_DIR"]);
  });

  it("runs the command with the flag pointed at the mount", () => {
    const image = planImages(input.inventory, path.join(APP, "repo")).images[0]!;
    expect(image.cmd).toEqual(["/usr/local/bin/gitea", "web", "--config", MOUNT]);
    expect(image.content).toContain(`CMD ["/usr/local/bin/gitea","web","--config","${MOUNT}"]`);
  });
});
