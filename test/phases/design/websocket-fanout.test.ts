// The advice a websocket service with no shared pub/sub gets before scaling out: the Redis fan-out
// its framework has, or the Redis it already reaches; an app known to support neither (Mattermost,
// a prebuilt server whose clustering is its own) stays at one instance until it supports shared
// state, never told to add a Redis adapter it does not have.
import path from "node:path";
import { describe, expect, it } from "vitest";
import { designPhase } from "../../../src/phases/design/index.js";
import type { DesignResult } from "../../../src/phases/design/schema.js";
import { inputFromFile, inputFromYaml, ROOT } from "../../helpers/phase-input.js";

const real = (app: string) => path.join(ROOT, "test/fixtures/real", app, "inventory.yaml");

function websocketAdvice(result: DesignResult, service: string): string[] {
  const entry = result.mapping.find((m) => m.service === service)!;
  return entry.appChanges.filter((c) => /max instances|max-instances|fan-out|fan events/i.test(c));
}

const app = (framework: string) => `apiVersion: infra-migrate/v1
kind: Inventory
metadata: { name: live }
services:
  - name: web
    role: web
    software: app
    framework: ${framework}
    command: /srv/live/bin/live
    listen: ["127.0.0.1:9000"]
    protocols: [http, websocket]
target: { project: live-prod, region: us-central1 }
`;

describe("scale-out advice for a websocket service with no shared pub/sub", () => {
  it("Mattermost (nothing known about shared state): one instance until the app supports it", () => {
    const result = designPhase.offline(inputFromFile(real("mattermost"))) as DesignResult;
    const advice = websocketAdvice(result, "mattermost").join("\n");
    expect(advice).toMatch(/Keep mattermost at one instance \(max-instances 1\) until the app supports shared state/);
    expect(advice).not.toMatch(/Redis adapter|Memorystore/);
    expect(result.deployment.services.find((t) => t.name === "mattermost")!.maxInstances).toBe(1);
  });

  it.each([
    ["rails", /Action Cable's redis adapter/],
    ["django", /Channels' Redis channel layer/],
    ["express", /socket\.io's Redis adapter/],
  ])("a %s app: its framework's Redis fan-out", (framework, adapter) => {
    const result = designPhase.offline(inputFromYaml(app(framework))) as DesignResult;
    const advice = websocketAdvice(result, "web").join("\n");
    expect(advice).toMatch(/^Before raising max instances above 1, fan events out through Redis pub\/sub with /m);
    expect(advice).toMatch(adapter);
    expect(advice).not.toMatch(/until the app supports shared state/);
  });

  it("an app of no known framework: the same one-instance advice", () => {
    const result = designPhase.offline(inputFromYaml(app("other"))) as DesignResult;
    expect(websocketAdvice(result, "web").join("\n")).toMatch(/Keep web at one instance \(max-instances 1\)/);
  });
});

describe("the one instance a websocket service with no shared pub/sub is capped at", () => {
  it("is to be load-tested at the growth target's peak, with the way out named", () => {
    const result = designPhase.offline(
      inputFromYaml(app("express").replace("target:", "traffic: { peakRps: 60, growth: 10 }\ntarget:")),
    ) as DesignResult;
    const changes = result.mapping.find((m) => m.service === "web")!.appChanges.join("\n");
    expect(changes).toMatch(
      /One instance takes all of \S+'s traffic at the growth target \(about 600 requests\/s at peak, and every open connection\): load-test one instance/,
    );
  });
});

describe("the rollout of a websocket service with no shared pub/sub", () => {
  // A canary at 10% and 50% would run two revisions side by side, each holding its own clients'
  // rooms (socket.io) or open documents in memory: clients of one never see the other's events.
  it.each([
    ["no shared pub/sub: one instance, all traffic at once", "", true],
    [
      "Redis pub/sub shared by the instances: the stepped canary",
      `  - { name: redis, role: cache, software: redis, listen: ["127.0.0.1:6379"], usedFor: [pubsub] }\n`,
      false,
    ],
  ])("%s", (_name, redis, single) => {
    const yaml = app("express").replace("    protocols: [http, websocket]\n", (m) =>
      redis ? `${m}    dependsOn: [redis]\n${redis}` : m,
    );
    const result = designPhase.offline(inputFromYaml(yaml)) as DesignResult;
    const web = result.deployment.services.find((t) => t.replaces.includes("web"))!;
    expect(Boolean(web.singleInstance)).toBe(single);
    expect(web.maxInstances === 1).toBe(single);
    // Only an app its docs keep to one process also keeps its CPU between requests.
    expect(web.cpuAlwaysAllocated).toBeUndefined();
  });
});
