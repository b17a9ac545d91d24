import { describe, expect, it } from "vitest";
import { designPhase } from "../../../src/phases/design/index.js";
import { designResultSchema } from "../../../src/phases/design/schema.js";
import { designInput } from "./design-input.js";

const good = () => structuredClone(designPhase.offline(designInput("seed")));
type R = ReturnType<typeof good>;

describe("design result schema rejects values that would flow into scripts", () => {
  it("accepts the offline answer", () => {
    expect(designResultSchema.safeParse(good()).success).toBe(true);
  });

  it.each<[string, (r: R) => void]>([
    ["service name with ;", (r) => (r.deployment.services[0]!.name = "web;rm")],
    ["service name with $(…)", (r) => (r.deployment.services[0]!.name = "$(curl evil)")],
    ["health path with a backtick", (r) => (r.deployment.services[0]!.healthPath = "/healthz`id`")],
    ["region with a shell suffix", (r) => (r.deployment.region = "us-central1; rm -rf /")],
    ["project with spaces", (r) => (r.deployment.project = "acme prod")],
    ["secret env name with =", (r) => (r.deployment.services[0]!.secrets = ["A=B"])],
    ["command token with ;", (r) => (r.deployment.services[0]!.command = ["uvicorn", "app:app;id"])],
    ["memory with a unit we do not know", (r) => (r.deployment.services[0]!.memory = "2GB")],
    ["concurrency over Cloud Run's 1000", (r) => (r.deployment.services[0]!.concurrency = 5000)],
    ["dispatch deadline over 30 min", (r) => (r.deployment.queues[0]!.dispatchDeadlineSeconds = 3600)],
    ["cron with a shell payload", (r) => (r.deployment.schedules![0]!.schedule = "0 8 * * *; curl x")],
    ["time zone with $", (r) => (r.deployment.schedules![0]!.timeZone = "America/$HOME")],
    ["Cloud SQL version not in the enum form", (r) => (r.deployment.database!.databaseVersion = "mysql 8")],
    ["mapping target name with /", (r) => (r.mapping[0]!.target.name = "a/b")],
    ["unknown target kind", (r) => ((r.mapping[0]!.target as { kind: string }).kind = "gke-cluster")],
    ["decision id not D<n>", (r) => (r.decisions[0]!.id = "ADR-1")],
    ["duplicate decision ids", (r) => (r.decisions[1]!.id = r.decisions[0]!.id)],
    ["risk trace naming an unknown decision", (r) => (r.riskTrace[0]!.decisionIds = ["D99"])],
    ["risk id not R<n>", (r) => (r.riskTrace[0]!.riskId = "risk-1")],
    ["queue pointing at a service that does not exist", (r) => (r.deployment.queues[0]!.target = "nowhere")],
  ])("rejects %s", (_label, mutate) => {
    const r = good();
    mutate(r);
    expect(designResultSchema.safeParse(r).success).toBe(false);
  });
});
