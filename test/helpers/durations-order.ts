// The order vitest.config.ts's sequencer gives test files on a checkout with no run of its own:
// within each project (vitest runs them in the order given), the files test/durations.json knows,
// longest first (the longest-processing-time schedule for the two workers), then the files it does
// not know yet (new ones) in vitest's own order (by size). Pure, so it is tested on its own.

export interface OrderItem {
  project: string;
  file: string;
  /** vitest's own position for the file. */
  index: number;
}

export function orderByDurations<T extends OrderItem>(items: readonly T[], durations: Record<string, number>): T[] {
  const known = (item: T) => durations[item.file];
  return [...items].sort((a, b) => {
    if (a.project !== b.project) return a.project < b.project ? -1 : 1;
    const da = known(a);
    const db = known(b);
    if (da !== undefined && db !== undefined) return db - da || a.index - b.index;
    if (da !== undefined) return -1;
    if (db !== undefined) return 1;
    return a.index - b.index;
  });
}
