// Which Node.js major an app's `engines.node` range allows. npm's semver ranges: `||` between
// alternatives, comparators in one alternative all apply (`>=18 <23`), `^18.12.1` is
// >=18.12.1 <19, `~20.11` is >=20.11 <20.12, `18.x` / `18` is >=18 <19, `A - B` is >=A <=B.
// https://github.com/npm/node-semver#ranges and https://docs.npmjs.com/cli/v10/configuring-npm/package-json#engines
// Images use LTS majors only: "Production applications should only use Active LTS or
// Maintenance LTS releases" (https://nodejs.org/en/about/previous-releases).

/**
 * LTS majors (even; odd ones never become LTS) with an official `node:<major>-trixie-slim` image,
 * the base our Dockerfiles use: Node 18 reached its end before Debian 13 and has none.
 */
export const NODE_IMAGE_MAJORS = ["20", "22", "24", "26"] as const;

/** A version as one comparable number: 20.11.1 → 20011001. */
const num = (major: number, minor = 0, patch = 0) => major * 1_000_000 + minor * 1_000 + patch;

interface Interval {
  lo: number;
  hi: number; // exclusive
}
const ALL: Interval = { lo: 0, hi: Number.POSITIVE_INFINITY };

/** `18`, `18.12`, `18.12.1`, `18.x`, `v18.12.1`: [major, minor?, patch?] (undefined = wildcard). */
function parts(text: string): Array<number | undefined> | undefined {
  const m = /^v?(\d+|[xX*])(?:\.(\d+|[xX*]))?(?:\.(\d+|[xX*]))?(?:-[0-9A-Za-z.-]+)?$/.exec(text);
  if (!m) return undefined;
  return [m[1], m[2], m[3]].map((p) => (p === undefined || /^[xX*]$/.test(p) ? undefined : Number(p)));
}

/** The versions a partial version stands for: `18` → [18.0.0, 19.0.0), `18.12` → [18.12.0, 18.13.0). */
function span(p: Array<number | undefined>): Interval {
  const [a, b, c] = p;
  if (a === undefined) return ALL;
  if (b === undefined) return { lo: num(a), hi: num(a + 1) };
  if (c === undefined) return { lo: num(a, b), hi: num(a, b + 1) };
  return { lo: num(a, b, c), hi: num(a, b, c) + 1 };
}

function comparator(text: string): Interval | undefined {
  const m = /^(\^|~>?|>=|<=|>|<|=)?\s*(.+)$/.exec(text);
  if (!m) return undefined;
  const p = parts(m[2]!);
  if (!p) return undefined;
  const s = span(p);
  const [a, b] = p;
  switch (m[1]) {
    case "^":
      // ^18.12.1 := >=18.12.1 <19; ^0.x pins the minor (never a Node range in practice).
      return a === undefined ? ALL : { lo: s.lo, hi: a > 0 ? num(a + 1) : b === undefined ? num(1) : num(0, b + 1) };
    case "~":
    case "~>":
      return a === undefined ? ALL : { lo: s.lo, hi: b === undefined ? num(a + 1) : num(a, b + 1) };
    case ">=":
      return { lo: s.lo, hi: ALL.hi };
    case ">":
      return { lo: s.hi, hi: ALL.hi };
    case "<=":
      return { lo: 0, hi: s.hi };
    case "<":
      return { lo: 0, hi: s.lo };
    default:
      return s;
  }
}

/** One `||` alternative as an interval, or undefined when a part is not a version range. */
function alternative(text: string): Interval | undefined {
  const t = text.trim();
  if (t === "" || t === "*" || /^[xX]$/.test(t)) return ALL;
  const hyphen = /^(\S+)\s+-\s+(\S+)$/.exec(t);
  if (hyphen) {
    const [from, to] = [parts(hyphen[1]!), parts(hyphen[2]!)];
    return from && to ? { lo: span(from).lo, hi: span(to).hi } : undefined;
  }
  // `>= 18` (a space after the operator) is one comparator.
  const words = t.replace(/(>=|<=|>|<|=|\^|~>?)\s+/g, "$1").split(/\s+/);
  let out: Interval = ALL;
  for (const w of words) {
    const c = comparator(w);
    if (!c) return undefined;
    out = { lo: Math.max(out.lo, c.lo), hi: Math.min(out.hi, c.hi) };
  }
  return out;
}

export interface NodeRange {
  /** The majors of NODE_IMAGE_MAJORS the range allows (some version of the major satisfies it), lowest first. */
  majors: string[];
  /** Every alternative has an upper end (`^20.11.1`, `<23`): the app says which releases it was made for. */
  bounded: boolean;
}

/** undefined when the range is not one npm's semver reads (`lts/iron`, a URL). */
export function nodeRange(range: string): NodeRange | undefined {
  const alternatives = range.split("||").map(alternative);
  if (alternatives.some((a) => a === undefined)) return undefined;
  const live = (alternatives as Interval[]).filter((a) => a.lo < a.hi);
  const majors = NODE_IMAGE_MAJORS.filter((major) => {
    const m = span([Number(major)]);
    return live.some((a) => a.lo < m.hi && m.lo < a.hi);
  });
  return { majors, bounded: live.length > 0 && live.every((a) => Number.isFinite(a.hi)) };
}
