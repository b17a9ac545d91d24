// What nginx, Apache and the merged proxy share about routes: the host names a site answers for,
// and one route per host set and path, a path that two rules send to different places dropped.
import { ROUTE_HOST } from "../contracts/url-path.js";

/**
 * A site's host names as a URL map takes them: lower case, no port or trailing dot; nginx's
 * `.example.org` is example.org and every name under it. Names a host rule cannot hold (nginx's
 * `_`, regexes, IP addresses, localhost) are left out; none left: the site answers for any host.
 */
export function routeHosts(names: string[]): string[] | undefined {
  const hosts = new Set<string>();
  for (const raw of names) {
    const name = raw
      .toLowerCase()
      .replace(/^["']|["']$/g, "")
      .replace(/:\d+$/, "")
      .replace(/\.$/, "");
    for (const form of name.startsWith(".") ? [name.slice(1), `*${name}`] : [name])
      if (ROUTE_HOST.test(form)) hosts.add(form);
  }
  return hosts.size ? [...hosts].sort() : undefined;
}

/** One key per host set, match kind and path: the same path on another host is another rule. */
export const routeKey = (r: { path: string; exact?: boolean; hosts?: string[] }): string =>
  `${r.hosts?.join(",") ?? "*"} ${r.exact ? "=" : ""}${r.path}`;

/**
 * One item per key, in the order keys first appear: a later item replaces an earlier one it
 * agrees with; two that disagree drop the key (neither can be told to be the one that applies).
 */
export function agreeing<T>(items: T[], key: (item: T) => string, agree: (a: T, b: T) => boolean): T[] {
  const byKey = new Map<string, T | null>();
  for (const item of items) {
    const k = key(item);
    const seen = byKey.get(k);
    byKey.set(k, seen === undefined || (seen !== null && agree(seen, item)) ? item : null);
  }
  return [...byKey.values()].filter((v): v is T => v !== null);
}
