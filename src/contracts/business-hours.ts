// The inventory's business hours ("08:00-20:00 America/Sao_Paulo"), read the same way by the
// design (warm-up schedules, cost) and observe (what may wait for the morning).

/** "08:00-20:00 America/Sao_Paulo" → 12. Overnight windows wrap (22:00-06:00 → 8). */
export function businessHoursLength(spec: string | undefined): number | undefined {
  const m = spec ? /^(\d{2}):(\d{2})-(\d{2}):(\d{2})/.exec(spec) : null;
  if (!m) return undefined;
  const start = Number(m[1]) * 60 + Number(m[2]);
  const end = Number(m[3]) * 60 + Number(m[4]);
  const minutes = end > start ? end - start : 24 * 60 - start + end;
  return minutes / 60;
}

/** "08:00-20:00 America/Sao_Paulo" → { startHour: 8, endHour: 20, timeZone } (whole hours for cron). */
export function businessWindow(
  spec: string | undefined,
): { startHour: number; endHour: number; timeZone: string } | undefined {
  const m = spec ? /^(\d{2}):\d{2}-(\d{2}):\d{2}(?: (\S+))?$/.exec(spec) : null;
  if (!m) return undefined;
  return { startHour: Number(m[1]) % 24, endHour: Number(m[2]) % 24, timeZone: m[3] ?? "Etc/UTC" };
}
