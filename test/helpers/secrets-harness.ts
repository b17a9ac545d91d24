// scripts/setup-secrets.sh run for real in a temp folder, against a recording gcloud and a fake
// ssh: what the tests of its --from-vm sources and of its gcloud calls share.
import { mkdir, mkdtemp, readFile, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import path from "node:path";
import { execa } from "execa";
import { offlineCicd } from "../../src/phases/cicd/offline.js";
import { CICD_PATHS, renderCicd } from "../../src/phases/cicd/render.js";
import { chainFile } from "./chain.js";
import { RECORDING_GCLOUD, writePrograms } from "./recording-gcloud.js";

/**
 * The fake ssh logs its arguments; a units' `systemctl show` gets FAKE_VM_UNIT (their Environment=);
 * with FAKE_VM_DIR it prints the file the remote `cat -- 'PATH'` names, under that folder; else
 * FAKE_VM_ENV, whatever file was asked for.
 */
const FAKE_SSH = [
  "#!/usr/bin/env bash",
  `printf '%s\\n' "$*" >>"$LOG_DIR/ssh.log"`,
  `case "\${*: -1}" in *"systemctl show"*) printf '%s' "\${FAKE_VM_UNIT:-}"; exit 0 ;; esac`,
  `if [[ -n \${FAKE_VM_DIR:-} ]]; then f=\${*: -1}; f=\${f#*"cat -- '"}; cat -- "$FAKE_VM_DIR/\${f%"'"}"; else printf '%s' "$FAKE_VM_ENV"; fi`,
  "",
].join("\n");

export interface SecretsRun {
  exitCode: number | undefined;
  stdout: string;
  stderr: string;
  output: string;
  /** The gcloud calls, one a line. */
  calls: string;
  /** NAME=value of each secret value gcloud read on stdin. */
  values: string;
  ssh: string;
}

export interface SecretsHarness {
  /** The folder holding the script and the fake programs. */
  dir: string;
  script: string;
  run(args: string[], input: string, env?: Record<string, string>): Promise<SecretsRun>;
  dispose(): Promise<void>;
}

/** The setup-secrets.sh the offline chain writes for `inventory`, ready to run. */
export async function secretsHarness(inventory: string, prefix: string): Promise<SecretsHarness> {
  const dir = await mkdtemp(path.join(tmpdir(), prefix));
  const { input } = chainFile(inventory);
  const script = path.join(dir, "setup-secrets.sh");
  const artifacts = renderCicd(offlineCicd(input), input);
  await writeFile(script, artifacts.find((a) => a.path === CICD_PATHS.setupSecrets)!.content);
  // What the script sources, where it looks for it: lib/ beside it.
  await mkdir(path.join(dir, "lib"));
  await writeFile(
    path.join(dir, path.relative("scripts", CICD_PATHS.vmSettingsLib)),
    artifacts.find((a) => a.path === CICD_PATHS.vmSettingsLib)!.content,
  );
  const fakes = await writePrograms(dir, { gcloud: RECORDING_GCLOUD, ssh: FAKE_SSH });
  let n = 0;
  return {
    dir,
    script,
    async run(args, stdin, env = {}) {
      const logDir = path.join(dir, `run-${n++}`);
      await mkdir(logDir);
      const r = await execa("bash", [script, ...args], {
        input: stdin,
        reject: false,
        extendEnv: false,
        env: { ...fakes, PATH: `${dir}:/usr/bin:/bin`, LOG_DIR: logDir, FAKE_VM_ENV: "", ...env },
      });
      const read = (f: string) => readFile(path.join(logDir, f), "utf8").catch(() => "");
      return {
        exitCode: r.exitCode,
        stdout: String(r.stdout),
        stderr: String(r.stderr),
        output: `${r.stdout}\n${r.stderr}`,
        calls: await read("gcloud.log"),
        values: await read("stdin.log"),
        ssh: await read("ssh.log"),
      };
    },
    dispose: () => rm(dir, { recursive: true, force: true }),
  };
}
