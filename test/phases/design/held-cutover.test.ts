// Which held targets keep the cut-over waiting, from what each does (contracts/held-targets.ts): one
// users reach, one that uses the database that moves (its VM copy would keep writing to the VM's
// database once the copy is promoted), one that takes the work of a queue the Cloud Run services
// fill, one that shares a store moving to Memorystore. A held process that does none of these stays
// on the VM beside the cut-over, which goes ahead and says so. The hold itself is data (heldFor).
import { readFileSync } from "node:fs";
import path from "node:path";
import { describe, expect, it } from "vitest";
import type { Deployment } from "../../../src/contracts/deployment.js";
import { cutoverHolds, heldWhy } from "../../../src/contracts/held-targets.js";
import type { PhaseOptions } from "../../../src/contracts/phase.js";
import { designPlanSteps } from "../../../src/phases/design/plan-steps.js";
import { heldRunbook, rollbackCommands } from "../../../src/phases/design/rules/held-cutover.js";
import { chainYaml } from "../../helpers/chain.js";
import { ROOT } from "../../helpers/phase-input.js";

const SEED = readFileSync(path.join(ROOT, "examples/seed-vm/inventory.yaml"), "utf8");

/** The seed VM with more processes and a storage folder written in place that `users` use. */
function seedWith(users: string, extra = "", options: PhaseOptions = {}) {
  const yaml =
    SEED.replace("\ndata:\n", `\n${extra}data:\n`) +
    `storage:\n  - { path: /srv/acme/index, inPlace: [{ path: ".", kind: index }], services: [${users}] }\n`;
  return chainYaml(yaml, options);
}

const THUMBS = `  - { name: thumbs, role: worker, software: thumbs, command: "/usr/local/bin/thumbs --watch /srv/acme/index" }\n`;
const REINDEX = `  - { name: reindex, role: cron, software: bash, schedule: "*/5 * * * *", command: "/usr/local/bin/reindex", dependsOn: [mysql] }\n`;

