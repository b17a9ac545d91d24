// What Apache asks before it proxies a path (route-access.ts): the Require lines of mod_authz_core
// (a login, an address, all granted or denied) and Apache 2.2's Order/Allow/Deny/Satisfy
// (apache-compat.ts), in the sections that apply to the request. Proxied requests never match
// <Directory> blocks of folders (they are not files); they match <Proxy> (or the older
// <Directory proxy:…>) for the backend URL, then <Location>/<LocationMatch> in file order, each
// later section's Require replacing the earlier ones (AuthMerging Off, the default), so a
// `Require all granted` under a guarded prefix opens it again.
// https://httpd.apache.org/docs/2.4/sections.html#merging
// https://httpd.apache.org/docs/2.4/mod/mod_authz_core.html#authmerging
import { type Compat, sectionCompat, withCompat } from "./apache-compat.js";
import { type ApacheSection, directiveArgs, unquoted } from "./apache-sections.js";
import { allOf, anyOf, CLOSED, type Gate, LOGIN } from "./route-access.js";

interface Access {
  /** The Require lines in effect, as one gate; undefined: none applies yet. */
  authz?: Gate;
  compat?: Compat;
}

/**
 * One Require line for a stranger. Address providers (ip, host, local, forward-dns) and conditions
 * a stranger may not meet (env, expr) admit only what they name; `method` limits methods, not
 * people; `not …` only refuses (neutral here). Every other provider needs a user: valid-user,
 * user, group, ldap-*, and the single sign-on modules' own (claim, shib-session…). Without
 * AuthType httpd answers 500 to those, so the path is closed either way.
 * https://httpd.apache.org/docs/2.4/mod/mod_authz_host.html
 */
function requireGate(line: string): Gate | undefined {
  const [provider = "", ...rest] = line.split(/\s+/);
  const p = provider.toLowerCase();
  if (p === "not") return undefined;
  if (p === "all") return /^granted$/i.test(rest[0] ?? "") ? "open" : CLOSED;
  if (p === "method") return "open";
  if (p === "local") return { login: false, from: ["local"] };
  if (["ip", "host", "forward-dns"].includes(p)) return { login: false, from: rest };
  if (p === "env" || p === "expr") return { login: false, from: [line] };
  return LOGIN;
}

/**
 * What the section's own Require lines ask (several in one section: any one lets the request
 * through), nested <RequireAll>/<RequireAny> included; <RequireNone> only refuses.
 */
function requires(section: ApacheSection, kind = "requireany"): Gate | undefined {
  const gates = [
    ...directiveArgs(section, "Require").map(requireGate),
    ...section.children
      .filter((c) => c.kind === "requireall" || c.kind === "requireany")
      .map((c) => requires(c, c.kind)),
  ].filter((g): g is Gate => g !== undefined);
  if (gates.length === 0) return undefined;
  return kind === "requireall" ? allOf(gates) : anyOf(gates);
}

/**
 * A `<Limit GET …>` inside a section restricts what a browser sends (2.2 configs often wrap
 * Order/Allow/Deny in `<Limit GET POST>`): its lines count as the section's. A <Limit> without GET
 * or a <LimitExcept> leaves reads as the section has them, so its lines are left out.
 * https://httpd.apache.org/docs/2.4/mod/core.html#limit
 */
function withReadLimits(section: ApacheSection): ApacheSection {
  const reads = section.children.filter((c) => c.kind === "limit" && /(^|\s)GET(\s|$)/i.test(c.arg));
  if (reads.length === 0) return section;
  return {
    ...section,
    own: [...section.own, ...reads.flatMap((c) => c.own)],
    children: [...section.children, ...reads.flatMap((c) => c.children)],
  };
}

function apply(access: Access, raw: ApacheSection): Access {
  const section = withReadLimits(raw);
  const need = requires(section);
  const compat = sectionCompat(section, access.compat);
  return { ...((need ?? access.authz) ? { authz: need ?? access.authz } : {}), ...(compat ? { compat } : {}) };
}

/** `<Location /x>` covers the whole route at `path` (the same path or one above it, by segment). */
function locationCovers(location: string, path: string): boolean {
  if (location === "/" || location === path) return true;
  return path.startsWith(location.endsWith("/") ? location : `${location}/`);
}

function matches(pattern: string, subject: string): boolean {
  try {
    return new RegExp(pattern).test(subject);
  } catch {
    return false;
  }
}

/** A <Proxy> URL with wildcards (`http://127.0.0.1:5555/*`, `*`) as a test of the backend URL. */
function proxyCovers(arg: string, url: string): boolean {
  const wildcard = unquoted(arg);
  const re = wildcard
    .replace(/[.+^${}()|[\]\\]/g, "\\$&")
    .replace(/\*/g, ".*")
    .replace(/\?/g, ".");
  return new RegExp(`^${re}`).test(url);
}

function applies(section: ApacheSection, path: string, url: string): boolean {
  const [first = "", second = ""] = section.arg.split(/\s+/);
  const regex = first === "~" ? unquoted(second) : undefined;
  switch (section.kind) {
    case "proxy":
      return regex === undefined ? proxyCovers(section.arg, url) : matches(regex, url);
    case "proxymatch":
      return matches(unquoted(section.arg), url);
    case "directory":
      return unquoted(section.arg).startsWith("proxy:") && proxyCovers(unquoted(section.arg).slice(6), url);
    case "location":
      return regex === undefined ? locationCovers(unquoted(section.arg), path) : matches(regex, path);
    case "locationmatch":
      return matches(unquoted(section.arg), path);
    default:
      return false;
  }
}

/**
 * What a request for `path`, proxied to `url`, must bring: the file's and the virtual host's own
 * directives, then its proxy sections, then its location sections (each level's main server
 * sections before the virtual host's, as httpd merges them). `extra`, a section that covers only
 * part of the path, is taken as applying (what the path under it asks).
 */
export function apacheGate(scopes: ApacheSection[], path: string, url: string, extra?: ApacheSection): Gate {
  let access: Access = {};
  for (const scope of scopes) access = apply(access, scope);
  for (const kinds of [
    ["proxy", "proxymatch", "directory"],
    ["location", "locationmatch"],
  ])
    for (const scope of scopes)
      for (const s of scope.children.filter((c) => kinds.includes(c.kind) && (c === extra || applies(c, path, url))))
        access = apply(access, s);
  return withCompat(access.compat, access.authz);
}

/** The <Location>/<LocationMatch> sections that do not apply to `path` itself (they may cover paths under it). */
export const otherLocations = (scopes: ApacheSection[], path: string, url: string): ApacheSection[] =>
  scopes.flatMap((scope) =>
    scope.children.filter((c) => ["location", "locationmatch"].includes(c.kind) && !applies(c, path, url)),
  );

/** A location section's path (`<Location /x>`) or pattern (`<Location ~ re>`, `<LocationMatch re>`). */
export function locationTarget(section: ApacheSection): { path: string } | { pattern: string } {
  const [first = "", second = ""] = section.arg.split(/\s+/);
  if (section.kind === "locationmatch") return { pattern: unquoted(section.arg) };
  return first === "~" ? { pattern: unquoted(second) } : { path: unquoted(section.arg) };
}
