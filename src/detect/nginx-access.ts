// What nginx asks of a stranger before a location (route-access.ts): auth_basic, the allow/deny
// rules of ngx_http_access_module (checked in order, the first that matches decides: a stranger
// passes the addresses it does not match and stops at the first `all`) and `satisfy`, which says
// whether both or either must pass. Each of the three is inherited from the level around it
// (http, server, an outer location) unless the level sets its own: a location with one `allow`
// replaces the whole list around it.
// https://nginx.org/en/docs/http/ngx_http_access_module.html
// https://nginx.org/en/docs/http/ngx_http_core_module.html#satisfy
import { allOf, anyOf, type Gate, LOGIN } from "./route-access.js";

export interface NginxAccess {
  /** allow/deny rules in order, as [verb, address]. */
  rules?: [string, string][];
  /** auth_basic with a realm (true) or `off` (false). */
  auth?: boolean;
  satisfy?: "any" | "all";
}

/** A directive at the start of a statement (not `Access-Control-Allow-Origin` inside a header value). */
const statements = (text: string, names: string): RegExpMatchArray[] => [
  ...text.matchAll(new RegExp(`(?<=^|[;{}])\\s*(${names})\\s+([^;{}]+);`, "g")),
];

/**
 * The access directives a level sets itself (its nested locations already cut out). Rules inside
 * `limit_except` apply to the other methods only: a GET still passes, so they are not the level's.
 */
export function ownAccess(directives: string): NginxAccess {
  const text = directives.replace(/\blimit_except\b[^{]*\{[^}]*\}/g, "");
  const rules = statements(text, "allow|deny").map((m): [string, string] => [m[1]!, m[2]!.trim()]);
  const auth = statements(text, "auth_basic").at(-1)?.[2]?.trim();
  const satisfy = statements(text, "satisfy").at(-1)?.[2]?.trim();
  return {
    ...(rules.length ? { rules } : {}),
    ...(auth !== undefined ? { auth: !/^["']?off["']?$/i.test(auth) } : {}),
    ...(satisfy !== undefined ? { satisfy: /^any$/i.test(satisfy) ? "any" : "all" } : {}),
  };
}

/** The inner level's settings, each one it does not set taken from the outer level. */
export const inherit = (outer: NginxAccess, inner: NginxAccess): NginxAccess => ({ ...outer, ...inner });

/** What the settings ask of a stranger. */
export function nginxGate(a: NginxAccess): Gate {
  const rules = a.rules ?? [];
  const decisive = rules.findIndex(([, address]) => address === "all");
  const address: Gate | undefined =
    decisive >= 0 && rules[decisive]![0] === "deny"
      ? {
          login: false,
          from: rules
            .slice(0, decisive)
            .filter(([verb, addr]) => verb === "allow" && addr !== "unix:")
            .map(([, addr]) => addr),
        }
      : undefined;
  const gates = [address, a.auth ? LOGIN : undefined].filter((g): g is Gate => g !== undefined);
  return a.satisfy === "any" ? anyOf(gates) : allOf(gates);
}

/** A `location` block of a server (nginx-routes.ts reads them; nginx-narrow.ts narrows routes by them). */
export interface Location {
  modifier: string;
  path: string;
  /** The block's own directives, nested locations cut out. */
  own: string;
  /** auth_basic, allow/deny and satisfy as this block or the locations around it set them (nginx-access.ts). */
  access: NginxAccess;
}
