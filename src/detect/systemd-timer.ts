// systemd `.timer` units: the service they start and their schedule as a 5-field cron expression
// (what Cloud Scheduler takes). A timer whose schedule has no exact cron equivalent (seconds, a
// time zone, several OnCalendar lines, boot-relative timers) is still reported, with the reason,
// so `init` can say why it asks.
import { jobSoftware } from "./crontab.js";
import { readUnitFile } from "./systemd.js";
import type { Evidence, ServiceFinding } from "./types.js";

export interface TimerFinding {
  /** The timer's own file name, e.g. `report.timer`. */
  timer: string;
  /** The unit it starts: `Unit=`, else the timer's name with `.service`. */
  unit: string;
  /** The systemd schedule as written, e.g. `OnCalendar=Mon..Fri 06:30`. */
  raw: string;
  /** 5-field cron (minute hour day-of-month month day-of-week), when there is an exact one. */
  schedule?: string;
  /** Why there is no `schedule`. */
  problem?: string;
  source: string;
}

export function parseSystemdTimer(text: string, file: string): TimerFinding | undefined {
  const timer = file.slice(file.lastIndexOf("/") + 1);
  // Template timers (name@.timer) start one instance per argument: nothing to map without it.
  if (timer.includes("@")) return undefined;
  const keys = readUnitFile(text).get("Timer") ?? new Map<string, string[]>();
  const unit = keys.get("Unit")?.at(-1) ?? timer.replace(/\.timer$/, ".service");
  const calendars = keys.get("OnCalendar") ?? [];
  const monotonic = ["OnUnitActiveSec", "OnUnitInactiveSec", "OnBootSec", "OnStartupSec", "OnActiveSec"].flatMap(
    (key) => (keys.get(key) ?? []).map((value) => `${key}=${value}`),
  );
  if (calendars.length === 0 && monotonic.length === 0) return undefined;
  const raw = [...calendars.map((value) => `OnCalendar=${value}`), ...monotonic].join("; ");
  const base = { timer, unit, raw, source: file };
  if (calendars.length > 1) return { ...base, problem: "several OnCalendar lines need several cron entries" };
  if (calendars.length === 1) {
    const converted = calendarToCron(calendars[0]!);
    return typeof converted === "string" ? { ...base, schedule: converted } : { ...base, problem: converted.problem };
  }
  const repeat = keys.get("OnUnitActiveSec") ?? keys.get("OnUnitInactiveSec");
  if (repeat?.length === 1 && monotonic.every((m) => /^On(Unit(Active|Inactive)|Boot|Startup)Sec=/.test(m))) {
    const converted = intervalToCron(repeat[0]!);
    if (typeof converted === "string") return { ...base, schedule: converted };
    return { ...base, problem: converted.problem };
  }
  return { ...base, problem: "a timer relative to boot or activation has no cron equivalent" };
}

type Converted = string | { problem: string };

const SHORTHANDS: Record<string, string> = {
  minutely: "* * * * *",
  hourly: "0 * * * *",
  daily: "0 0 * * *",
  weekly: "0 0 * * 1",
  monthly: "0 0 1 * *",
  quarterly: "0 0 1 1,4,7,10 *",
  semiannually: "0 0 1 1,7 *",
  yearly: "0 0 1 1 *",
  annually: "0 0 1 1 *",
};

const WEEKDAYS: Record<string, number> = { sun: 0, mon: 1, tue: 2, wed: 3, thu: 4, fri: 5, sat: 6 };

/** systemd.time(7) calendar events → cron, for the forms that have an exact equivalent. */
export function calendarToCron(expression: string): Converted {
  const text = expression.trim();
  const shorthand = SHORTHANDS[text.toLowerCase()];
  if (shorthand) return shorthand;
  const tokens = text.split(/\s+/);
  let weekday = "*";
  if (tokens.length > 0 && /^[A-Za-z]/.test(tokens[0]!)) {
    const token = tokens.shift()!;
    const days = weekdays(token);
    if (days === undefined) return { problem: `"${text}": unrecognised weekday "${token}"` };
    weekday = days;
  }
  let date = "*-*-*";
  let time = "00:00:00";
  for (const token of tokens) {
    if (token.includes(":")) time = token;
    else if (token.includes("-")) date = token;
    else return { problem: `"${text}": "${token}" (a time zone?) has no cron equivalent` };
  }
  const dateParts = date.split("-");
  if (dateParts.length === 2) dateParts.unshift("*");
  if (dateParts.length !== 3) return { problem: `"${text}": unrecognised date "${date}"` };
  const [year, month, day] = dateParts as [string, string, string];
  if (year !== "*") return { problem: `"${text}": a fixed year has no cron equivalent` };
  if (day.includes("~")) return { problem: `"${text}": days counted from the month's end have no cron equivalent` };
  const timeParts = time.split(":");
  if (timeParts.length < 2 || timeParts.length > 3) return { problem: `"${text}": unrecognised time "${time}"` };
  const [hour, minute, second = "00"] = timeParts as [string, string, string?];
  if (!/^0+(\.0+)?$/.test(second))
    return { problem: `"${text}": runs at second ${second}; cron has minute resolution` };
  const fields = [field(minute, 0, 59), field(hour, 0, 23), field(day, 1, 31), field(month, 1, 12)];
  const bad = fields.findIndex((f) => f === undefined);
  if (bad !== -1)
    return {
      problem: `"${text}": unrecognised ${["minute", "hour", "day", "month"][bad]} "${[minute, hour, day, month][bad]}"`,
    };
  return [...fields, weekday].join(" ");
}

