// Apache 2.2's access rules, still read by 2.4 through mod_access_compat: `Order`, `Allow from`,
// `Deny from` and `Satisfy`, judged for a stranger (an address no rule names). `Order deny,allow`
// lets everyone in unless `Deny from all` names them and `Allow from all` does not;
// `Order allow,deny` (and mutual-failure) lets in only what an Allow names and no Deny refuses.
// A section that sets any of them replaces the rules of the sections before it (the module has no
// merge: httpd keeps the nearest section's whole set).
// https://httpd.apache.org/docs/2.4/mod/mod_access_compat.html
import type { ApacheSection } from "./apache-sections.js";
import { allOf, anyOf, type Gate } from "./route-access.js";

export interface Compat {
  order: "deny,allow" | "allow,deny";
  allows: string[];
  denys: string[];
  satisfy: "all" | "any";
}

const lines = (section: ApacheSection, name: string): string[] =>
  section.own.flatMap((l) => new RegExp(`^${name}\\s+(.+)$`, "i").exec(l)?.[1]?.trim() ?? []);

/** `Allow from 10.0.0.0/8 192.168.1` → each address; a line without `from` is refused by httpd. */
const froms = (section: ApacheSection, name: string): string[] =>
  lines(section, name).flatMap((l) => {
    const m = /^from\s+(.+)$/i.exec(l);
    return m ? m[1]!.split(/\s+/) : [];
  });

/**
 * The section's rules, when it sets any. A section with only `Satisfy` keeps the Order/Allow/Deny
 * before it: Apache 2.2 merged Satisfy apart from them (2.4 would start them afresh, which is the
 * more open reading; the closed one is the safe one for a migration).
 */
export function sectionCompat(section: ApacheSection, before: Compat | undefined): Compat | undefined {
  const order = lines(section, "Order").at(-1);
  const allows = froms(section, "Allow");
  const denys = froms(section, "Deny");
  const satisfy = lines(section, "Satisfy").at(-1);
  const own = order !== undefined || allows.length > 0 || denys.length > 0;
  if (!own && satisfy === undefined) return before;
  const base: Compat = own || !before ? { order: "deny,allow", allows, denys, satisfy: "all" } : before;
  return {
    ...base,
    ...(order !== undefined ? { order: /^deny\s*,\s*allow$/i.test(order) ? "deny,allow" : "allow,deny" } : {}),
    ...(satisfy !== undefined ? { satisfy: /^any$/i.test(satisfy) ? "any" : "all" } : {}),
  };
}

/** What the address rules ask of a stranger: open, or one of the addresses they allow. */
export function hostGate(c: Compat): Gate {
  const all = (list: string[]) => list.some((a) => /^all$/i.test(a));
  const open = c.order === "deny,allow" ? !all(c.denys) || all(c.allows) : all(c.allows) && !all(c.denys);
  return open ? "open" : { login: false, from: c.allows.filter((a) => !/^all$/i.test(a)) };
}

/**
 * The address rules and the Require rules together: with `Satisfy All` (the default) a request
 * needs both; with `Satisfy Any` either. `Satisfy Any` without Require lines leaves the address
 * rules to decide, as 2.2 did (2.4 grants a request no Require line covers: the more open reading,
 * and a migration takes the closed one).
 * https://httpd.apache.org/docs/2.4/mod/mod_access_compat.html#satisfy
 */
export function withCompat(c: Compat | undefined, authz: Gate | undefined): Gate {
  if (!c) return authz ?? "open";
  const host = hostGate(c);
  if (c.satisfy === "any") return authz === undefined ? host : anyOf([host, authz]);
  return allOf([host, authz ?? "open"]);
}
