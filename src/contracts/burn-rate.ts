// Multi-window, multi-burn-rate alerting from the Google SRE workbook ("Alerting on SLOs", table
// 5-8): page when 2% of a 30-day budget burns in an hour, open a ticket when 5% burns in six hours.
// Each pair has a long window that proves the burn is real and a short one (1/12 of it) that
// proves it is still happening, so the alert resets soon after a fix.
// https://sre.google/workbook/alerting-on-slos/

export interface BurnRateWindow {
  /** Budget consumption speed: 1 spends the whole budget in exactly one SLO window. */
  threshold: number;
  longMinutes: number;
  shortMinutes: number;
  severity: "CRITICAL" | "WARNING";
}

export const BURN_RATES = {
  fast: { threshold: 14.4, longMinutes: 60, shortMinutes: 5, severity: "CRITICAL" },
  slow: { threshold: 6, longMinutes: 360, shortMinutes: 30, severity: "WARNING" },
} as const satisfies Record<string, BurnRateWindow>;

export type BurnSpeed = keyof typeof BURN_RATES;

/** Minutes of total failure the SLO allows per window (the error budget, in time). */
export function errorBudgetMinutes(target: number, windowDays: number): number {
  return (1 - target) * windowDays * 24 * 60;
}

/** Hours until a burn at `threshold` empties a full budget. */
export function hoursToExhaust(threshold: number, windowDays: number): number {
  return (windowDays * 24) / threshold;
}

/** Share of the window's budget a burn at `threshold` spends in `hours`. */
export function budgetShare(threshold: number, hours: number, windowDays: number): number {
  return (threshold * hours) / (windowDays * 24);
}
