// A mail server on the VM itself (postfix, exim4, OpenSMTPD, nullmailer, msmtp, ssmtp): an app that
// hands it mail (localhost:25, /usr/sbin/sendmail, or its framework's default when no host is set)
// depends on a program that stays behind at the cut-over. Its unit is a distribution's, dropped
// with sshd and cron, so it is read here on its own: by its unit, its package or its main config
// file (existence only: nullmailer's remotes, msmtprc and ssmtp.conf hold relay passwords).
import type { LocalMtaName } from "../inventory/schema.js";
import type { ServiceFinding } from "./types.js";
import { statInRoot } from "./host.js";

export interface LocalMta {
  name: LocalMtaName;
  /** What says it is there: a unit, a package or a config file. */
  source: string;
}

/** The MTAs' main config files, relative to the host root; the ssh read sends only that each exists. */
export const MTA_FILES: readonly (readonly [file: string, name: LocalMtaName])[] = [
  ["etc/postfix/main.cf", "postfix"],
  ["etc/exim4/update-exim4.conf.conf", "exim4"],
  ["etc/smtpd.conf", "opensmtpd"],
  ["etc/opensmtpd/smtpd.conf", "opensmtpd"],
  ["etc/nullmailer/remotes", "nullmailer"],
  ["etc/msmtprc", "msmtp"],
  ["etc/ssmtp/ssmtp.conf", "ssmtp"],
];

/** Debian's and Alpine's packages of each (host-packages.ts sends their stanzas over ssh). */
export const MTA_PACKAGES = "postfix|exim4-daemon-light|exim4-daemon-heavy|opensmtpd|nullmailer|msmtp-mta|ssmtp";
const PACKAGE_MTA: Record<string, LocalMtaName> = {
  postfix: "postfix",
  "exim4-daemon-light": "exim4",
  "exim4-daemon-heavy": "exim4",
  opensmtpd: "opensmtpd",
  nullmailer: "nullmailer",
  "msmtp-mta": "msmtp",
  ssmtp: "ssmtp",
};

const UNIT_MTA: Record<string, LocalMtaName> = {
  postfix: "postfix",
  exim4: "exim4",
  opensmtpd: "opensmtpd",
  nullmailer: "nullmailer",
  msmtpd: "msmtp",
};
/** Units by name (Debian's postfix.service wraps postfix@-.service; exim4's and the others' are plain). */
const UNIT = /^(postfix(@[^.]*)?|exim4|opensmtpd|nullmailer|msmtpd)\.service$/;

/** The MTA on the VM, by its unit, then its package, then its config file; undefined when none. */
export async function readLocalMta(
  root: string,
  findings: readonly ServiceFinding[],
  packages: ReadonlyMap<string, string>,
  packageSource: string | undefined,
): Promise<LocalMta | undefined> {
  for (const f of findings) {
    const m = f.onHost && f.systemdUnit ? UNIT.exec(f.systemdUnit) : null;
    if (m) return { name: UNIT_MTA[m[1]!.replace(/@.*/, "")]!, source: f.source };
  }
  for (const [pkg] of packages)
    if (PACKAGE_MTA[pkg]) return { name: PACKAGE_MTA[pkg], source: `${packageSource ?? "packages"} (${pkg})` };
  for (const [file, name] of MTA_FILES)
    if ((await statInRoot(root, file))?.isFile()) return { name, source: `/${file}` };
  return undefined;
}
