// Whether Apache asks for a login before a proxied path: AuthType Basic (or Digest) with a Require
// that needs a user, in the sections that apply to the request. Proxied requests never match
// <Directory> blocks of folders (they are not files); they match <Proxy> (or the older
// <Directory proxy:…>) for the backend URL, then <Location>/<LocationMatch> in file order, each
// later section's Require replacing the earlier ones (AuthMerging Off, the default), so a
// `Require all granted` under a guarded prefix opens it again.
// https://httpd.apache.org/docs/2.4/sections.html#merging
// https://httpd.apache.org/docs/2.4/mod/mod_authz_core.html#authmerging
import { type ApacheSection, directiveArgs, unquoted } from "./apache-sections.js";

interface Access {
  login: boolean;
  /** AuthType Basic or Digest is in effect: a Require for a user then asks for one. */
  auth: boolean;
}

const REQUIRE_CONTAINERS = ["requireall", "requireany", "requirenone"];

/** What the section's own Require lines (and its <RequireAll>/<RequireAny>) ask for, if it has any. */
function requires(section: ApacheSection): "login" | "open" | undefined {
  // <RequireNone> only refuses: what it names never lets anyone in.
  const inner = (s: ApacheSection): ApacheSection[] =>
    s.children.filter((c) => REQUIRE_CONTAINERS.includes(c.kind)).flatMap((c) => [c, ...inner(c)]);
  const lines = [section, ...inner(section).filter((s) => s.kind !== "requirenone")].flatMap((s) =>
    directiveArgs(s, "Require"),
  );
  if (lines.length === 0) return undefined;
  // Several Require lines in one section: any one satisfied lets the request through.
  if (lines.some((l) => /^all\s+granted$/i.test(l))) return "open";
  return lines.some((l) => /^(valid-user|user|group|file-group|file-owner|ldap-\S+|dbd-group)\b/i.test(l))
    ? "login"
    : "open";
}

function apply(access: Access, section: ApacheSection): Access {
  const type = directiveArgs(section, "AuthType").at(-1);
  const auth = type === undefined ? access.auth : /^(basic|digest)$/i.test(type);
  const need = requires(section);
  return { auth, login: need === undefined ? access.login : need === "login" };
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
 * Whether a request for `path`, proxied to `url`, must log in first: the file's and the virtual
 * host's own directives, then its proxy sections, then its location sections (each level's main
 * server sections before the virtual host's, as httpd merges them).
 */
export function apacheGuards(scopes: ApacheSection[], path: string, url: string): boolean {
  let access: Access = { login: false, auth: false };
  for (const scope of scopes) access = apply(access, scope);
  for (const kinds of [
    ["proxy", "proxymatch", "directory"],
    ["location", "locationmatch"],
  ])
    for (const scope of scopes)
      for (const s of scope.children.filter((c) => kinds.includes(c.kind) && applies(c, path, url)))
        access = apply(access, s);
  return access.login && access.auth;
}
