// The mail server on the VM: by its unit (a distribution's, dropped from the services), its
// package, or its main config file, for each MTA a single VM runs.
import { mkdir, mkdtemp, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import path from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { readLocalMta } from "../../src/detect/local-mta.js";
import type { ServiceFinding } from "../../src/detect/types.js";

const temps: string[] = [];
afterAll(() => Promise.all(temps.map((d) => rm(d, { recursive: true, force: true }))));

async function vm(files: string[]): Promise<string> {
  const root = await mkdtemp(path.join(tmpdir(), "im-mta-"));
  temps.push(root);
  for (const f of files) {
    await mkdir(path.dirname(path.join(root, f)), { recursive: true });
    await writeFile(path.join(root, f), "# config\n");
  }
  return root;
}

const unit = (systemdUnit: string, onHost = true) =>
  ({
    name: systemdUnit.replace(/\..*/, ""),
    role: "other",
    software: "unknown",
    listen: [],
    source: `/lib/systemd/system/${systemdUnit}`,
    systemdUnit,
    onHost,
    packaged: true,
  }) as ServiceFinding;

describe("readLocalMta", () => {
  it.each([
    ["postfix's unit", [unit("postfix.service")], [], "postfix", "/lib/systemd/system/postfix.service"],
    ["postfix's instance unit", [unit("postfix@-.service")], [], "postfix", "/lib/systemd/system/postfix@-.service"],
    ["exim4's unit", [unit("exim4.service")], [], "exim4", "/lib/systemd/system/exim4.service"],
    ["OpenSMTPD's unit", [unit("opensmtpd.service")], [], "opensmtpd", "/lib/systemd/system/opensmtpd.service"],
    ["nullmailer's unit", [unit("nullmailer.service")], [], "nullmailer", "/lib/systemd/system/nullmailer.service"],
    ["postfix's main.cf", [], ["etc/postfix/main.cf"], "postfix", "/etc/postfix/main.cf"],
    ["exim4's Debian config", [], ["etc/exim4/update-exim4.conf.conf"], "exim4", "/etc/exim4/update-exim4.conf.conf"],
    ["OpenSMTPD's smtpd.conf", [], ["etc/smtpd.conf"], "opensmtpd", "/etc/smtpd.conf"],
    ["nullmailer's remotes", [], ["etc/nullmailer/remotes"], "nullmailer", "/etc/nullmailer/remotes"],
    ["msmtp's msmtprc (no daemon)", [], ["etc/msmtprc"], "msmtp", "/etc/msmtprc"],
    ["ssmtp's ssmtp.conf (no daemon)", [], ["etc/ssmtp/ssmtp.conf"], "ssmtp", "/etc/ssmtp/ssmtp.conf"],
  ])("%s", async (_name, findings, files, name, source) => {
    expect(await readLocalMta(await vm(files), findings, new Map(), undefined)).toEqual({ name, source });
  });

  it("by its package when neither unit nor config file is read", async () => {
    const packages = new Map([["exim4-daemon-light", "4.96-15+deb12u4"]]);
    expect(await readLocalMta(await vm([]), [], packages, "/var/lib/dpkg/status")).toEqual({
      name: "exim4",
      source: "/var/lib/dpkg/status (exim4-daemon-light)",
    });
  });

  it("none on a VM without one: sshd and cron, a repository's sample unit, other servers' packages", async () => {
    const packages = new Map([["nginx", "1.22.1-9"]]);
    const findings = [unit("ssh.service"), unit("cron.service"), unit("postfix.service", false)];
    expect(await readLocalMta(await vm(["etc/nginx/nginx.conf"]), findings, packages, undefined)).toBeUndefined();
  });
});
