// Runs a generated setup script in the gcloud sandbox of gcloud-extract.ts (the same shims) in the
// world right after a first deploy that left some targets out: everything the setup scripts create
// exists, and of Cloud Run's services and jobs only the ones named. A script that acts on a target
// the deploy held would find it missing there (and stop, or grant on nothing).
import { spawn } from "node:child_process";
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";

const SHIMS = path.join(import.meta.dirname, "gcloud-shims");

export interface WorldRun {
  exitCode: number;
  stderr: string;
  /** argv after `gcloud` of every call the script made. */
  calls: string[][];
}

export function runWhereDeployed(
  script: string,
  cwd: string,
  deployed: string[],
  args: string[] = [],
): Promise<WorldRun> {
  const dir = mkdtempSync(path.join(tmpdir(), "deployed-world-"));
  const log = path.join(dir, "calls");
  // The shim's record of what exists beside its world: these services and jobs were deployed.
  writeFileSync(`${log}.deployed`, deployed.map((n) => `${n}\n`).join(""));
  const bashEnv = path.join(dir, "bash-env");
  writeFileSync(bashEnv, `__gcloud_sourcing=1\n. '${SHIMS}/gcloud'\nunset __gcloud_sourcing\nsleep() { :; }\n`);
  const env = {
    PATH: `${SHIMS}:/usr/bin:/bin`,
    HOME: dir,
    GCLOUD_CALLS: log,
    GCLOUD_WORLD: "first-deploy",
    BASH_ENV: bashEnv,
  };
  return new Promise((resolve, reject) => {
    const child = spawn("bash", [script, ...args], { cwd, env, stdio: ["pipe", "ignore", "pipe"] });
    let stderr = "";
    child.stderr.setEncoding("utf8").on("data", (c: string) => (stderr += c));
    child.stdin.on("error", () => undefined);
    child.stdin.end("fake-secret-value\n".repeat(100));
    child.on("error", reject);
    child.on("close", (code) => {
      const raw = (() => {
        try {
          return readFileSync(log, "utf8");
        } catch {
          return "";
        }
      })();
      rmSync(dir, { recursive: true, force: true });
      const calls = raw
        .split("\x1e")
        .filter(Boolean)
        .map((r) => r.split("\x1f").slice(0, -1));
      resolve({ exitCode: code ?? 1, stderr, calls });
    });
  });
}
