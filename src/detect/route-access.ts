// What a proxy asked of a client it knows nothing about (any address on the internet, no password)
// before it passed a path on: nothing, a login, one of a few client addresses, or both; an empty
// address list lets nobody in. A load balancer in front of Cloud Run has none of these checks, so
// a path that had one must not silently become a public URL. nginx and Apache write the same rules
// differently (nginx-access.ts, apache-auth.ts); both end here.
import type { PortRoute } from "./types.js";

/** `open`: anyone. Otherwise what a stranger lacks: a login, an address in `from` (`[]`: nobody gets in). */
export type Gate = "open" | { login: boolean; from?: string[] };

export const CLOSED: Gate = { login: false, from: [] };
export const LOGIN: Gate = { login: true };

const union = (lists: string[][]): string[] => [...new Set(lists.flat())];

/**
 * Any one of the rules lets a request through (Apache `Satisfy Any`, <RequireAny>, nginx
 * `satisfy any`). A stranger passes when one rule is open; else a rule that wants only a login is
 * what a stranger must meet. Rules that each want an address add their addresses.
 */
export function anyOf(gates: Gate[]): Gate {
  if (gates.length === 0 || gates.some((g) => g === "open")) return "open";
  const closed = gates as Exclude<Gate, "open">[];
  if (closed.some((g) => g.login && !g.from)) return LOGIN;
  const from = union(closed.map((g) => g.from ?? []));
  return { login: closed.some((g) => g.login), from };
}

/**
 * Every rule must let the request through (Apache `Satisfy All`, <RequireAll>, nginx `satisfy
 * all`): a login if one wants it, and the addresses every address rule names (the last rule's
 * list when they name different ones: a network inside another cannot be told from the text).
 */
export function allOf(gates: Gate[]): Gate {
  const closed = gates.filter((g): g is Exclude<Gate, "open"> => g !== "open");
  if (closed.length === 0) return "open";
  const lists = closed.flatMap((g) => (g.from ? [g.from] : []));
  const login = closed.some((g) => g.login);
  if (lists.length === 0) return { login };
  const common = lists[0]!.filter((a) => lists.every((l) => l.includes(a)));
  const from = lists.some((l) => l.length === 0) ? [] : common.length ? common : lists[lists.length - 1]!;
  return { login, from };
}

/** A gate as a route's fields: `guarded` for a login, `allowFrom` for the addresses let in. */
export function guardFields(gate: Gate): Pick<PortRoute, "guarded" | "allowFrom"> {
  if (gate === "open") return {};
  return {
    ...(gate.login ? { guarded: true } : {}),
    ...(gate.from ? { allowFrom: gate.from.slice(0, 20) } : {}),
  };
}

/** The route keeps something from a stranger (a login, an address list): never a public URL as it is. */
export const isGuarded = (r: Pick<PortRoute, "guarded" | "allowFrom">): boolean =>
  Boolean(r.guarded) || r.allowFrom !== undefined;
