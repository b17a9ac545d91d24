import { describe, expect, it } from "vitest";
import { calendarToCron, intervalToCron, parseSystemdTimer } from "../../src/detect/systemd-timer.js";

describe("calendarToCron (systemd.time OnCalendar → 5-field cron)", () => {
  it.each([
    ["daily", "0 0 * * *"],
    ["hourly", "0 * * * *"],
    ["weekly", "0 0 * * 1"],
    ["Monthly", "0 0 1 * *"],
    ["quarterly", "0 0 1 1,4,7,10 *"],
    ["*-*-* 02:30:00", "30 2 * * *"],
    ["02:30", "30 2 * * *"],
    ["Mon..Fri *-*-* 06:30:00", "30 6 * * 1-5"],
    ["Sat,Sun 10:00", "0 10 * * 6,0"],
    ["Fri..Mon 23:00", "0 23 * * 5-6,0-1"],
    ["Mon,Wed..Fri 9:05", "5 9 * * 1,3-5"],
    ["Mon", "0 0 * * 1"],
    ["*:0/15", "*/15 * * * *"],
    ["*:00/15:00", "*/15 * * * *"],
    ["*:5/20", "5-59/20 * * * *"],
    ["8..18:00", "0 8-18 * * *"],
    ["*-*-01 04:00", "0 4 1 * *"],
    ["*-1,7-1 00:00", "0 0 1 1,7 *"],
    ["*-*-1,15 12:00:00", "0 12 1,15 * *"],
  ])("%s → %s", (calendar, cron) => {
    expect(calendarToCron(calendar)).toBe(cron);
  });

  it.each([
    ["*-*-* 02:00:30", /second 30/],
    ["2027-01-01 00:00", /fixed year/],
    ["*-*~03 00:00", /month's end/],
    ["*-*-* 03:00 Europe/Berlin", /time zone/],
    ["Someday 03:00", /weekday "Someday"/],
    ["*-*-* 25:00", /hour "25"/],
    ["*-*-* 03:61", /minute "61"/],
  ])("%s has no exact cron form (%s)", (calendar, reason) => {
    const result = calendarToCron(calendar);
    expect(typeof result).toBe("object");
    expect((result as { problem: string }).problem).toMatch(reason);
  });
});

describe("intervalToCron (OnUnitActiveSec)", () => {
  it.each([
    ["15min", "*/15 * * * *"],
    ["1m", "* * * * *"],
    ["900", "*/15 * * * *"],
    ["1h", "0 * * * *"],
    ["6 hours", "0 */6 * * *"],
    ["1h 30min", undefined],
    ["7min", undefined],
    ["1d", "0 0 * * *"],
    ["5 parsecs", undefined],
  ])("%s → %s", (interval, cron) => {
    const result = intervalToCron(interval);
    if (cron) expect(result).toBe(cron);
    else expect(typeof result).toBe("object");
  });
});

describe("parseSystemdTimer", () => {
  it("reads OnCalendar and the unit from the timer's own name", () => {
    expect(
      parseSystemdTimer(
        "[Unit]\nDescription=x\n\n[Timer]\nOnCalendar=Mon..Fri 06:30\nPersistent=true\n",
        "deploy/systemd/report.timer",
      ),
    ).toEqual({
      timer: "report.timer",
      unit: "report.service",
      raw: "OnCalendar=Mon..Fri 06:30",
      schedule: "30 6 * * 1-5",
      source: "deploy/systemd/report.timer",
    });
  });

  it("honours Unit= and ignores keys outside [Timer]", () => {
    const timer = parseSystemdTimer(
      "[Unit]\nOnCalendar=hourly\n[Timer]\nUnit=send-mail.service\nOnCalendar=daily\n",
      "mail.timer",
    );
    expect(timer).toMatchObject({ unit: "send-mail.service", schedule: "0 0 * * *" });
  });

  it("an empty OnCalendar= resets the list, as in systemd", () => {
    expect(parseSystemdTimer("[Timer]\nOnCalendar=hourly\nOnCalendar=\nOnCalendar=weekly\n", "t.timer")).toMatchObject({
      schedule: "0 0 * * 1",
    });
  });

  it("several OnCalendar lines are reported, not merged", () => {
    const timer = parseSystemdTimer("[Timer]\nOnCalendar=Mon 08:00\nOnCalendar=Fri 17:00\n", "t.timer")!;
    expect(timer.schedule).toBeUndefined();
    expect(timer.problem).toMatch(/several OnCalendar/);
    expect(timer.raw).toBe("OnCalendar=Mon 08:00; OnCalendar=Fri 17:00");
  });

  it("a repeating monotonic timer becomes an interval; a boot-only one cannot", () => {
    expect(parseSystemdTimer("[Timer]\nOnBootSec=5min\nOnUnitActiveSec=10min\n", "t.timer")).toMatchObject({
      schedule: "*/10 * * * *",
    });
    expect(parseSystemdTimer("[Timer]\nOnBootSec=5min\n", "t.timer")).toMatchObject({
      problem: expect.stringMatching(/boot/),
    });
  });

  it("skips template timers and timers without a schedule", () => {
    expect(parseSystemdTimer("[Timer]\nOnCalendar=daily\n", "backup@.timer")).toBeUndefined();
    expect(parseSystemdTimer("[Timer]\nPersistent=true\n", "t.timer")).toBeUndefined();
  });
});