describe("held targets and the cut-over", () => {
  it.each([
    {
      name: "the API",
      users: "api",
      extra: "",
      options: {},
      held: "web-app-prod",
      why: [
        /^serves the users$/,
        /^uses the database \(after the promotion its VM copy would keep writing/,
        /^shares web-app-prod-redis with the Cloud Run services/,
      ],
    },
    {
      name: "the Celery worker on Memorystore",
      users: "worker",
      extra: "",
      options: {},
      held: "web-app-prod-worker",
      why: [/^uses the database/, /^shares web-app-prod-redis/],
    },
    {
      name: "the Celery worker behind Cloud Tasks",
      users: "worker",
      extra: "",
      options: { celery: "push" as const },
      held: "web-app-prod-worker",
      why: [
        /^uses the database/,
        /^takes the work of queue web-app-prod-tasks \(after the cut-over the Cloud Run services would hand it work nothing runs\)$/,
      ],
    },
    {
      name: "a cron job on the database",
      users: "reindex",
      extra: REINDEX,
      options: {},
      held: "web-app-prod-reindex",
      why: [/^uses the database/, /^shares web-app-prod-redis/],
    },
    {
      name: "a process with no database, queue or store",
      users: "thumbs",
      extra: THUMBS,
      options: {},
      held: "web-app-prod-thumbs",
      why: [],
    },
  ])("$name: $why.length reasons to wait", ({ users, extra, options, held, why }) => {
    const { design } = seedWith(users, extra, options);
    const dep = design.deployment;
    expect(dep.services.filter((s) => s.held).map((s) => s.name)).toEqual([held]);
    const t = dep.services.find((s) => s.name === held)!;
    // The hold as data; the prose the deploy prints starts with the same short reason.
    expect(t.heldFor).toEqual({
      decision: `${users}-disk`,
      short: "/srv/acme/index keeps all of it written in place, which no Cloud Storage mount can carry",
    });
    expect(t.held!.startsWith(`${t.heldFor!.short}: `)).toBe(true);
    expect(t.held).toContain(`the open decision ${users}-disk is taken`);
    const holds = cutoverHolds(dep);
    expect(holds.map((h) => h.target.name)).toEqual(why.length ? [held] : []);
    const because = holds[0]?.because ?? [];
    expect(because).toHaveLength(why.length);
    why.forEach((re, i) => expect(because[i]).toMatch(re));
    const cutover = design.runbook.cutover.map((s) => s.title);
    if (why.length) {
      expect(cutover).toEqual([`Wait for the disk decision before the cut-over (${held} held)`]);
      expect(design.runbook.cutover[0]!.detail).toContain(`the cut-over cannot leave it behind: ${held} ${because[0]}`);
      expect(design.runbook.database.at(-1)!.title).toMatch(/\(not yet: only at the cut-over/);
      // The promotion says the reasons this target waits for, each once, from the same data.
      const promote = design.runbook.database.at(-1)!.detail;
      const whats = holds[0]!.reasons.map((r) => r.what);
      expect(whats).toHaveLength(why.length);
      expect(promote).toContain(
        `Not yet: the cut-over waits for ${held}, which ${whats.length > 1 ? `${whats.slice(0, -1).join(", ")} and ${whats.at(-1)}` : whats[0]}, and the deploy holds it until the open decision ${users}-disk is taken`,
      );
      expect(promote).toContain("Until then users stay on the VM, whose app keeps writing to its own database");
    } else {
      // The cut-over goes ahead; the held process keeps running on the VM, and the runbook says so.
      expect(cutover).toContain("Switch DNS to the load balancer");
      expect(cutover).toContain(`Keep ${held} running on the VM (held)`);
      expect(design.runbook.database.at(-1)!.title).not.toMatch(/not yet/);
      const keep = design.runbook.cutover.find((s) => s.title.startsWith("Keep web-app-prod-thumbs"))!;
      expect(keep.detail).toContain(
        "It serves no users, uses no database that moves and takes no work from the Cloud Run services",
      );
      const deploy = design.runbook.cutover.find((s) => s.title === "Deploy and smoke-test the new stack")!;
      expect(deploy.detail).not.toContain(held);
    }
  });

  it.each([
    { name: "a queue alone", keep: "work", celery: "push", says: "takes the work of queue web-app-prod-tasks" },
    {
      name: "a schedule alone",
      keep: "schedule",
      celery: "push",
      says: "takes the work of schedule web-app-prod-beat",
    },
    {
      name: "a shared store alone",
      keep: "store",
      celery: undefined,
      says: "shares web-app-prod-redis with the Cloud Run services",
    },
  ] as const)("a worker that waits for $name: the promotion says that, not the database", ({ keep, celery, says }) => {
    // The seed's Celery worker (on Cloud Tasks, or on Memorystore for the store), its database link cut.
    const { design } = seedWith("worker", "", celery ? { celery } : {});
    const full = design.deployment;
    const worker = full.services.find((s) => s.held)!;
    const beat = {
      name: "web-app-prod-beat",
      schedule: "*/5 * * * *",
      timeZone: "Etc/UTC",
      action: "http" as const,
      target: worker.name,
      path: "/tasks/scheduled",
      replaces: ["beat"],
    };
    const dep: Deployment = {
      ...full,
      services: full.services.map((s) => (s === worker ? { ...worker, cloudSqlInstance: undefined } : s)),
      queues: keep === "work" ? full.queues : [],
      schedules: keep === "schedule" ? [beat] : [],
    };
    const holds = cutoverHolds(dep);
    expect(holds.map((h) => h.reasons.map((r) => r.kind))).toEqual([[keep === "schedule" ? "work" : keep]]);
    const promote = { title: "Promote", detail: "Promote the copy.", commands: [] };
    const runbook = heldRunbook(dep, [promote], [], []);
    const detail = runbook.database.at(-1)!.detail;
    expect(detail).toContain(`the cut-over waits for web-app-prod-worker, which ${says}, and the deploy holds it`);
    expect(detail).not.toContain("uses the database");
    expect(detail.endsWith("Then: Promote the copy.")).toBe(true);
    expect(runbook.cutover[0]!.detail).toContain(
      `cannot leave it behind: web-app-prod-worker ${says} (after the cut-over`,
    );
  });

  it("the VM is not retired while anything is held, waiting or not", () => {
    for (const [users, extra] of [
      ["worker", ""],
      ["thumbs", THUMBS],
    ] as const) {
      const { design, input } = seedWith(users, extra);
      const retire = designPlanSteps(design, input).find((s) => s.stage === "decommission")!;
      expect(retire.body).toMatch(
        /^Not yet: web-app-prod-(worker|thumbs) still runs on app-vm-01 until the open decision (worker|thumbs)-disk is taken/,
      );
    }
  });

  it("a result written before heldFor existed still reads: a generic reason, never a parse of the prose", () => {
    const { design } = seedWith("worker");
    const t = { ...design.deployment.services.find((s) => s.held)! };
    delete t.heldFor;
    expect(heldWhy(t)).toEqual({
      decision: "on its data written in place",
      short: "its data written in place has no home yet",
    });
  });
});

describe("the held runbook's rollback commands", () => {
  const dep = { region: "us-central1", project: "acme-prod" } as Deployment;
  const names = (n: number) => Array.from({ length: n }, (_, i) => `api-${i + 1}`);

  it("one update-traffic per API, up to the step's 12 commands", () => {
    expect(rollbackCommands(names(12), dep)).toHaveLength(12);
    expect(rollbackCommands(names(2), dep)).toEqual([
      "gcloud run services update-traffic api-1 --region=us-central1 --project=acme-prod --to-revisions=PREVIOUS_REVISION=100",
      "gcloud run services update-traffic api-2 --region=us-central1 --project=acme-prod --to-revisions=PREVIOUS_REVISION=100",
    ]);
  });

  it("past 12, the last line names the others, within the 400 characters a command may have", () => {
    const commands = rollbackCommands(names(20), dep);
    expect(commands).toHaveLength(12);
    expect(commands[10]).toContain("update-traffic api-11 ");
    expect(commands[11]).toBe(
      "# the same command for the other 9: api-12, api-13, api-14, api-15, api-16, api-17, api-18, api-19, api-20",
    );
    const long = rollbackCommands(
      Array.from({ length: 80 }, (_, i) => `a-rather-long-service-name-${i}`),
      dep,
    );
    expect(long.every((c) => c.length <= 400)).toBe(true);
  });
});
