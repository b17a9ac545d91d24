import { describe, expect, it } from "vitest";
import { cronArgv } from "../../../src/phases/design/rules/cron-command.js";

describe("cronArgv: a VM's cron command as a Cloud Run job's argv", () => {
  it.each([
    [
      "/srv/app/.venv/bin/python manage.py send_sales_report",
      ["python", "manage.py", "send_sales_report"],
      ["/srv/app/.venv/bin/python → python"],
    ],
    [
      "cd /srv/app && .venv/bin/python manage.py clearsessions >> /var/log/cron.log 2>&1",
      ["python", "manage.py", "clearsessions"],
      ["cd /srv/app", ">> /var/log/cron.log", "2>&1", ".venv/bin/python → python"],
    ],
    [
      "/usr/bin/python3 -m app.jobs.report --days=7 >/dev/null",
      ["python3", "-m", "app.jobs.report", "--days=7"],
      [">/dev/null", "/usr/bin/python3 → python3"],
    ],
    [
      "/opt/app/venv/bin/celery -A app.tasks call app.tasks.cleanup",
      ["celery", "-A", "app.tasks", "call", "app.tasks.cleanup"],
      ["/opt/app/venv/bin/celery → celery"],
    ],
    ["/usr/local/bin/backup-db.sh", ["/usr/local/bin/backup-db.sh"], []],
    ["node scripts/rollup.js", ["node", "scripts/rollup.js"], []],
  ])("%s", (command, argv, dropped) => {
    expect(cronArgv(command)).toEqual({ ok: true, argv, dropped });
  });

  it.each([
    [undefined, /no command/],
    ["  ", /no command/],
    [">> /var/log/x.log", /nothing left/],
    ["python manage.py report | mail -s report ops@example.com", /"\|" needs a shell/],
    ["cd /srv/app && python a.py && python b.py", /"&&" needs a shell/],
    ["python manage.py report --since=$(date +%F)", /needs a shell/],
    ["DJANGO_SETTINGS_MODULE=prod python manage.py x", /sets DJANGO_SETTINGS_MODULE inline/],
  ])("%j is reported, not guessed (%s)", (command, reason) => {
    const result = cronArgv(command);
    expect(result.ok).toBe(false);
    expect((result as { reason: string }).reason).toMatch(reason);
  });
});
