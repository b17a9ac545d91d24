// A Go web binary that imports a job scheduler, with no worker or scheduler process beside it, runs
// its timed jobs inside itself (listmonk: gdgvda/cron, and its campaign queue scan): one instance.
import { describe, expect, it } from "vitest";
import { emptyContext, readAppFiles } from "../../src/detect/app-context.js";
import { markInProcessScheduler } from "../../src/detect/single-instance.js";
import type { Evidence, ServiceFinding } from "../../src/detect/types.js";

const GO_MOD = (require: string) => `module github.com/acme/app\n\ngo 1.22\n\nrequire (\n${require}\n)\n`;

async function appWith(goMod: string) {
  const app = emptyContext();
  await readAppFiles(app, { files: ["go.mod"], read: async () => goMod });
  return app;
}

const web = (extra: Partial<ServiceFinding> = {}): ServiceFinding => ({
  name: "app",
  role: "web",
  software: "app",
  runtime: "go",
  listen: ["127.0.0.1:9000"],
  source: "etc/systemd/system/app.service",
  ...extra,
});

describe("markInProcessScheduler", () => {
  it.each([
    ["gdgvda/cron, required directly: one instance", "\tgithub.com/gdgvda/cron v0.4.0", [web()], true],
    ["robfig/cron/v3 too", "\tgithub.com/robfig/cron/v3 v3.0.1", [web()], true],
    [
      "only an indirect requirement: not the app's own jobs",
      "\tgithub.com/robfig/cron/v3 v3.0.1 // indirect",
      [web()],
      false,
    ],
    ["no scheduler library", "\tgithub.com/lib/pq v1.10.9", [web()], false],
    [
      "a worker process beside it takes the jobs",
      "\tgithub.com/go-co-op/gocron/v2 v2.2.0",
      [web(), web({ name: "worker", role: "worker", listen: [] })],
      false,
    ],
    ["a Node web process is not the Go binary", "\tgithub.com/robfig/cron v1.2.0", [web({ runtime: "node" })], false],
  ] as const)("%s", async (_label, require, findings, single) => {
    const evidence: Evidence[] = [];
    const copies = findings.map((f) => ({ ...f }));
    markInProcessScheduler(copies, await appWith(GO_MOD(require)), evidence);
    expect(Boolean(copies[0]!.singleInstance)).toBe(single);
    expect(evidence.length > 0).toBe(single);
  });

  it("keeps a reason another rule gave (Gitea's LevelDB queues)", async () => {
    const finding = web({ singleInstance: "app.ini's [queue] TYPE is level" });
    markInProcessScheduler([finding], await appWith(GO_MOD("\tgithub.com/robfig/cron/v3 v3.0.1")), []);
    expect(finding.singleInstance).toBe("app.ini's [queue] TYPE is level");
  });
});
