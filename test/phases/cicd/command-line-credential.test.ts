// A job whose VM command line held a credential (image/command-credentials.ts): the deploy runs it
// through sh -c reading the secret's env var, and setup-secrets.sh asks for that secret's value
// instead of looking for it in the VM's env files.
import { describe, expect, it } from "vitest";
import type { Deployment } from "../../../src/contracts/deployment.js";
import { deployFlags, shellWord } from "../../../src/phases/cicd/deploy-flags.js";
import { secretsView } from "../../../src/phases/cicd/setup-views.js";
import { seedDeployment } from "./fixtures.js";

const SCRIPT = 'exec bundle exec rake mail:receive user=bot@example.com password="$RAKE_MAIL_PASSWORD"';

function withJob(command: string[]): Deployment {
  const dep = seedDeployment();
  dep.services.push({
    ...dep.services[1]!,
    name: "rake-mail-receive",
    kind: "job",
    serviceAccount: "rake-mail-sa",
    secrets: ["DATABASE_URL", "RAKE_MAIL_PASSWORD"],
    command,
  });
  return dep;
}

describe("a job carrying a command line's credential", () => {
  const dep = withJob(["sh", "-c", SCRIPT]);
  const job = dep.services.at(-1)!;

  it("deploys sh -c with the script, the secret beside it, single-quoted for the workflow", () => {
    const flags = deployFlags(job, dep);
    expect(flags).toContain("--command=sh");
    expect(flags).toContain(`--args=-c,${SCRIPT}`);
    expect(flags.find((f) => f.startsWith("--set-secrets="))).toContain("RAKE_MAIL_PASSWORD=RAKE_MAIL_PASSWORD:latest");
    expect(shellWord(`--args=-c,${SCRIPT}`)).toBe(`'--args=-c,${SCRIPT}'`);
  });

  it("is asked for by setup-secrets.sh, never looked up in the VM's env files", () => {
    const view = secretsView(dep)!;
    expect(view.secrets).toContain("RAKE_MAIL_PASSWORD");
    expect(view.commandLineSecrets).toEqual(["RAKE_MAIL_PASSWORD"]);
    expect(view.vmEnvNames).not.toContain("RAKE_MAIL_PASSWORD");
  });

  it.each([[["bundle", "exec", "rake", "password=%CREDENTIAL%"]], [["sh", "-c", 'exec rake password="$X"; id']]])(
    "refuses a command that would deploy a credential's placeholder or more shell: %j",
    (command) => {
      const bad = withJob(command);
      expect(() => deployFlags(bad.services.at(-1)!, bad)).toThrow(/Unsafe deploy flag/);
    },
  );
});
