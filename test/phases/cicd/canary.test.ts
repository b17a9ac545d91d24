// canary.sh runs for real (bash) against fake gcloud/curl placed first on PATH (called as shell functions:
// test/helpers/fake-functions.ts).
// The fakes record every call; assertions read that log.
import { mkdtempSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { execa } from "execa";
import { afterEach, describe, expect, it } from "vitest";
import { templateText } from "../../../src/render/templates.js";
import { FIXTURE_FAKE_FUNCTIONS } from "../../helpers/fake-functions.js";
import { ROOT } from "./fixtures.js";

const FAKE_BIN = path.join(ROOT, "test/fixtures/fake-bin");
const SCRIPT = path.join(ROOT, "templates/cicd/canary.sh");
const BASE = [
  "--service",
  "web-app-prod",
  "--region",
  "us-central1",
  "--project",
  "acme-mvp-prod",
  "--image",
  "us-central1-docker.pkg.dev/acme-mvp-prod/acme-mvp/acme-mvp:0123abc",
  "--health-path",
  "/healthz",
  "--bake-seconds",
  "0",
  "--health-retries",
  "2",
  "--health-timeout",
  "1",
  "--health-interval",
  "0",
];
const ROLLBACK =
  "update-traffic web-app-prod --region us-central1 --project acme-mvp-prod --quiet --to-revisions web-app-prod-00001-abc=100";

const dirs: string[] = [];
afterEach(() => dirs.splice(0).forEach((d) => rmSync(d, { recursive: true, force: true })));

/**
 * canary.sh with `args` against the fake gcloud and curl set by `env`: run once per file for each
 * distinct args and env (the fakes answer the same every time), however many tests assert on it.
 */
const runs = new Map<string, ReturnType<typeof runCanaryNow>>();
function runCanary(args: string[], env: Record<string, string>) {
  const key = JSON.stringify([args, env]);
  if (!runs.has(key)) runs.set(key, runCanaryNow(args, env));
  return runs.get(key)!;
}

async function runCanaryNow(args: string[], env: Record<string, string>) {
  const dir = mkdtempSync(path.join(tmpdir(), "canary-"));
  dirs.push(dir);
  const log = path.join(dir, "calls.log");
  const run = await execa("bash", [SCRIPT, ...args], {
    reject: false,
    env: { ...FIXTURE_FAKE_FUNCTIONS, PATH: `${FAKE_BIN}:${process.env.PATH}`, FAKE_LOG: log, ...env },
    extendEnv: false,
  });
  let calls: string[] = [];
  try {
    calls = readFileSync(log, "utf8").trim().split("\n");
  } catch {
    calls = [];
  }
  return { exitCode: run.exitCode, output: `${run.stdout}\n${run.stderr}`, calls };
}

const traffic = (calls: string[]) =>
  calls.filter((c) => c.includes("update-traffic")).map((c) => c.split("--quiet ")[1]);

describe("canary.sh", () => {
  it("is the template the phase renders, byte for byte", () => {
    expect(readFileSync(SCRIPT, "utf8")).toBe(templateText("cicd/canary.sh"));
  });

  it("first deploy (no service yet): 100% directly, without --no-traffic", async () => {
    const r = await runCanary(BASE, { FAKE_SERVICE_EXISTS: "0" });
    expect(r.exitCode).toBe(0);
    const deploys = r.calls.filter((c) => c.startsWith("gcloud run deploy"));
    expect(deploys).toHaveLength(1);
    expect(deploys[0]).not.toContain("--no-traffic");
    expect(traffic(r.calls)).toEqual([]);
    expect(r.output).toContain("first deploy takes 100% directly");
  });

  it("--execute runs a job once to the end after deploying it; a failed execution fails the step", async () => {
    const job = ["--service", "web-app-prod-migrate", "--strategy", "job", "--execute", ...BASE.slice(2)];
    const ok = await runCanary(job, {});
    expect(ok.exitCode).toBe(0);
    expect(ok.calls.map((c) => c.split(" ").slice(0, 4).join(" "))).toEqual([
      "gcloud run jobs deploy",
      "gcloud run jobs execute",
    ]);
    expect(ok.calls[1]).toBe(
      "gcloud run jobs execute web-app-prod-migrate --region us-central1 --project acme-mvp-prod --quiet --wait",
    );
    const failed = await runCanary(job, { FAKE_EXECUTE_FAIL: "1" });
    expect(failed.exitCode).toBe(1);
    expect(failed.output).toContain("job web-app-prod-migrate failed");
    const misuse = await runCanary([...BASE, "--execute"], {});
    expect(misuse.exitCode).toBe(2);
  });

  it("asks `services describe` whether the service exists, never a prefix-matching list filter", async () => {
    const r = await runCanary(BASE, { FAKE_SERVICE_EXISTS: "1" });
    expect(r.calls.some((c) => c.startsWith("gcloud run services list"))).toBe(false);
    expect(r.calls[0]).toBe(
      "gcloud run services describe web-app-prod --region us-central1 --project acme-mvp-prod --quiet --format=value(metadata.name)",
    );
  });

  it("stops when it cannot tell whether the service exists (never a first deploy by mistake)", async () => {
    const r = await runCanary(BASE, { FAKE_DESCRIBE_ERROR: "PERMISSION_DENIED: run.services.get" });
    expect(r.exitCode).toBe(1);
    expect(r.output).toContain(
      "cannot tell whether web-app-prod exists: ERROR: (gcloud.run.services.describe) PERMISSION_DENIED",
    );
    expect(r.calls.some((c) => c.startsWith("gcloud run deploy"))).toBe(false);
  });

  it("healthy rollout: no-traffic tagged deploy, checks, 10 -> 50 -> 100", async () => {
    const r = await runCanary(BASE, { FAKE_SERVICE_EXISTS: "1" });
    expect(r.exitCode).toBe(0);
    expect(r.calls.find((c) => c.startsWith("gcloud run deploy"))).toContain("--no-traffic --tag canary");
    expect(traffic(r.calls)).toEqual(["--to-tags canary=10", "--to-tags canary=50", "--to-latest"]);
    const checks = r.calls.filter((c) => c.startsWith("curl"));
    expect(checks[0]).toContain("https://canary---web-app-prod-abc123-uc.a.run.app/healthz");
    expect(checks.at(-1)).toMatch(/ https:\/\/web-app-prod-abc123-uc\.a\.run\.app\/healthz$/);
    expect(r.calls.join("\n")).not.toContain("--to-revisions");
  });

  it.each([
    ["at 10%", { FAKE_CURL_FAIL_AT: "10" }, ["--to-tags canary=10"], "unhealthy at 10%"],
    ["at 50%", { FAKE_CURL_FAIL_AT: "50" }, ["--to-tags canary=10", "--to-tags canary=50"], "unhealthy at 50%"],
    ["before any traffic", { FAKE_CURL_FAIL_AT: "0" }, [], "before taking traffic"],
    ["by timing out at 10%", { FAKE_CURL_TIMEOUT_AT: "10" }, ["--to-tags canary=10"], "unhealthy at 10%"],
  ])("failure %s: traffic back to the previous revision, non-zero exit", async (_, env, shifted, message) => {
    const r = await runCanary(BASE, { FAKE_SERVICE_EXISTS: "1", ...env });
    expect(r.exitCode).toBe(1);
    expect(traffic(r.calls)).toEqual([...shifted, "--to-revisions web-app-prod-00001-abc=100"]);
    expect(r.calls.at(-1)).toContain(ROLLBACK);
    expect(r.output).toContain(message);
  });

  it("a timed-out check gives up after --health-retries attempts of --max-time each", async () => {
    const r = await runCanary(BASE, { FAKE_SERVICE_EXISTS: "1", FAKE_CURL_TIMEOUT_AT: "10" });
    const timedOut = r.output.match(/health check \d\/2 failed/g) ?? [];
    expect(timedOut).toHaveLength(2);
    expect(r.calls.filter((c) => c.startsWith("curl")).every((c) => c.includes("--max-time 1 "))).toBe(true);
  });

  // An app with no health route: its startup probe checks the port; the canary must not demand a
  // 2xx from a route that is not there, yet still roll back a revision that answers 5xx.
  const REACHABLE = [...BASE.map((a) => (a === "/healthz" ? "/" : a)), "--health-mode", "reachable"];

  it("reachable mode: a 404 or a redirect from / is an answer, so the rollout completes", async () => {
    for (const code of ["404", "302", "200"]) {
      const r = await runCanary(REACHABLE, { FAKE_SERVICE_EXISTS: "1", FAKE_CURL_CODE: code });
      expect(r.exitCode, code).toBe(0);
      expect(traffic(r.calls)).toEqual(["--to-tags canary=10", "--to-tags canary=50", "--to-latest"]);
      const checks = r.calls.filter((c) => c.startsWith("curl"));
      expect(checks[0]).toMatch(
        /--write-out %\{http_code\} .* https:\/\/canary---web-app-prod-abc123-uc\.a\.run\.app\/$/,
      );
      expect(checks.every((c) => !c.includes("--fail"))).toBe(true);
    }
  });

  it("reachable mode: a 5xx at 50% rolls back", async () => {
    const r = await runCanary(REACHABLE, { FAKE_SERVICE_EXISTS: "1", FAKE_CURL_FAIL_AT: "50" });
    expect(r.exitCode).toBe(1);
    expect(traffic(r.calls)).toEqual([
      "--to-tags canary=10",
      "--to-tags canary=50",
      "--to-revisions web-app-prod-00001-abc=100",
    ]);
    expect(r.output).toContain("answered HTTP 503");
  });

  it("route mode (the default) asks curl --fail for a 2xx/3xx: an error answer rolls back", async () => {
    const r = await runCanary(BASE, { FAKE_SERVICE_EXISTS: "1", FAKE_CURL_FAIL_AT: "0" });
    expect(r.exitCode).toBe(1);
    expect(r.calls.filter((c) => c.startsWith("curl")).every((c) => c.includes("--fail"))).toBe(true);
  });

  it("a failed no-traffic deploy of an existing service rolls back and fails", async () => {
    const r = await runCanary(BASE, { FAKE_SERVICE_EXISTS: "1", FAKE_DEPLOY_FAIL: "1" });
    expect(r.exitCode).toBe(1);
    expect(r.calls.at(-1)).toContain(ROLLBACK);
  });

  it("direct strategy (workers): one deploy at 100%, no health URL, no traffic moves", async () => {
    const r = await runCanary([...BASE, "--strategy", "direct", "--", "--ingress=internal"], {
      FAKE_SERVICE_EXISTS: "1",
    });
    expect(r.exitCode).toBe(0);
    expect(r.calls.filter((c) => c.startsWith("gcloud run deploy"))).toEqual([
      expect.stringMatching(/--quiet --ingress=internal$/),
    ]);
    expect(r.calls.some((c) => c.startsWith("curl"))).toBe(false);
    expect(traffic(r.calls)).toEqual([]);
  });

  it("job strategy updates a Cloud Run job", async () => {
    const r = await runCanary([...BASE, "--strategy", "job"], {});
    expect(r.exitCode).toBe(0);
    expect(r.calls).toEqual([expect.stringMatching(/^gcloud run jobs deploy web-app-prod --image /)]);
  });

  it("passes a command reading a credential from its env var through sh -c to gcloud as it is", async () => {
    const args = '--args=-c,exec bundle exec rake mail:receive user=bot@example.com password="$RAKE_MAIL_PASSWORD"';
    const r = await runCanary([...BASE, "--strategy", "job", "--", "--command=sh", args], {});
    expect(r.exitCode).toBe(0);
    expect(r.calls).toEqual([expect.stringContaining(`--command=sh ${args}`)]);
  });

  // GA gcloud refuses a cloud-storage volume's mount-options key; its beta track takes it.
  const MOUNT = [
    "--",
    "--add-volume=name=b,type=cloud-storage,bucket=b,mount-options=uid=10001;gid=10001",
    "--add-volume-mount=volume=b,mount-path=/app/media",
  ];
  it.each([
    ["a first deploy", BASE, { FAKE_SERVICE_EXISTS: "0" }, "gcloud beta run deploy web-app-prod --image"],
    ["a canary deploy", BASE, { FAKE_SERVICE_EXISTS: "1" }, "gcloud beta run deploy web-app-prod --image"],
    ["a job", [...BASE, "--strategy", "job"], {}, "gcloud beta run jobs deploy web-app-prod --image"],
  ])("%s with a bucket's mount options deploys with gcloud beta", async (_, args, env, want) => {
    const r = await runCanary([...args, ...MOUNT], env);
    expect(r.exitCode).toBe(0);
    const deploys = r.calls.filter((c) => / deploy web-app-prod /.test(c));
    expect(deploys.length).toBeGreaterThan(0);
    for (const d of deploys) {
      expect(d.startsWith(want)).toBe(true);
      expect(d).toContain("mount-options=uid=10001;gid=10001 --add-volume-mount=volume=b,mount-path=/app/media");
    }
    // Everything else stays on the GA track.
    expect(r.calls.filter((c) => c.startsWith("gcloud beta") && !deploys.includes(c))).toEqual([]);
    const plain = await runCanary([...args, "--", "--add-volume-mount=volume=b,mount-path=/app/media"], env);
    expect(plain.calls.filter((c) => c.startsWith("gcloud beta"))).toEqual([]);
  });

  it.each([
    ["service with ;", ["--service", "web;rm -rf /"]],
    ["service with $()", ["--service", "web$(id)"]],
    ["health path with a backtick", ["--health-path", "/health`id`"]],
    ["an unknown health mode", ["--health-mode", "any"]],
    ["descending steps", ["--steps", "50,10,100"]],
    ["steps not ending at 100", ["--steps", "10,50"]],
    ["a deploy flag with a space", ["--", "--args=a b"]],
    ["a deploy flag with $", ["--", "--command=$(id)"]],
    ["a credential script with ;", ["--", '--args=-c,exec rake password="$X"; id']],
    ["a credential script with $()", ["--", "--args=-c,exec rake password=$(id)"]],
    ["a credential script not run by exec", ["--", '--args=-c,id password="$X"']],
    ["an unknown option", ["--eval", "x"]],
    ["a missing value", ["--tag"]],
  ])("rejects %s before calling gcloud (exit 2)", async (_, extra) => {
    const args = [...BASE];
    const i = args.indexOf(extra[0]!);
    if (i >= 0 && extra[0] !== "--") args.splice(i, 2, ...extra);
    else args.push(...extra);
    const r = await runCanary(args, { FAKE_SERVICE_EXISTS: "1" });
    expect(r.exitCode).toBe(2);
    expect(r.calls).toEqual([]);
  });
});
