// A unit in /lib/systemd/system that the app's own package installed. A .deb of the app (Odoo's
// debian/odoo.service, installed by dh_installsystemd as /lib/systemd/system/odoo.service) puts its
// unit where the distribution's own units are (sshd, cron), which count only when their program is
// known (file-findings.ts marks the rest `packaged`). The repository shipping a unit of the same
// name that runs the same program is what says the VM's copy is the app's, not the distribution's.
// https://manpages.debian.org/bookworm/debhelper/dh_installsystemd.1.en.html
import path from "node:path";
import { basename } from "./command.js";
import type { ServiceFinding } from "./types.js";

/** The program a unit runs, by file name (`/usr/bin/odoo --config …` → odoo). */
const programOf = (f: ServiceFinding) => basename((f.command ?? "").split(/\s+/)[0] ?? "");

/**
 * Whether `unit` (read on the VM) is one the repository ships: a unit file of the same name in the
 * repository (debian/, dist/, contrib/systemd/…) whose ExecStart runs a program of the same name.
 */
export function repositoryShipsUnit(unit: ServiceFinding, findings: readonly ServiceFinding[]): boolean {
  const name = unit.systemdUnit;
  const program = programOf(unit);
  if (!unit.onHost || !name || !program) return false;
  return findings.some(
    (f) =>
      !f.onHost &&
      f.systemdUnit === name &&
      /\.service$/.test(path.posix.basename(f.source)) &&
      programOf(f) === program,
  );
}
