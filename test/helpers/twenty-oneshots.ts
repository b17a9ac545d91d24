// Twenty's corpus VM with oneshot units of its CLI beside its server: `yarn command:prod upgrade` and
// `cron:register:all` (run once at boot, no timer), `cleanup` started daily by a timer, and any extra
// oneshot units a test names. For the tests that follow such units from the VM's read to the design.
import { cp, writeFile } from "node:fs/promises";
import path from "node:path";

const TWENTY_VM = path.resolve(import.meta.dirname, "../fixtures/real/twenty/vm");

/** A unit file of Twenty's shape: its user and working folder, `envFile` its .env too. */
export const twentyUnit = (type: string, command: string, envFile = false): string =>
  `[Unit]\nAfter=postgresql.service\n\n[Service]\nType=${type}\nUser=twenty\nWorkingDirectory=/opt/twenty/packages/twenty-server\n${envFile ? "EnvironmentFile=/opt/twenty/packages/twenty-server/.env\n" : ""}ExecStart=${command}\n\n[Install]\nWantedBy=multi-user.target\n`;

/**
 * Copies Twenty's VM into `root` (an existing folder) and adds the oneshot units: upgrade and
 * cron-register, cleanup with its daily timer, and `extra` (unit name → command).
 */
export async function writeTwentyOneShots(
  root: string,
  { envFile = false, extra = {} }: { envFile?: boolean; extra?: Record<string, string> } = {},
): Promise<void> {
  await cp(TWENTY_VM, root, { recursive: true });
  const etc = path.join(root, "etc/systemd/system");
  const units: Record<string, string> = {
    "twenty-upgrade": "/usr/bin/yarn command:prod upgrade",
    "twenty-cron-register": "/usr/bin/yarn command:prod cron:register:all",
    ...extra,
    "twenty-cleanup": "/usr/bin/yarn command:prod cleanup",
  };
  for (const [name, command] of Object.entries(units))
    await writeFile(path.join(etc, `${name}.service`), twentyUnit("oneshot", command, envFile));
  await writeFile(
    path.join(etc, "twenty-cleanup.timer"),
    "[Timer]\nOnCalendar=daily\n\n[Install]\nWantedBy=timers.target\n",
  );
}
