import { describe, expect, it } from "vitest";
import { CRONTAB_CANDIDATE, jobName, parseCrontab } from "../../src/detect/crontab.js";

describe("parseCrontab", () => {
  it("reads user-format lines: schedule, command, a name and what runs it; variables and comments are skipped", () => {
    const tab = parseCrontab(
      [
        "MAILTO=ops@example.com",
        "# nightly",
        "15 1 * * * cd /srv/app && .venv/bin/python manage.py rebuild_index >> /var/log/index.log 2>&1",
        "*/10 * * * * /srv/app/.venv/bin/python -m shop.jobs.sync_stock",
        "@weekly /srv/app/bin/rotate-exports.sh",
        "0 5 * * * date +\\%F",
      ].join("\n"),
      "deploy/crontab",
    );
    expect(tab.skipped).toEqual([]);
    expect(tab.jobs.map((j) => [j.name, j.software, j.schedule, j.command])).toEqual([
      [
        "rebuild-index",
        "django",
        "15 1 * * *",
        "cd /srv/app && .venv/bin/python manage.py rebuild_index >> /var/log/index.log 2>&1",
      ],
      ["sync-stock", "python", "*/10 * * * *", "/srv/app/.venv/bin/python -m shop.jobs.sync_stock"],
      ["rotate-exports", "bash", "@weekly", "/srv/app/bin/rotate-exports.sh"],
      ["date", "date", "0 5 * * *", "date +%F"],
    ]);
    expect(tab.jobs.every((j) => j.role === "cron" && j.source === "deploy/crontab" && j.listen.length === 0)).toBe(
      true,
    );
  });

  it("reads the job from the statement that does the work, past the shell set-up before it", () => {
    // pretix's documented crontab line: the PATH export and the cd only prepare the shell.
    const tab = parseCrontab(
      "15,45 * * * * export PATH=/var/pretix/venv/bin:$PATH && cd /var/pretix && python -m pretix runperiodic\n",
      "var/spool/cron/crontabs/pretix",
    );
    expect(tab.jobs.map((j) => [j.name, j.software, j.process?.runtime])).toEqual([
      ["runperiodic", "python", "python"],
    ]);
  });

  it("reads the user field of cron.d files and keeps names unique", () => {
    const tab = parseCrontab(
      "0 * * * * app /srv/app/bin/report.sh\n30 * * * * root /srv/app/bin/report.sh --full\n",
      "etc/cron.d/shop",
    );
    expect(tab.jobs.map((j) => [j.name, j.command])).toEqual([
      ["report", "/srv/app/bin/report.sh"],
      ["report-2", "/srv/app/bin/report.sh --full"],
    ]);
  });

  it("says why a line is not taken", () => {
    const tab = parseCrontab(
      "@reboot /srv/app/bin/warm.sh\n61 * * * * x\n0 0 * * * mail -s hi ops%body\nnot a line\n",
      "app.cron",
    );
    expect(tab.jobs).toEqual([]);
    expect(tab.skipped).toEqual([
      "line 1: @reboot runs at boot, not on a schedule",
      "line 2: not a crontab entry",
      'line 3: "%" in the command feeds stdin in crontab; move the command into a script',
      "line 4: not a crontab entry",
    ]);
  });

  it.each([
    ["python manage.py send_sales_report", "send-sales-report"],
    ["python -m app.jobs.clean_up --all", "clean-up"],
    // A package run as a program with a subcommand: the subcommand is the job.
    ["python -m pretix runperiodic", "runperiodic"],
    ["export PATH=/srv/venv/bin:$PATH && cd /srv && python -m shop send_reminders", "send-reminders"],
    ["/opt/bin/backup_db.sh", "backup-db"],
    ["node scripts/rollup.js", "rollup"],
    ["curl -fsS https://example.com/ping", "curl"],
    // Subcommands name the job (Mastodon's documented tootctl cleanups), wrappers do not.
    ["RAILS_ENV=production /home/mastodon/live/bin/tootctl media remove", "tootctl-media-remove"],
    ["bin/tootctl preview_cards remove --days 14", "tootctl-preview-cards-remove"],
    ["bundle exec rake maintenance:cleanup", "rake-maintenance-cleanup"],
    ["/usr/bin/certbot renew --quiet", "certbot-renew"],
    ["bin/rails runner 'Digest.deliver_all'", "rails-runner"],
    ["find /var/tmp/app -mtime +7 -delete", "find"],
  ])("names %s %s", (command, name) => expect(jobName(command)).toBe(name));

  it.each([
    ["crontab", true],
    ["deploy/crontab", true],
    ["ops/app.cron", true],
    ["ops/app.crontab", true],
    ["etc/cron.d/shop", true],
    ["etc/cron.d/shop.dpkg-old", false],
    ["src/cron.py", false],
    ["docs/crontab.md", false],
  ])("%s is a crontab candidate: %s", (file, yes) => expect(CRONTAB_CANDIDATE.test(file)).toBe(yes));
});
