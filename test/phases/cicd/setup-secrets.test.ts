// scripts/setup-secrets.sh runs for real against a recording gcloud and ssh: every secret is
// created and granted to the accounts that mount it; values travel on stdin only, never in an
// argument or the output; the VM's database URL is never copied.
import { mkdir, readFile, writeFile } from "node:fs/promises";
import path from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { findShellcheck, shellcheck } from "../../../src/validate/shellcheck.js";
import { EXAMPLE } from "../../helpers/chain.js";
import { type SecretsHarness, secretsHarness } from "../../helpers/secrets-harness.js";

let harness: SecretsHarness;
const VM_ENV =
  "export SECRET_KEY='vm-secret-key-value'\nDATABASE_URL=mysql://app:vm-db-password@127.0.0.1/app\nGEMINI_API_KEY=vm-gemini\n";

beforeAll(async () => {
  harness = await secretsHarness(EXAMPLE("seed-vm"), "setup-secrets-");
});
afterAll(() => harness.dispose());

const setupSecrets = (args: string[], input: string, env: Record<string, string> = {}) =>
  harness.run(args, input, { FAKE_VM_ENV: VM_ENV, ...env });

describe("setup-secrets.sh", () => {
  it("--dry-run shows every command, reads no value and calls nothing", async () => {
    const r = await setupSecrets(["--dry-run"], "must-not-be-read\n");
    expect(r.exitCode).toBe(0);
    expect(r.calls).toBe("");
    expect(r.stdout).toContain(
      "+ gcloud secrets create DATABASE_URL --project acme-mvp-prod --replication-policy=automatic",
    );
    expect(r.stdout).toContain("+ gcloud secrets versions add SECRET_KEY --project acme-mvp-prod --data-file=-");
    expect(r.stdout).not.toContain("must-not-be-read");
  });

  it("creates each secret, adds each value from stdin only, and grants each account its own secrets", async () => {
    const r = await setupSecrets([], "stdin-db-url\nstdin-secret-key\n");
    expect(r.exitCode, r.stderr).toBe(0);
    expect(r.values).toBe("DATABASE_URL=stdin-db-url\nSECRET_KEY=stdin-secret-key\n");
    expect(r.calls).not.toMatch(/stdin-/);
    expect(r.output).not.toMatch(/stdin-/);
    const grants = r.calls.split("\n").filter((c) => c.includes("secretAccessor"));
    expect(grants.map((g) => g.split(" ").slice(2, 3)[0] + " " + /serviceAccount:([a-z-]+)@/.exec(g)![1])).toEqual([
      "DATABASE_URL web-app-prod-ai-worker-sa",
      "DATABASE_URL web-app-prod-sa",
      "DATABASE_URL web-app-prod-worker-sa",
      "SECRET_KEY web-app-prod-sa",
    ]);
  });

  it("--from-vm copies values from the VM's env file over ssh, but never its database URL", async () => {
    const r = await setupSecrets(
      ["--from-vm", "deploy@app-vm-01", "--env-file", "/etc/app/env"],
      "typed-cloud-sql-url\n",
    );
    expect(r.exitCode, r.stderr).toBe(0);
    expect(r.ssh).toBe("-o BatchMode=yes deploy@app-vm-01  cat -- '/etc/app/env'\n");
    expect(r.values).toBe("DATABASE_URL=typed-cloud-sql-url\nSECRET_KEY=vm-secret-key-value\n");
    expect(r.output).toContain(
      "DATABASE_URL: not copied from the VM (it points at the VM database); the Cloud SQL form is mysql://USER:PASSWORD@localhost/acme_mvp?unix_socket=/cloudsql/acme-mvp-prod:us-central1:web-app-prod-db",
    );
    expect(r.output).not.toMatch(/vm-secret-key-value|vm-db-password|vm-gemini/);
  });

  it("--from-vm stops, naming the setting, when the VM's value is empty (Secret Manager refuses an empty version)", async () => {
    const r = await setupSecrets(
      ["--from-vm", "deploy@app-vm-01", "--env-file", "/etc/app/env"],
      "typed-cloud-sql-url\n",
      { FAKE_VM_ENV: "SECRET_KEY=\nGEMINI_API_KEY=vm-gemini\n" },
    );
    expect(r.exitCode).toBe(2);
    expect(r.stderr).toContain("SECRET_KEY is empty in /etc/app/env on deploy@app-vm-01");
    expect(r.stderr).toContain("rerun infra-migrate init");
    expect(r.values).not.toContain("SECRET_KEY=");
  });

  describe("several env files (services that read different files on the VM)", () => {
    let vms = 0;
    const vmFiles = async (files: Record<string, string>) => {
      const root = path.join(harness.dir, `vm-${vms++}`);
      for (const [file, text] of Object.entries(files)) {
        await mkdir(path.dirname(path.join(root, file)), { recursive: true });
        await writeFile(path.join(root, file), text);
      }
      return root;
    };
    const args = ["--from-vm", "deploy@app-vm-01", "--env-file", "/etc/app/web.env", "--env-file", "/srv/app/.env"];

    it("reads each file once and takes a value from whichever file sets it", async () => {
      const root = await vmFiles({
        "etc/app/web.env": "DATABASE_URL=mysql://vm\n",
        "srv/app/.env": "SECRET_KEY=from-dotenv\n",
      });
      const r = await setupSecrets(args, "typed-cloud-sql-url\n", { FAKE_VM_DIR: root });
      expect(r.exitCode, r.stderr).toBe(0);
      expect(r.ssh.trim().split("\n")).toEqual([
        "-o BatchMode=yes deploy@app-vm-01  cat -- '/etc/app/web.env'",
        "-o BatchMode=yes deploy@app-vm-01  cat -- '/srv/app/.env'",
      ]);
      expect(r.values).toBe("DATABASE_URL=typed-cloud-sql-url\nSECRET_KEY=from-dotenv\n");
      expect(r.output).not.toContain("from-dotenv");
    });

    it("takes a setting both files give the same value", async () => {
      const root = await vmFiles({
        "etc/app/web.env": "SECRET_KEY=same\n",
        "srv/app/.env": "export SECRET_KEY='same'\n",
      });
      const r = await setupSecrets(args, "typed-cloud-sql-url\n", { FAKE_VM_DIR: root });
      expect(r.exitCode, r.stderr).toBe(0);
      expect(r.values).toContain("SECRET_KEY=same\n");
    });

    it("stops, naming both files and no value, when two files disagree (one secret holds one value)", async () => {
      const root = await vmFiles({
        "etc/app/web.env": "SECRET_KEY=web-value\n",
        "srv/app/.env": "SECRET_KEY=other-value\n",
      });
      const r = await setupSecrets(args, "typed-cloud-sql-url\n", { FAKE_VM_DIR: root });
      expect(r.exitCode).toBe(2);
      expect(r.stderr).toContain(
        "SECRET_KEY has different values in /etc/app/web.env and /srv/app/.env on deploy@app-vm-01",
      );
      expect(r.output).not.toMatch(/web-value|other-value/);
      expect(r.values).not.toContain("SECRET_KEY=");
    });

    it("names the file an empty value came from", async () => {
      const root = await vmFiles({ "etc/app/web.env": "OTHER=1\n", "srv/app/.env": "SECRET_KEY=\n" });
      const r = await setupSecrets(args, "typed-cloud-sql-url\n", { FAKE_VM_DIR: root });
      expect(r.exitCode).toBe(2);
      expect(r.stderr).toContain("SECRET_KEY is empty in /srv/app/.env on deploy@app-vm-01");
    });
  });

  it("keeps a secret that already has a value unless --rotate", async () => {
    const kept = await setupSecrets([], "", { EXISTS: "1" });
    expect(kept.exitCode).toBe(0);
    expect(kept.values).toBe("");
    expect(kept.stdout).toContain("SECRET_KEY already has a value");
    const rotated = await setupSecrets(["--rotate"], "new-key\n", { EXISTS: "1" });
    expect(rotated.values).toBe("SECRET_KEY=new-key\n");
    expect(rotated.calls).not.toContain("secrets create");
  });

  it("--rotate refuses the database URL: a typed password would not be the Cloud SQL user's", async () => {
    const r = await setupSecrets(["--rotate"], "typed-url\nnew-key\n", { EXISTS: "1" });
    // The other secrets rotate; the URL keeps its value, and the script says what changes both at once.
    expect(r.values).toBe("SECRET_KEY=typed-url\n");
    expect(r.exitCode).toBe(1);
    expect(r.stderr).toContain("DATABASE_URL: not rotated here (it must match the Cloud SQL user)");
    expect(r.stderr).toContain(
      "Not rotated: DATABASE_URL. Change the database password with: bash scripts/setup-database.sh --rotate-password",
    );
  });

  it("stops on an empty value instead of storing one", async () => {
    const r = await setupSecrets([], "\n");
    expect(r.exitCode).toBe(2);
    expect(r.stderr).toContain("no value for DATABASE_URL");
    expect(r.values).toBe("");
  });

  it.each([
    [["--from-vm", "deploy@vm"]],
    [["--from-vm", "x;id", "--env-file", "/etc/env"]],
    [["--from-vm", "deploy@vm", "--env-file", "relative/env"]],
    [["--from-vm", "deploy@vm", "--env-file", "/etc/env", "--env-file", "relative/env"]],
    [["--env-file", "/etc/env"]],
  ])("refuses %j (exit 2)", async (args) => {
    const r = await setupSecrets(args, "");
    expect(r.exitCode).toBe(2);
    expect(r.calls).toBe("");
  });

  it("passes shellcheck", async () => {
    if (!(await findShellcheck())) return;
    expect(await shellcheck(await readFile(harness.script, "utf8"))).toEqual([]);
  });
});
