// An nginx site config: the ports it listens on and the upstream ports it proxies to, so the
// proxy can be linked to the app server listening there.
import type { Origin } from "./nginx-include.js";
import type { ServiceFinding } from "./types.js";
import { nginxBodyLimit } from "./body-limit.js";
import { nginxRoutes, upgradedPorts, websocketOnlyPorts, websocketRoutePorts } from "./nginx-routes.js";

function stripComments(text: string): string {
  return text.replace(/#.*$/gm, "");
}

/** `listen 80;` `listen 443 ssl http2;` `listen 127.0.0.1:8080;` `listen [::]:80;` → "host:port". */
function listenAddress(value: string): string | undefined {
  const first = value.trim().split(/\s+/)[0] ?? "";
  if (first.startsWith("unix:")) return undefined;
  const m = /^(?:(\[[0-9a-fA-F:]+\]|[A-Za-z0-9.*-]+):)?(\d{1,5})$/.exec(first);
  if (!m) return undefined;
  const host = m[1] === undefined || m[1] === "*" ? "0.0.0.0" : m[1];
  return `${host}:${m[2]}`;
}

function portOfUrl(target: string): number | undefined {
  const m = /^(?:https?:\/\/)?(?:[A-Za-z0-9.-]+|\[[0-9a-fA-F:]+\]):(\d{1,5})/.exec(target.trim());
  return m ? Number(m[1]) : undefined;
}

/** `{ line }` of the first line matching `pattern` (1-based), or nothing. */
export function lineOf(text: string, pattern: RegExp): { line?: number } {
  const index = text.split(/\r?\n/).findIndex((l) => pattern.test(l));
  return index >= 0 ? { line: index + 1 } : {};
}

/**
 * Folders an `internal` location serves (`location /_protected/ { internal; alias /srv/media/; }`):
 * nginx hands them out only to an answer of the app's carrying X-Accel-Redirect
 * (https://nginx.org/en/docs/http/ngx_http_core_module.html#internal); Taiga's taiga-protected checks
 * an attachment's token and answers `X-Accel-Redirect: /_protected/<path>` with an empty body.
 */
function internalFolders(body: string): string[] {
  const out = new Set<string>();
  for (const m of body.matchAll(/\blocation\s+(?:[=~^*]+\s*)?([^\s{]+)\s*\{([^{}]*)\}/g)) {
    const block = m[2]!;
    if (!/(^|[\s;{])internal\s*;/.test(block)) continue;
    const alias = /\balias\s+([^;\s]+)\s*;/.exec(block)?.[1];
    const root = /\broot\s+([^;\s]+)\s*;/.exec(block)?.[1];
    const dir = alias ?? (root ? `${root.replace(/\/+$/, "")}${m[1]}` : undefined);
    if (dir?.startsWith("/") && !dir.includes("$")) out.add(dir.replace(/\/+$/, "") || "/");
  }
  return [...out].sort();
}

/**
 * What nginx serves from disk itself: a prefix location with its own `alias` or `root` that passes
 * nothing on (no proxy_pass, fastcgi_pass or uwsgi_pass; not internal, not a return): Saleor's
 * dashboard build at `/dashboard/`, Django's `/media/` and `/static/`. The load balancer that
 * replaces nginx serves no files, so each of these needs a home of its own.
 */
export function servedFolders(body: string): { path: string; folder: string }[] {
  const out = new Map<string, { path: string; folder: string }>();
  for (const m of body.matchAll(/\blocation\s+(?:\^~\s*)?(\/[^\s{]*)\s*\{([^{}]*)\}/g)) {
    const block = m[2]!;
    if (/\b(proxy_pass|fastcgi_pass|uwsgi_pass|scgi_pass|grpc_pass|return)\b|(^|[\s;{])internal\s*;/.test(block))
      continue;
    const alias = /\balias\s+([^;\s]+)\s*;/.exec(block)?.[1];
    const root = /\broot\s+([^;\s]+)\s*;/.exec(block)?.[1];
    const dir = alias ?? (root ? `${root.replace(/\/+$/, "")}${m[1]}` : undefined);
    if (!dir?.startsWith("/") || dir.includes("$")) continue;
    const path = m[1]!.replace(/\/+$/, "") || "/";
    if (!URL_OR_ROOT.test(path)) continue;
    out.set(path, { path, folder: dir.replace(/\/+$/, "") || "/" });
  }
  return [...out.values()].sort((a, b) => (a.path < b.path ? -1 : 1));
}
const URL_OR_ROOT = /^\/$|^(\/[A-Za-z0-9._~-]+){1,10}$/;

function sourceOf(text: string, file: string, origin: NginxContext["origin"]): { source: string; line?: number } {
  const at = /^[ \t]*listen\s/m.exec(text)?.index;
  if (!origin || at === undefined) return { source: file, ...lineOf(text, /^\s*listen\s/) };
  const from = origin(at);
  return { source: `/${from.file}`, line: from.line };
}

export function looksLikeNginx(text: string): boolean {
  return /\bserver\s*\{/.test(text) && /\b(listen|proxy_pass|upstream)\b/.test(text);
}

/** Upstream blocks (comments taken out) by name: the ports of their servers. */
export function nginxUpstreams(body: string): Map<string, number[]> {
  const upstreams = new Map<string, number[]>();
  for (const m of body.matchAll(/\bupstream\s+([A-Za-z0-9_.-]+)\s*\{([^}]*)\}/g)) {
    const ports = [...m[2]!.matchAll(/\bserver\s+([^;\s]+)/g)]
      .map((s) => portOfUrl(s[1]!))
      .filter((p): p is number => p !== undefined);
    upstreams.set(m[1]!, ports);
  }
  return upstreams;
}

export interface NginxContext {
  /** Upstreams defined in other files of the http{} level (nginx-config.ts): names are global there. */
  upstreams?: Map<string, number[]>;
  /** Where an offset of `text` comes from, when includes were spliced into it (nginx-include.ts). */
  origin?: (offset: number) => Origin;
}

/**
 * A site (its includes spliced in, when read from a VM) as a proxy finding; its source and line are
 * those of its first `listen`, in whichever file that stands.
 */
export function parseNginxConfig(text: string, file: string, context: NginxContext = {}): ServiceFinding | undefined {
  const body = stripComments(text);
  const listen = new Set<string>();
  for (const m of body.matchAll(/\blisten\s+([^;]+);/g)) {
    const address = listenAddress(m[1]!);
    // [::]:80 (dual stack, or beside a plain `listen 80`) is the same port for our purposes.
    if (address) listen.add(address.replace(/^\[::\]:/, "0.0.0.0:"));
  }
  const upstreams = nginxUpstreams(body);
  const portsOf = (target: string): number[] => {
    const direct = portOfUrl(target);
    if (direct !== undefined) return [direct];
    const named = /^(?:https?:\/\/)?([A-Za-z0-9_.-]+)\/?/.exec(target)?.[1];
    return (named && (upstreams.get(named) ?? context.upstreams?.get(named))) || [];
  };
  const proxied = new Set<number>();
  for (const m of body.matchAll(/\b(?:proxy_pass|uwsgi_pass|fastcgi_pass)\s+([^;]+);/g))
    for (const port of portsOf(m[1]!.trim())) proxied.add(port);
  const routes = nginxRoutes(body, portsOf);
  if (listen.size === 0 && proxied.size === 0) return undefined;
  const bodyLimit = nginxBodyLimit(text);
  // nginx passes a websocket handshake on only when the site forwards the Upgrade header
  // (https://nginx.org/en/docs/http/websocket.html): without it no client gets a websocket through.
  const upgraded = upgradedPorts(body, portsOf);
  const websocketRoutes = websocketRoutePorts(body, portsOf);
  const websocketOnly = websocketOnlyPorts(body, portsOf);
  const internal = internalFolders(body);
  const served = servedFolders(body);
  return {
    name: "nginx",
    role: "reverse-proxy",
    software: "nginx",
    listen: [...listen].sort((a, b) => Number(a.split(":").pop()) - Number(b.split(":").pop()) || (a < b ? -1 : 1)),
    proxiesToPorts: [...proxied].sort((a, b) => a - b),
    ...(routes.length ? { routesToPorts: routes } : {}),
    ...(upgraded.length ? { websocketPorts: upgraded } : {}),
    ...(websocketRoutes.length ? { websocketRoutePorts: websocketRoutes } : {}),
    ...(websocketOnly.length ? { websocketOnlyPorts: websocketOnly } : {}),
    ...(bodyLimit !== undefined ? { maxRequestBodyMiB: bodyLimit } : {}),
    ...(internal.length ? { internalFolders: internal } : {}),
    ...(served.length ? { servedFolders: served } : {}),
    ...sourceOf(text, file, context.origin),
  };
}