/** `Mon..Fri`, `Sat,Sun`, `Mon,Wed..Fri` → `1-5`, `6,0`, `1,3-5`. */
function weekdays(text: string): string | undefined {
  const parts: string[] = [];
  for (const item of text.split(",")) {
    const [from, to, extra] = item.split("..");
    const a = WEEKDAYS[from!.slice(0, 3).toLowerCase()];
    if (a === undefined || extra !== undefined) return undefined;
    if (to === undefined) {
      parts.push(String(a));
      continue;
    }
    const b = WEEKDAYS[to.slice(0, 3).toLowerCase()];
    if (b === undefined) return undefined;
    // systemd weeks run Mon..Sun; cron numbers Sunday 0 and its ranges cannot wrap: Sat..Sun is 6,0.
    const span = (x: number, y: number) => (x === y ? `${x}` : `${x}-${y}`);
    parts.push(a <= b ? span(a, b) : `${span(a, 6)},${span(0, b)}`);
  }
  return parts.join(",");
}

/** One systemd calendar component (`*`, `5`, `1,15`, `8..18`, `0/15`, `*`/`2`) → a cron field. */
function field(text: string, min: number, max: number): string | undefined {
  const items: string[] = [];
  for (const item of text.split(",")) {
    const step = /^(\*|\d+)(?:\.\.(\d+))?(?:\/(\d+))?$/.exec(item);
    if (!step) return undefined;
    const [, start, end, every] = step;
    const numbers = [start, end].filter((n): n is string => n !== undefined && n !== "*").map(Number);
    if (numbers.some((n) => n < min || n > max) || (every !== undefined && Number(every) === 0)) return undefined;
    const from = start === "*" ? "*" : String(Number(start));
    const range = end !== undefined ? `${from}-${Number(end)}` : from;
    if (every === undefined) items.push(range);
    // systemd's `0/15` is "from 0 every 15" to the end of the range: cron says `*/15` or `5-59/15`.
    else if (end === undefined && (from === "*" || Number(from) === min)) items.push(`*/${Number(every)}`);
    else items.push(`${end === undefined ? `${from}-${max}` : range}/${Number(every)}`);
  }
  return items.join(",");
}

const UNIT_SECONDS: [RegExp, number][] = [
  [/^(s|sec|secs|second|seconds)$/, 1],
  [/^(m|min|mins|minute|minutes)$/, 60],
  [/^(h|hr|hour|hours)$/, 3600],
  [/^(d|day|days)$/, 86400],
];

/** `OnUnitActiveSec=15min` → `*\/15 * * * *` when the interval divides an hour or a day evenly. */
export function intervalToCron(text: string): Converted {
  let seconds = 0;
  const spans = text.trim().match(/\d+\s*[a-z]*/gi);
  if (!spans || spans.join("").replace(/\s/g, "") !== text.replace(/\s/g, ""))
    return { problem: `"${text}": unrecognised interval` };
  for (const span of spans) {
    const [, value, unit = "s"] = /^(\d+)\s*([a-z]*)$/i.exec(span)!;
    const factor = UNIT_SECONDS.find(([re]) => re.test(unit!.toLowerCase() || "s"))?.[1];
    if (factor === undefined) return { problem: `"${text}": unrecognised unit "${unit}"` };
    seconds += Number(value) * factor;
  }
  const minutes = seconds / 60;
  if (Number.isInteger(minutes) && minutes >= 1 && minutes < 60 && 60 % minutes === 0)
    return minutes === 1 ? "* * * * *" : `*/${minutes} * * * *`;
  const hours = seconds / 3600;
  if (Number.isInteger(hours) && hours >= 1 && hours < 24 && 24 % hours === 0)
    return hours === 1 ? "0 * * * *" : `0 */${hours} * * *`;
  if (seconds === 86400) return "0 0 * * *";
  return { problem: `"${text}": an interval of ${seconds} s does not divide an hour or a day evenly` };
}

/**
 * A unit a timer starts is a scheduled job, not a long-running service: it becomes a `cron`
 * service with the timer's schedule (or none, with the reason as evidence, so `init` asks).
 */
export function scheduleTimedUnits(units: ServiceFinding[], timers: TimerFinding[], evidence: Evidence[]): void {
  for (const timer of timers) {
    const unit = units.find((u) => u.systemdUnit === timer.unit);
    if (!unit) {
      evidence.push({ file: timer.source, found: `timer for ${timer.unit}, which is not in the repo (${timer.raw})` });
      continue;
    }
    unit.role = "cron";
    unit.scheduled = true;
    unit.listen = [];
    if (unit.command) unit.software = jobSoftware(unit.command);
    if (timer.schedule) unit.schedule = timer.schedule;
    evidence.push({
      file: timer.source,
      found: timer.schedule
        ? `cron ${unit.name}: ${timer.raw} → "${timer.schedule}"`
        : `cron ${unit.name}: ${timer.raw} has no exact cron form (${timer.problem}); give the schedule`,
    });
  }
}
