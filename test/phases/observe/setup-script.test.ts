// scripts/setup-observability.sh: ShellCheck-clean, a dry run that calls nothing, a run against
// the fake gcloud/curl that creates everything once and updates it on the second run, and every
// gcloud command it issued parsed by the real gcloud.
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { execa } from "execa";
import { afterAll, describe, expect, it } from "vitest";
import { offlineObserve } from "../../../src/phases/observe/offline.js";
import { renderObserve } from "../../../src/phases/observe/render.js";
import { findShellcheck, shellcheck } from "../../../src/validate/shellcheck.js";
import type { Artifact } from "../../../src/write/plan.js";
import { FIXTURE_FAKE_FUNCTIONS } from "../../helpers/fake-functions.js";
import { checkGcloud, findGcloud } from "../../helpers/gcloud-check.js";
import { ROOT } from "../../helpers/phase-input.js";
import type { PhaseOptions } from "../../../src/contracts/phase.js";
import { chainFile, EXAMPLE } from "../../helpers/chain.js";

const FAKE_BIN = path.join(ROOT, "test/fixtures/fake-bin");
const SCRIPT = "scripts/setup-observability.sh";
const dirs: string[] = [];
afterAll(() => dirs.forEach((d) => rmSync(d, { recursive: true, force: true })));
const hasShellcheck = (await findShellcheck()) !== undefined;
if (!hasShellcheck)
  console.warn("shellcheck is not installed: skipping the shellcheck test for setup-observability.sh");
const gcloud = findGcloud();
if (!gcloud) console.warn("gcloud is not installed: skipping the real-gcloud parse of setup-observability.sh");

/** The example's observe files written into a fresh repo directory. */
function repoFor(example: string, options: PhaseOptions = {}): { dir: string; files: Artifact[] } {
  const { input } = chainFile(EXAMPLE(example), options);
  const files = renderObserve(offlineObserve(input), input);
  const dir = mkdtempSync(path.join(tmpdir(), "observe-repo-"));
  dirs.push(dir);
  for (const f of files) {
    mkdirSync(path.dirname(path.join(dir, f.path)), { recursive: true });
    writeFileSync(path.join(dir, f.path), f.content);
  }
  return { dir, files };
}

async function run(dir: string, args: string[], env: Record<string, string> = {}) {
  const state = mkdtempSync(path.join(tmpdir(), "observe-fake-"));
  dirs.push(state);
  const log = path.join(state, "calls.log");
  const argvLog = path.join(state, "argv.log");
  writeFileSync(log, "");
  writeFileSync(argvLog, "");
  const r = await execa("bash", [path.join(dir, SCRIPT), ...args], {
    reject: false,
    extendEnv: false,
    env: {
      ...FIXTURE_FAKE_FUNCTIONS,
      PATH: `${FAKE_BIN}:/usr/bin:/bin`,
      FAKE_LOG: log,
      FAKE_ARGV_LOG: argvLog,
      FAKE_STATE: state,
      ...env,
    },
  });
  return {
    exitCode: r.exitCode,
    stdout: r.stdout,
    stderr: r.stderr,
    calls: readFileSync(log, "utf8").split("\n").filter(Boolean),
    // argv after `gcloud`, exactly as the script passed it (arguments joined by \x1f)
    argv: readFileSync(argvLog, "utf8")
      .split("\n")
      .filter(Boolean)
      .map((line) => line.split("\x1f").slice(1)),
    state,
  };
}

// Celery rewritten to push: the seed's worker has a queue, so its SLOs and alerts are in the script.
const seed = repoFor("seed-vm", { celery: "push" });
// The run on a fresh project and the rerun where everything exists are each made once: a test
// asserts on what each did and the real-gcloud test parses the commands of both (each run is
// ~100 fake gcloud and curl calls; their state folders are separate, so sharing changes nothing).
let freshRun: ReturnType<typeof run> | undefined;
let existsRun: ReturnType<typeof run> | undefined;
const fresh = () => (freshRun ??= run(seed.dir, ["--email", "oncall@acme.example"]));
const again = () => (existsRun ??= run(seed.dir, ["--email", "oncall@acme.example"], { FAKE_RESOURCES_EXIST: "1" }));

