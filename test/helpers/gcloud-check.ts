// Runs gcloud command lines through the REAL gcloud with no credentials: an argument error
// (exit 2: unknown flag, invalid choice, bad type) or any error other than "not logged in" is a
// finding; "no active account" means gcloud parsed the arguments. Commands are deduplicated and
// parsed by gcloud's own CLI code in one process (gcloud-batch.py), ~0.1 s a command instead of
// ~1.3 s for /usr/bin/gcloud; where that driver cannot start, each command spawns gcloud.
import { existsSync, readFileSync, realpathSync } from "node:fs";
import { mkdtemp, readFile, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import path from "node:path";
import { execa } from "execa";
import type { GcloudCall } from "./gcloud-extract.js";

export type { GcloudCall } from "./gcloud-extract.js";
export { gcloudCallsIn } from "./gcloud-extract.js";

export interface GcloudFinding {
  command: string;
  sources: string[];
  exitCode: number;
  error: string;
}

export interface GcloudCheck {
  /** Set when gcloud is not installed: the caller skips with this reason. */
  skipped?: string;
  /** Distinct commands parsed. */
  checked: number;
  /** The argv of each command parsed (a `--…-from-file` value is a placeholder). */
  commands: string[][];
  findings: GcloudFinding[];
}

const DRIVER = path.join(import.meta.dirname, "gcloud-batch.py");
const AUTH_ERROR =
  /do not currently have an active account|gcloud auth login|credentials were not found|could not find default credentials/i;
/**
 * `gcloud storage rsync` parses its arguments, then looks for the local folder before it needs
 * credentials: the runbook's folders exist on the VM, never here, so that answer means "parsed".
 */
const LOCAL_SOURCE_ABSENT = /^ERROR: \(gcloud\.storage\.rsync\) Did not find existing container at: \//m;
const NO_PROJECT = /The \[project\] resource is not properly specified|property \[core\/project\]/;

/** /usr/bin/gcloud or the first gcloud on PATH; undefined when absent. */
export function findGcloud(): string | undefined {
  const candidates = ["/usr/bin/gcloud", ...(process.env.PATH ?? "").split(":").map((d) => path.join(d, "gcloud"))];
  const found = candidates.find((c) => existsSync(c));
  return found ? realpathSync(found) : undefined;
}

/** Why a command failed, or undefined when gcloud accepted its arguments. */
export function classify(exitCode: number, stderr: string): string | undefined {
  if (exitCode === 0) return undefined;
  if (exitCode === 1 && AUTH_ERROR.test(stderr)) return undefined;
  if (exitCode === 1 && LOCAL_SOURCE_ABSENT.test(stderr)) return undefined;
  const first = stderr.split("\n").find((l) => l.startsWith("ERROR")) ?? stderr.trim().split("\n")[0] ?? "";
  if (NO_PROJECT.test(stderr)) return `names no --project, so it would act on whatever project is configured: ${first}`;
  return first || `exit ${exitCode}`;
}

const quote = (w: string) => (/^[A-Za-z0-9_./=:,@%+-]+$/.test(w) ? w : `'${w.replace(/'/g, `'\\''`)}'`);
export const commandText = (argv: string[]) => ["gcloud", ...argv].map(quote).join(" ");

async function gcloudEnv(): Promise<{ env: Record<string, string>; dir: string }> {
  const dir = await mkdtemp(path.join(tmpdir(), "gcloud-check-"));
  return {
    dir,
    env: {
      PATH: process.env.PATH ?? "/usr/bin:/bin",
      HOME: dir, // `auth configure-docker` writes ~/.docker/config.json
      CLOUDSDK_CONFIG: path.join(dir, "config"),
      CLOUDSDK_CORE_DISABLE_PROMPTS: "1",
      CLOUDSDK_CORE_CHECK_GCE_METADATA: "false",
      CLOUDSDK_CORE_DISABLE_USAGE_REPORTING: "true",
      CLOUDSDK_COMPONENT_MANAGER_DISABLE_UPDATE_CHECK: "true",
      // No log file per command (~600 a test run, 2.5 MB): ~20 % of the batch's CPU, and the
      // verdicts (exit code, stderr) are the same byte for byte.
      CLOUDSDK_CORE_DISABLE_FILE_LOGGING: "true",
    },
  };
}

/** The interpreter /usr/bin/gcloud would pick: $CLOUDSDK_PYTHON, the bundled one, python3. */
export function gcloudPython(sdkRoot: string): string {
  const bundled = path.join(sdkRoot, "platform/bundledpythonunix/bin/python3");
  return process.env.CLOUDSDK_PYTHON ?? (existsSync(bundled) ? bundled : "python3");
}

async function runBatch(gcloud: string, commands: string[][], env: Record<string, string>, dir: string) {
  const sdkRoot = path.resolve(path.dirname(gcloud), "..");
  const results = path.join(dir, "results.jsonl");
  const run = await execa(gcloudPython(sdkRoot), [DRIVER, path.join(sdkRoot, "lib"), results], {
    input: commands.map((c) => JSON.stringify(c)).join("\n") + "\n",
    env,
    extendEnv: false,
    reject: false,
    timeout: 300_000,
  });
  const lines = (await readFile(results, "utf8").catch(() => "")).split("\n").filter(Boolean);
  if (run.exitCode !== 0 || lines.length !== commands.length) return undefined;
  return lines.map((l) => JSON.parse(l) as { exit: number; stderr: string });
}

async function runEach(gcloud: string, commands: string[][], env: Record<string, string>) {
  const results: { exit: number; stderr: string }[] = [];
  for (let i = 0; i < commands.length; i += 2) {
    const pair = commands
      .slice(i, i + 2)
      .map((argv) => execa(gcloud, argv, { env, extendEnv: false, reject: false, timeout: 60_000 }));
    for (const r of await Promise.all(pair)) results.push({ exit: r.exitCode ?? 1, stderr: String(r.stderr) });
  }
  return results;
}

/**
 * A `--…-from-file` argument (or a `--data-file` other than stdin: a file the plan tells the user to
 * write) only has to be readable for gcloud to parse the command; the real
 * file may be a script's temp file or lie in an output directory that is gone by now, so one
 * readable placeholder stands in (the files' contents are checked by our own validators).
 */
function withReadableFiles(argv: string[], placeholder: string): string[] {
  return argv.map((a, i) =>
    /^--[a-z-]+-from-file=/.test(a) || /^--data-file=(?!-$)/.test(a)
      ? a.replace(/=.*$/, `=${placeholder}`)
      : /^--[a-z-]+-from-file$/.test(argv[i - 1] ?? "")
        ? placeholder
        : a,
  );
}

/**
 * Cloud SQL versions the Admin API lists that a gcloud older than them refuses as an invalid choice
 * (Debian's gcloud 528 here stops at POSTGRES_17; the API has POSTGRES_18:
 * https://cloud.google.com/sql/docs/postgres/admin-api/rest/v1beta4/SqlDatabaseVersion), each with
 * the newest version of its engine such a gcloud knows. A user's up-to-date gcloud takes the real
 * value; an old one here gets the stand-in, so the rest of the command is still parsed.
 */
const NEWER_THAN_GCLOUD: Record<string, string> = { POSTGRES_18: "POSTGRES_17" };

/** The versions above the installed gcloud does not know, read from its own Cloud SQL API messages. */
function versionsUnknownTo(gcloud: string): Set<string> {
  const messages = path.resolve(
    path.dirname(gcloud),
    "../lib/googlecloudsdk/generated_clients/apis/sqladmin/v1beta4/sqladmin_v1beta4_messages.py",
  );
  let text = "";
  try {
    text = readFileSync(messages, "utf8");
  } catch {
    return new Set(); // laid out otherwise: the real values go to gcloud
  }
  const unknown = Object.keys(NEWER_THAN_GCLOUD).filter((v) => !new RegExp(`\\b${v}\\b`).test(text));
  if (unknown.length)
    console.warn(
      `the installed gcloud predates ${unknown.join(", ")}: checked with ${unknown.map((v) => NEWER_THAN_GCLOUD[v]).join(", ")} in its place`,
    );
  return new Set(unknown);
}

function withKnownVersions(argv: string[], unknown: ReadonlySet<string>): string[] {
  if (unknown.size === 0) return argv;
  return argv.map((a, i) => {
    const m = /^(--database-version=)(.+)$/.exec(a);
    if (m && unknown.has(m[2]!)) return `${m[1]}${NEWER_THAN_GCLOUD[m[2]!]}`;
    return argv[i - 1] === "--database-version" && unknown.has(a) ? NEWER_THAN_GCLOUD[a]! : a;
  });
}

export async function checkGcloud(calls: GcloudCall[]): Promise<GcloudCheck> {
  const gcloud = findGcloud();
  if (!gcloud)
    return {
      skipped: "gcloud is not installed (Debian package google-cloud-cli)",
      checked: 0,
      commands: [],
      findings: [],
    };
  const { env, dir } = await gcloudEnv();
  const placeholder = path.join(dir, "from-file.json");
  await writeFile(placeholder, "{}\n");
  const unknown = versionsUnknownTo(gcloud);
  const bySignature = new Map<string, { argv: string[]; sources: Set<string> }>();
  for (const call of calls) {
    const argv = withReadableFiles(call.argv, placeholder);
    const key = JSON.stringify(argv);
    const entry = bySignature.get(key) ?? { argv, sources: new Set<string>() };
    entry.sources.add(call.source);
    bySignature.set(key, entry);
  }
  const entries = [...bySignature.values()];
  const commands = entries.map((e) => e.argv);
  try {
    // What gcloud parses; `commands` (what the plan has) is what the callers see.
    const sent = commands.map((argv) => withKnownVersions(argv, unknown));
    const results = (await runBatch(gcloud, sent, env, dir)) ?? (await runEach(gcloud, sent, env));
    const findings: GcloudFinding[] = [];
    results.forEach((r, i) => {
      const error = classify(r.exit, r.stderr);
      if (error)
        findings.push({
          command: commandText(commands[i]!),
          sources: [...entries[i]!.sources].sort(),
          exitCode: r.exit,
          error,
        });
    });
    return { checked: commands.length, commands, findings };
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
}
