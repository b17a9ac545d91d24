// Gitea's app.ini, named by `gitea web --config /etc/gitea/app.ini`, holds the database password
// and tokens: a Secret Manager file mounted in a folder of its own, the command pointed at the
// mount (the Go image is distroless: no link can be made), no DATABASE_URL the app never reads,
// and the plan saying the file's database host must change.
import { existsSync } from "node:fs";
import path from "node:path";
import { describe, expect, it } from "vitest";
import { planImages } from "../../../src/image/plan.js";
import { buildContext } from "../../../src/phases/cicd/context.js";
import { deployFlags } from "../../../src/phases/cicd/deploy-flags.js";
import { runOncePlan } from "../../../src/phases/cicd/run-once-jobs.js";
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

// listmonk@main runs `listmonk --config /etc/listmonk/main.toml` and, before each start, the same
// with `--upgrade --yes`: the upgrade job reads the same file, at the same mount.
const LISTMONK = path.join(ROOT, "test/fixtures/real/listmonk");

describe.skipIf(!existsSync(LISTMONK))(
  "a settings file the command names, in the jobs its service's ExecStartPre= becomes",
  () => {
    const { design, input } = chainFile(path.join(LISTMONK, "inventory.yaml"));
    const dep = design.deployment;
    const ctx = buildContext({ ...input, repoDir: path.join(LISTMONK, "repo"), upstream: { design } });
    const [upgrade] = runOncePlan(ctx).release;
    const mount = dep.secretFiles![0]!.mountPath;

    it("runs the upgrade step with the mounted file, mounted in the job too", () => {
      expect(upgrade!.job.command).toEqual(["listmonk", "--config", mount, "--upgrade", "--yes"]);
      expect(deployFlags(upgrade!.job, dep)).toContain(`--set-secrets=${mount}=main-toml:latest`);
    });

    it("says the one host:port setting moves to the address Cloud Run sends to", () => {
      const web = dep.services.find((t) => t.kind === "api")!;
      // Not "listen on PORT": listmonk reads its address from the file.
      const changes = design.mapping.find((m) => m.service === "listmonk-main")!.appChanges.join("\n");
      expect(changes).toContain(
        `Listen on 0.0.0.0:${web.port}, set in /etc/listmonk/main.toml ([app] address), not from PORT`,
      );
      expect(changes).not.toContain("PORT environment variable");
      expect(dep.secretFiles![0]!.edits).toContain(
        `[app] address (localhost:9000 on the VM) becomes 0.0.0.0:${web.port}, the address and port Cloud Run sends requests to`,
      );
    });
  },
);