describe("setup-observability.sh", () => {
  it.each(["seed-vm", "django-postgres", "api-only"])("%s: passes shellcheck", async (name) => {
    if (!hasShellcheck) return;
    const script = (name === "seed-vm" ? seed : repoFor(name)).files.find((f) => f.path === SCRIPT)!.content;
    expect(await shellcheck(script)).toEqual([]);
  });

  it("--dry-run prints every step and calls nothing", async () => {
    const r = await run(seed.dir, ["--dry-run", "--email", "oncall@acme.example"]);
    expect(r.exitCode, r.stderr).toBe(0);
    expect(r.calls).toEqual([]);
    const printed = r.stdout.split("\n").filter((l) => l.startsWith("+ "));
    expect(printed.filter((l) => l.includes("alpha monitoring policies create"))).toHaveLength(18);
    expect(
      printed.filter((l) => /curl -X POST .*serviceLevelObjectives\?serviceLevelObjectiveId=/.test(l)),
    ).toHaveLength(6);
    expect(printed.filter((l) => l.includes("monitoring dashboards create"))).toHaveLength(5);
    // No repository here, so no health route is known: the check wants any answer below 500 from /.
    expect(printed.find((l) => l.includes("uptime create"))).toContain("--path=/ ");
    expect(printed.find((l) => l.includes("uptime create"))).toContain("--status-classes=2xx\\,3xx\\,4xx");
    expect(r.stdout).toContain("email_address=oncall@acme.example");
  });

  it.each([
    [["--email", "not an address"], /invalid --email/],
    [["--slack-channel", "#deploys"], /needs SLACK_AUTH_TOKEN/],
    [["--email", "a@b.io", "--channel", "projects/acme-mvp-prod/notificationChannels/1"], /one of --email/],
    [["--channel", "projects/other/notificationChannels/1"], /invalid --channel/],
    [[], /where should alerts go/],
    [["--bogus"], /unknown argument/],
  ])("refuses %j before calling anything (exit 2)", async (args, message) => {
    const r = await run(seed.dir, args);
    expect(r.exitCode).toBe(2);
    expect(r.stderr).toMatch(message);
    expect(r.calls).toEqual([]);
  });

  it("creates everything on a fresh project, with the channel and uptime check filled in", async () => {
    const r = await fresh();
    expect(r.exitCode, r.stderr).toBe(0);
    expect(r.calls.filter((c) => c.includes("alpha monitoring policies create"))).toHaveLength(18);
    expect(r.calls.filter((c) => c.includes("logging metrics create"))).toHaveLength(4);
    expect(r.calls.some((c) => / update /.test(c))).toBe(false);
    // the REST calls for SLOs: a GET that finds nothing, then a POST, for each service and SLO
    expect(r.calls.filter((c) => c.startsWith("curl") && c.includes("-X POST"))).toHaveLength(3 + 6);
    expect(r.calls.join("\n")).not.toContain("fake-access-token");
    expect(r.stdout).toMatch(/alerts go to projects\/fake-project\/notificationChannels\/\d+/);
  });

  it("updates in place when everything exists (idempotent rerun)", async () => {
    const r = await again();
    expect(r.exitCode, r.stderr).toBe(0);
    expect(r.calls.filter((c) => / create /.test(c))).toEqual([]);
    expect(r.calls.filter((c) => c.includes("alpha monitoring policies update"))).toHaveLength(18);
    expect(r.calls.filter((c) => c.includes("monitoring dashboards update"))).toHaveLength(5);
    expect(r.calls.filter((c) => c.includes("-X PATCH"))).toHaveLength(3 + 6);
    expect(r.calls.find((c) => c.includes("channels update"))).toContain(
      "--update-channel-labels=email_address=oncall@acme.example",
    );
  });

  it("the real gcloud parses every command of both runs, and of the Slack variant", async () => {
    if (!gcloud) return;
    const [created, updated, slack] = await Promise.all([
      fresh(),
      again(),
      run(seed.dir, ["--slack-channel", "#deploys"], { SLACK_AUTH_TOKEN: "xoxb-123-abc" }),
    ]);
    expect([created.exitCode, updated.exitCode]).toEqual([0, 0]);
    expect(slack.exitCode, slack.stderr).toBe(0);
    // the bot token travels in a private file, never on a command line
    expect(slack.calls.join("\n")).not.toContain("xoxb-123-abc");
    const calls = [
      ...created.argv.map((argv) => ({ argv, source: "fresh project" })),
      ...updated.argv.map((argv) => ({ argv, source: "everything exists" })),
      ...slack.argv.map((argv) => ({ argv, source: "Slack channel" })),
    ];
    expect(calls.length).toBeGreaterThan(60);
    expect(calls.some((c) => c.argv.some((a) => a.startsWith("--channel-content-from-file=")))).toBe(true);
    const result = await checkGcloud(calls);
    expect(result.findings).toEqual([]);
  }, 120_000);
});
