// How a batch of scripts is shared out over ShellCheck processes. ShellCheck (a Haskell program
// built without a threaded runtime) uses one core, takes ~0.5 ms of CPU per line of bash, and
// starts in a few milliseconds: the example's ~1,500 lines of setup scripts were ~0.9 s on one
// core while the other waited. Groups are balanced by size (longest script first, each to the
// lightest group), and a process is only worth starting for a fair amount of text.

/** Below this many characters of scripts per process, one more process is not worth starting. */
export const MIN_CHARS_PER_PROCESS = 12_000;

/**
 * Indexes of `weights` (script lengths) in at most `maxGroups` groups of similar total weight,
 * each group in its scripts' original order; no empty group; one group when the batch is small.
 */
export function splitByWeight(weights: readonly number[], maxGroups: number): number[][] {
  const total = weights.reduce((sum, w) => sum + w, 0);
  const count = Math.max(1, Math.min(Math.floor(maxGroups), weights.length, Math.ceil(total / MIN_CHARS_PER_PROCESS)));
  const groups = Array.from({ length: count }, () => ({ weight: 0, members: [] as number[] }));
  const byWeight = weights.map((w, i) => ({ w, i })).sort((a, b) => b.w - a.w || a.i - b.i);
  for (const { w, i } of byWeight) {
    const lightest = groups.reduce((min, g) => (g.weight < min.weight ? g : min));
    lightest.weight += w;
    lightest.members.push(i);
  }
  return groups.filter((g) => g.members.length > 0).map((g) => g.members.sort((a, b) => a - b));
}
