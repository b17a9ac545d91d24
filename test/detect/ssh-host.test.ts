import { execa } from "execa";
import path from "node:path";
import { describe, expect, it } from "vitest";
import { parseSshTarget, REMOTE_SCRIPT } from "../../src/detect/ssh-host.js";

const HOST = path.resolve(import.meta.dirname, "../fixtures/hosts/vm1");
const hasShellcheck = await execa("shellcheck", ["--version"], { reject: false }).then(
  (r) => r.exitCode === 0,
  () => false,
);
if (!hasShellcheck)
  console.warn("skipping the shellcheck case of ssh-host: shellcheck not installed (apt-get install -y shellcheck)");

describe("parseSshTarget", () => {
  it.each([
    ["ssh://app-vm-01", { destination: "app-vm-01" }],
    ["ssh://deploy@app-vm-01", { destination: "deploy@app-vm-01" }],
    ["ssh://deploy@10.0.0.5:2222", { destination: "deploy@10.0.0.5", port: 2222 }],
    ["ssh://deploy@app.example.com/", { destination: "deploy@app.example.com" }],
  ])("%s", (url, target) => expect(parseSshTarget(url)).toEqual(target));

  it.each([
    "ssh://",
    "ssh://a b",
    "ssh://host:99999",
    "ssh://user@host;rm -rf /",
    "ssh://-oProxyCommand=x",
    "ssh://-oProxyCommand",
    "ssh://-user@host",
    "http://host",
  ])("rejects %s", (url) => {
    expect(parseSshTarget(url)).toBeUndefined();
  });
});

describe("the script run on the VM", () => {
  it.skipIf(!hasShellcheck)("passes shellcheck as POSIX sh", async () => {
    const r = await execa("shellcheck", ["-s", "sh", "-"], { input: REMOTE_SCRIPT, reject: false });
    expect(r.stdout).toBe("");
    expect(r.exitCode).toBe(0);
  });

  it("streams the unit, site and crontab files with their link targets, and only the names of env files", async () => {
    const r = await execa("sh", ["-s"], {
      input: REMOTE_SCRIPT,
      env: { IM_ROOT: HOST, PATH: `${path.resolve(import.meta.dirname, "../helpers/fake-bin")}:${process.env.PATH}` },
    });
    const [archive, facts, listeners] = r.stdout.split("--infra-migrate-facts--\n");
    const list = await execa("tar", ["-tf", "-"], { input: Buffer.from(archive!.replace(/\s+/g, ""), "base64") });
    const names = list.stdout.split("\n");
    for (const file of [
      "etc/systemd/system/api.service",
      "etc/systemd/system/api.service.d/override.conf",
      "lib/systemd/system/nginx.service",
      "etc/nginx/sites-available/app",
      "var/spool/cron/crontabs/app",
      "srv/app/requirements.txt",
      "etc/hostname",
    ]) {
      expect(names, file).toContain(file);
    }
    // The app's environment file stays on the VM: its names travel, its values do not.
    expect(names).not.toContain("etc/app/env");
    expect(r.stdout).not.toMatch(/changeme|not-a-real-secret/);
    expect(facts).toContain("envfile=/etc/app/env:GEMINI_API_KEY SECRET_KEY REDIS_URL");
    expect(facts).toMatch(/^cpus=4$/m);
    expect(facts).toMatch(/^memkb=16370120$/m);
    expect(listeners).toContain('users:(("mysqld"');
  });
});
