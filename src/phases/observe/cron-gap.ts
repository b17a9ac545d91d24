// The longest silence a healthy scheduled job has between two runs, from its five-field cron
// expression: a freshness check may only fire after that. Day-of-month and month restrictions
// (monthly, quarterly jobs) are longer than any absence window Cloud Monitoring evaluates, so
// they return undefined and get a failure alert only.

function expand(field: string, min: number, max: number): number[] | undefined {
  const values = new Set<number>();
  for (const item of field.split(",")) {
    const [range, stepText] = item.split("/");
    const step = stepText === undefined ? 1 : Number(stepText);
    if (!Number.isInteger(step) || step < 1) return undefined;
    let [lo, hi] = [min, max];
    if (range !== "*") {
      const [a, b] = range!.split("-").map(Number);
      if (!Number.isInteger(a)) return undefined;
      lo = a!;
      hi = b === undefined ? (stepText === undefined ? a! : max) : b;
    }
    if (lo < min || hi > max || lo > hi) return undefined;
    for (let v = lo; v <= hi; v += step) values.add(v);
  }
  return [...values].sort((x, y) => x - y);
}

// A big inventory has hundreds of jobs on a handful of schedules, and the alert plan is built more
// than once per run: each expression's week of runs (672 for every 15 minutes) is worked out once.
const gaps = new Map<string, number | undefined>();
const MAX_REMEMBERED = 256;

/** Longest gap in minutes between consecutive runs over a week, or undefined when not weekly-periodic. */
export function maxGapMinutes(cron: string): number | undefined {
  if (!gaps.has(cron)) {
    if (gaps.size >= MAX_REMEMBERED) gaps.clear();
    gaps.set(cron, weekGap(cron));
  }
  return gaps.get(cron);
}

function weekGap(cron: string): number | undefined {
  const fields = cron.trim().split(/\s+/);
  if (fields.length !== 5 || fields[2] !== "*" || fields[3] !== "*") return undefined;
  const minutes = expand(fields[0]!, 0, 59);
  const hours = expand(fields[1]!, 0, 23);
  const weekdays = expand(fields[4]!, 0, 7);
  const days = weekdays && [...new Set(weekdays.map((d) => d % 7))];
  if (!minutes || !hours || !days) return undefined;
  const runs = days
    .flatMap((d) => hours.flatMap((h) => minutes.map((m) => d * 1440 + h * 60 + m)))
    .sort((a, b) => a - b);
  if (runs.length === 0) return undefined;
  const week = 7 * 1440;
  return runs.reduce((gap, run, i) => Math.max(gap, (runs[i + 1] ?? runs[0]! + week) - run), 0);
}
