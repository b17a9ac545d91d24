// canary.sh judges every bake step on the new revision's real traffic (Cloud Monitoring, through
// the fake curl) as well as its health check, by the same SLIs and thresholds the observe phase's
// SLOs use (src/contracts): a 5xx-heavy or slow revision is rolled back, a healthy one promoted.
import { mkdtempSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { execa } from "execa";
import { afterEach, describe, expect, it } from "vitest";
import { filterText, requestCountTerms, requestLatencyTerms } from "../../../src/contracts/request-sli.js";
import { METRICS_DELAY_SECONDS, requestServiceLevel } from "../../../src/contracts/service-levels.js";
import { offlineCicd } from "../../../src/phases/cicd/offline.js";
import { CICD_PATHS, renderCicd } from "../../../src/phases/cicd/render.js";
import { chainFile, EXAMPLE } from "../../helpers/chain.js";
import { FIXTURE_FAKE_FUNCTIONS } from "../../helpers/fake-functions.js";
import { ROOT } from "./fixtures.js";

const FAKE_BIN = path.join(ROOT, "test/fixtures/fake-bin");
const SCRIPT = path.join(ROOT, "templates/cicd/canary.sh");
const GATE = [
  "--max-5xx-ratio",
  "0.0144",
  "--max-latency-ms",
  "2000",
  "--latency-percentile",
  "99",
  "--min-requests",
  "209",
  "--metrics-delay",
  "0",
];
const BASE = [
  ...["--service", "web-app-prod", "--region", "us-central1", "--project", "acme-mvp-prod"],
  ...["--image", "us-central1-docker.pkg.dev/acme-mvp-prod/acme-mvp/acme-mvp:0123abc", "--health-path", "/healthz"],
  ...["--bake-seconds", "0", "--health-retries", "2", "--health-timeout", "1", "--health-interval", "0"],
];
const ROLLBACK = "--to-revisions web-app-prod-00001-abc=100";

const dirs: string[] = [];
afterEach(() => dirs.splice(0).forEach((d) => rmSync(d, { recursive: true, force: true })));

async function runCanary(args: string[], env: Record<string, string>) {
  const dir = mkdtempSync(path.join(tmpdir(), "canary-traffic-"));
  dirs.push(dir);
  const log = path.join(dir, "calls.log");
  const run = await execa("bash", [SCRIPT, ...args], {
    reject: false,
    env: {
      ...FIXTURE_FAKE_FUNCTIONS,
      PATH: `${FAKE_BIN}:${process.env.PATH}`,
      FAKE_LOG: log,
      FAKE_SERVICE_EXISTS: "1",
      ...env,
    },
    extendEnv: false,
  });
  let calls: string[] = [];
  try {
    calls = readFileSync(log, "utf8").trim().split("\n");
  } catch {
    calls = []; // nothing was called
  }
  return { exitCode: run.exitCode, output: `${run.stdout}\n${run.stderr}`, calls };
}
const traffic = (calls: string[]) =>
  calls.filter((c) => c.includes("update-traffic")).map((c) => c.split("--quiet ")[1]);
const metricReads = (calls: string[]) => calls.filter((c) => c.includes("monitoring.googleapis.com"));

describe("canary.sh judging real traffic", () => {
  it("a healthy revision is promoted after every step's traffic was read, by the SLO's own filters", async () => {
    const r = await runCanary([...BASE, ...GATE], {});
    expect(r.exitCode, r.output).toBe(0);
    expect(traffic(r.calls)).toEqual(["--to-tags canary=10", "--to-tags canary=50", "--to-latest"]);
    const reads = metricReads(r.calls);
    expect(reads).toHaveLength(6); // counts and latency at 10, 50 and 100%
    const revision = "web-app-prod-00002-new";
    expect(reads[0]).toContain(`filter=${filterText(requestCountTerms("web-app-prod", revision))} `);
    expect(reads[0]).toContain("aggregation.groupByFields=metric.label.response_code_class");
    expect(reads[1]).toContain(`filter=${filterText(requestLatencyTerms("web-app-prod", revision))} `);
    expect(reads[1]).toContain("aggregation.crossSeriesReducer=REDUCE_PERCENTILE_99");
    // the token goes to curl on stdin, never on its command line
    expect(reads.every((c) => c.includes("-H @-") && !c.includes("fake-access-token"))).toBe(true);
    expect(r.output).toMatch(/10%: 1000 requests, 0 answered 5xx/);
  });

  it.each([
    [
      "a 5xx-heavy revision at 50%",
      { FAKE_5XX_AT: "50" },
      ["--to-tags canary=10", "--to-tags canary=50"],
      /5xx share 300\/1000 is above 0.0144/,
    ],
    ["a 5xx-heavy revision at 10%", { FAKE_5XX_AT: "10" }, ["--to-tags canary=10"], /broke its SLIs at 10%/],
    [
      "a slow revision at 10%",
      { FAKE_SLOW_AT: "10" },
      ["--to-tags canary=10"],
      /p99 latency 5000 ms is above the 2000 ms objective/,
    ],
    [
      "5xx answers only once it takes all traffic",
      { FAKE_5XX_AT: "100" },
      ["--to-tags canary=10", "--to-tags canary=50", "--to-latest"],
      /at 100%/,
    ],
  ])("%s is rolled back although its health check passes", async (_, env, shifted, message) => {
    const r = await runCanary([...BASE, ...GATE], env);
    expect(r.exitCode).toBe(1);
    expect(traffic(r.calls)).toEqual([...shifted, ROLLBACK]);
    expect(r.output).toMatch(message);
    expect(r.output).not.toMatch(/health check \d\/2 failed/);
  });

  it("a step too quiet to judge is left to the health check, and says so", async () => {
    const r = await runCanary([...BASE, ...GATE], { FAKE_QUIET_AT: "10,50,100" });
    expect(r.exitCode).toBe(0);
    expect(r.output).toMatch(/10%: 5 request\(s\) in the bake window, fewer than 209: too few to judge by traffic/);
    // 2 of 5 requests failed: far above the ratio, but five requests prove nothing either way
    expect(traffic(r.calls).at(-1)).toBe("--to-latest");
  });

  it("metrics it cannot read fail the rollout closed, with the reason", async () => {
    const r = await runCanary([...BASE, ...GATE], { FAKE_METRICS_FAIL: "1" });
    expect(r.exitCode).toBe(1);
    expect(traffic(r.calls).at(-1)).toBe(ROLLBACK);
    expect(r.output).toMatch(/roles\/monitoring.viewer/);
  });

  it("without a gate, no metrics are read (older workflows keep working)", async () => {
    const r = await runCanary(BASE, { FAKE_5XX_AT: "10,50,100" });
    expect(r.exitCode).toBe(0);
    expect(metricReads(r.calls)).toEqual([]);
  });

  it.each([
    ["a ratio that is not a fraction", ["--max-5xx-ratio", "1.5", "--max-latency-ms", "2000"]],
    ["a ratio without a latency limit", ["--max-5xx-ratio", "0.01"]],
    ["a percentile Cloud Monitoring has no reducer for", [...GATE, "--latency-percentile", "90"]],
    ["a shell word as latency", ["--max-5xx-ratio", "0.01", "--max-latency-ms", "$(id)"]],
  ])("rejects %s before calling gcloud (exit 2)", async (_, extra) => {
    const r = await runCanary([...BASE, ...extra], {});
    expect(r.exitCode).toBe(2);
    expect(r.calls).toEqual([]);
  });

  it("waits for Cloud Monitoring as long as the contract says metrics lag", () => {
    expect(readFileSync(SCRIPT, "utf8")).toContain(`METRICS_DELAY=${METRICS_DELAY_SECONDS}`);
  });
});

describe("deploy.yml passes each public API's gate from the shared contract", () => {
  it.each(["seed-vm", "django-postgres", "api-only"])("%s", (name) => {
    const { input, design } = chainFile(EXAMPLE(name));
    const workflow = renderCicd(offlineCicd(input), input).find((a) => a.path === CICD_PATHS.workflow)!.content;
    for (const api of design.deployment.services.filter((s) => s.kind === "api" && s.ingress === "all")) {
      const gate = requestServiceLevel(api, input.inventory, design.deployment).canary;
      expect(workflow).toContain(`--max-5xx-ratio ${gate.max5xxRatio} --max-latency-ms ${gate.maxLatencyMs}`);
      expect(workflow).toContain(`--latency-percentile ${gate.latencyPercentile} --min-requests ${gate.minRequests}`);
    }
  });
});
