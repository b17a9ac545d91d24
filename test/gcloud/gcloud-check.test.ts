// The helpers behind the real-gcloud test: they must find commands everywhere and must be able
// to fail (a checker that accepts everything would prove nothing).
import { mkdir, mkdtemp, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import path from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { checkGcloud, classify, findGcloud, gcloudCallsIn } from "../helpers/gcloud-check.js";
import { gcloudCommandsInLine, gcloudWordsInMarkdown } from "../helpers/shell-words.js";

describe("gcloudCommandsInLine", () => {
  it.each([
    ["gcloud run deploy api --region us-central1", [["run", "deploy", "api", "--region", "us-central1"]]],
    ["$ gcloud projects describe p-123", [["projects", "describe", "p-123"]]],
    [`gcloud x --schedule="0 8 * * *" --name='a b'`, [["x", "--schedule=0 8 * * *", "--name=a b"]]],
    ['gcloud x --project "$PROJECT" --member=sa:$(whoami)', [["x", "--project", "VALUE", "--member=sa:VALUE"]]],
    [
      "gcloud a --b 1 | grep x && gcloud c --d 2",
      [
        ["a", "--b", "1"],
        ["c", "--d", "2"],
      ],
    ],
    ["gcloud a --quiet 2>/dev/null # not gcloud b", [["a", "--quiet"]]],
    ["echo gcloud run deploy", []],
    ["sudo gcloud auth list", [["auth", "list"]]],
    ["cat file > gcloud", []],
  ])("%s", (line, expected) => {
    expect(gcloudCommandsInLine(line)).toEqual(expected);
  });
});

describe("gcloudWordsInMarkdown", () => {
  it("reads shell code blocks (with continuations) and flagged code spans, not other languages", () => {
    const md = [
      "Run `gcloud run services list --region r` first; `gcloud scheduler jobs update http` is prose.",
      "```sh",
      "gcloud sql instances create db \\",
      "  --tier=db-custom-1-3840",
      "```",
      "```yaml",
      "run: gcloud run deploy x --bogus",
      "```",
      "```",
      "$ gcloud auth configure-docker us-docker.pkg.dev",
      "```",
    ].join("\n");
    expect(gcloudWordsInMarkdown(md)).toEqual([
      ["run", "services", "list", "--region", "r"],
      ["sql", "instances", "create", "db", "--tier=db-custom-1-3840"],
      ["auth", "configure-docker", "us-docker.pkg.dev"],
    ]);
  });
});

describe("classify", () => {
  it.each([
    [0, "", undefined],
    [1, "ERROR: (gcloud.run.deploy) You do not currently have an active account selected.", undefined],
    [
      2,
      "ERROR: (gcloud.x) argument --http-method: Invalid choice: 'patch'.",
      "ERROR: (gcloud.x) argument --http-method: Invalid choice: 'patch'.",
    ],
    [
      1,
      "ERROR: (gcloud.x) The [project] resource is not properly specified.",
      expect.stringMatching(/names no --project/),
    ],
    [1, "ERROR: (gcloud.x) Invalid resource name [SERVICE].", "ERROR: (gcloud.x) Invalid resource name [SERVICE]."],
    // The runbook's rsync reads a folder on the VM: parsed, then the folder is not here.
    [1, "ERROR: (gcloud.storage.rsync) Did not find existing container at: /opt/app/media", undefined],
    [
      2,
      "ERROR: (gcloud.storage.rsync) unrecognized arguments: --recurse",
      "ERROR: (gcloud.storage.rsync) unrecognized arguments: --recurse",
    ],
  ])("exit %s: %s", (exit, stderr, expected) => {
    expect(classify(exit, stderr)).toEqual(expected);
  });
});

const dirs: string[] = [];
afterAll(() => Promise.all(dirs.map((d) => rm(d, { recursive: true, force: true }))));

describe("gcloudCallsIn", () => {
  it("finds commands a script runs (both branches and --dry-run), a workflow step runs, and a doc shows", async () => {
    const out = await mkdtemp(path.join(tmpdir(), "gcloud-calls-"));
    dirs.push(out);
    await mkdir(path.join(out, "scripts"), { recursive: true });
    await mkdir(path.join(out, ".github/workflows"), { recursive: true });
    await writeFile(
      path.join(out, "scripts/setup-x.sh"),
      [
        "#!/usr/bin/env bash",
        "set -euo pipefail",
        "DRY_RUN=0; [[ ${1:-} == --dry-run ]] && DRY_RUN=1",
        "run() { if ((DRY_RUN)); then printf '+'; printf ' %q' \"$@\"; printf '\\n'; else \"$@\"; fi; }",
        'exists() { ((DRY_RUN)) && return 1; "$@" >/dev/null 2>&1; }',
        "if exists gcloud tasks queues describe q --location r --project p-12345; then",
        "  run gcloud tasks queues update q --location r --project p-12345 --max-attempts 5",
        "else",
        "  run gcloud tasks queues create q --location r --project p-12345 --max-attempts 5",
        "fi",
      ].join("\n"),
    );
    await writeFile(
      path.join(out, ".github/workflows/deploy.yml"),
      'on: push\nenv: { REGION: r }\njobs:\n  deploy:\n    runs-on: ubuntu-24.04\n    steps:\n      - run: npm test\n      - run: gcloud run services update-traffic api --to-latest --region "$REGION" --project p-12345\n',
    );
    await writeFile(path.join(out, "README.md"), "```bash\ngcloud projects describe p-12345\n```\n");
    const calls = await gcloudCallsIn(out);
    const seen = calls.map((c) => `${c.argv.slice(0, 3).join(" ")} <- ${c.source.split(" (")[0]!.split(" --")[0]}`);
    expect(new Set(seen)).toEqual(
      new Set([
        "tasks queues create <- scripts/setup-x.sh",
        "tasks queues describe <- scripts/setup-x.sh",
        "tasks queues update <- scripts/setup-x.sh",
        "run services update-traffic <- .github/workflows/deploy.yml deploy: run",
        "projects describe p-12345 <- README.md",
      ]),
    );
    expect(calls.find((c) => c.source.endsWith("--dry-run"))?.argv).toEqual([
      "tasks",
      "queues",
      "create",
      "q",
      "--location",
      "r",
      "--project",
      "p-12345",
      "--max-attempts",
      "5",
    ]);
  });
});

describe.skipIf(!findGcloud())("checkGcloud (real gcloud)", () => {
  // POSTGRES_18 is in the Cloud SQL Admin API; a gcloud older than it parses the command with the
  // newest version it knows. A version in neither (POSTGRES_99) is still refused.
  it("parses a Cloud SQL version newer than the installed gcloud, and refuses one that does not exist", async () => {
    const create = (version: string) => ({
      argv: [
        "sql",
        "instances",
        "create",
        "db",
        "--project=p-12345",
        "--region=us-central1",
        `--database-version=${version}`,
      ],
      source: version,
    });
    const result = await checkGcloud([create("POSTGRES_18"), create("POSTGRES_99")]);
    expect(result.commands.map((argv) => argv.at(-1))).toEqual([
      "--database-version=POSTGRES_18",
      "--database-version=POSTGRES_99",
    ]);
    expect(result.findings.map((f) => f.sources)).toEqual([["POSTGRES_99"]]);
    expect(result.findings[0]!.error).toMatch(/POSTGRES_99/);
  });

  it("reports an argument error, an unset project and a volume key the track lacks; accepts a command that only lacks credentials", async () => {
    const result = await checkGcloud([
      {
        argv: [
          "scheduler",
          "jobs",
          "create",
          "http",
          "j",
          "--location",
          "us-central1",
          "--project",
          "p-12345",
          "--schedule=0 8 * * *",
          "--uri=https://example.com",
          "--http-method=PATCH",
        ],
        source: "bad choice",
      },
      { argv: ["run", "services", "describe", "api", "--region", "us-central1"], source: "no project" },
      {
        argv: [
          "tasks",
          "queues",
          "create",
          "q",
          "--location",
          "us-central1",
          "--project",
          "p-12345",
          "--max-attempts",
          "5",
        ],
        source: "fine",
      },
      {
        argv: [
          "tasks",
          "queues",
          "create",
          "q",
          "--location",
          "us-central1",
          "--project",
          "p-12345",
          "--max-attempts",
          "5",
        ],
        source: "fine again",
      },
      // A volume's keys are checked against the release track, which gcloud itself does only
      // once it has credentials: GA refuses a Cloud Storage volume's mount-options, beta takes them.
      ...(["ga", "beta"] as const).map((track) => ({
        argv: [
          ...(track === "beta" ? ["beta"] : []),
          "run",
          "deploy",
          "api",
          "--image=us-central1-docker.pkg.dev/p-12345/app/app:1",
          "--region=us-central1",
          "--project=p-12345",
          "--add-volume=name=b,type=cloud-storage,bucket=b,mount-options=uid=10001;gid=10001",
          "--add-volume-mount=volume=b,mount-path=/app/media",
        ],
        source: `mount options (${track})`,
      })),
    ]);
    expect(result.checked).toBe(5);
    expect(result.findings.map((f) => [f.sources, f.exitCode])).toEqual([
      [["bad choice"], 2],
      [["no project"], 1],
      [["mount options (ga)"], 1],
    ]);
    expect(result.findings[0]!.error).toMatch(/Invalid choice: 'patch'/);
    expect(result.findings[2]!.error).toMatch(/unexpected parameter mount-options/);
  });
});
