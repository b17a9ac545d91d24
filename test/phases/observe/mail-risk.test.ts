// The audit's outgoing-mail risk is watched only where a failed send shows: the task that sends it.
import { describe, expect, it } from "vitest";
import type { Risk } from "../../../src/contracts/audit-result.js";
import { DEV_MAIL_CATCHER_RISK, OUTBOUND_MAIL_RISK } from "../../../src/contracts/process-homes.js";
import { risksWatched } from "../../../src/phases/observe/risk-ties.js";

const risk = {
  id: "R5",
  title: OUTBOUND_MAIL_RISK,
  category: "operations",
  score: 9,
  affects: ["web", "worker"],
} as Risk;

describe("the outgoing-mail risk in SLOs and alerts", () => {
  it.each([
    ["availability", []],
    ["latency", []],
    ["job", []],
    ["task-success", ["R5"]],
  ] as const)("%s watches %j", (signal, ids) => {
    expect(risksWatched([risk], signal, ["worker"])).toEqual(ids);
    // Mail sent to a development catcher: the same, a send that fails its task.
    expect(risksWatched([{ ...risk, title: DEV_MAIL_CATCHER_RISK }], signal, ["worker"])).toEqual(ids);
  });
});
