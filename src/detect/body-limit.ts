// The largest request body the VM's web front accepts: nginx `client_max_body_size`, Apache
// `LimitRequestBody`. It says how big an upload the product takes today (paperless-ngx documents,
// Mastodon or Pixelfed media, BookStack attachments). Cloud Run accepts at most 32 MiB over HTTP/1
// (https://cloud.google.com/run/quotas), so a front that takes more needs a plan for its uploads.
// Only explicit settings count: nginx's default is 1 MiB, and Apache's default (1 GiB since 2.4.54,
// unlimited before) is not what the app allows. A PHP app caps bodies again (upload_max_filesize,
// post_max_size: php-ini.ts reads them): inventory/upload-limit.ts takes the smaller of the two.

/** nginx's main file on the VM (read for its http{} level; host.ts's HOST_FILES). */
export const NGINX_MAIN = "etc/nginx/nginx.conf";

/** MiB, or "unlimited" (0 in nginx and Apache). */
export type BodyLimit = number | "unlimited";

const MIB = 1024 * 1024;
const NGINX_UNITS: Record<string, number> = { "": 1, k: 1024, m: MIB, g: 1024 * MIB };
/** Two decimals: 512k is 0.5 MiB, 1500000 bytes 1.43 MiB. */
const toMiB = (bytes: number): BodyLimit =>
  bytes === 0 ? "unlimited" : Math.max(0.01, Math.round((bytes / MIB) * 100) / 100);

/** An nginx size (`100m`, `1G`, `512k`, `1048576`; 0 = no limit) in MiB; undefined when not a size. */
export function nginxSize(value: string): BodyLimit | undefined {
  const m = /^(\d+)([kKmMgG]?)$/.exec(value.trim());
  return m ? toMiB(Number(m[1]) * NGINX_UNITS[m[2]!.toLowerCase()]!) : undefined;
}

/** The larger of two limits ("unlimited" wins); undefined only when both are. */
export function largerLimit(a: BodyLimit | undefined, b: BodyLimit | undefined): BodyLimit | undefined {
  if (a === undefined) return b;
  if (b === undefined) return a;
  return a === "unlimited" || b === "unlimited" ? "unlimited" : Math.max(a, b);
}

/**
 * The largest `client_max_body_size` in an nginx file, at any level (http, server, location): an
 * upload location that raises it is where the big bodies go.
 */
export function nginxBodyLimit(text: string): BodyLimit | undefined {
  let limit: BodyLimit | undefined;
  for (const m of text.replace(/#.*$/gm, "").matchAll(/\bclient_max_body_size\s+([^;\s]+)\s*;/g))
    limit = largerLimit(limit, nginxSize(m[1]!));
  return limit;
}

/** Each `client_max_body_size` with the blocks it sits in (`["http"]`, `["server", "location"]`). */
export function nginxBodyLimitsByBlock(text: string): { limit: BodyLimit; blocks: string[] }[] {
  const found: { limit: BodyLimit; blocks: string[] }[] = [];
  const blocks: string[] = [];
  for (const m of text.replace(/#.*$/gm, "").matchAll(/([^{};]*)\{|\}|([^{};]*);/g)) {
    if (m[1] !== undefined) blocks.push(m[1].trim().split(/\s+/)[0] ?? "");
    else if (m[0] === "}") blocks.pop();
    else {
      const size = /^\s*client_max_body_size\s+(\S+)\s*$/.exec(m[2] ?? "")?.[1];
      const limit = size === undefined ? undefined : nginxSize(size);
      if (limit !== undefined) found.push({ limit, blocks: [...blocks] });
    }
  }
  return found;
}

/**
 * A site's limit once nginx.conf's http{} level is known: the http value applies to every server
 * that sets none of its own (a location's own value then only adds to it).
 */
export function withHttpLevel(siteText: string, httpLimit: BodyLimit | undefined): BodyLimit | undefined {
  const own = nginxBodyLimitsByBlock(siteText);
  const siteMax = own.reduce<BodyLimit | undefined>((max, e) => largerLimit(max, e.limit), undefined);
  const serverSets = own.some((e) => e.blocks.at(-1) === "server" || e.blocks.length === 0);
  return serverSets ? siteMax : largerLimit(siteMax, httpLimit);
}

/** nginx.conf's http{}-level `client_max_body_size` (the default every server inherits). */
export function nginxHttpBodyLimit(text: string): BodyLimit | undefined {
  return nginxBodyLimitsByBlock(text)
    .filter((e) => e.blocks.length === 1 && e.blocks[0] === "http")
    .reduce<BodyLimit | undefined>((max, e) => largerLimit(max, e.limit), undefined);
}

/** The largest `LimitRequestBody` (bytes, 0 = no limit) in an Apache site, at any level. */
export function apacheBodyLimit(text: string): BodyLimit | undefined {
  let limit: BodyLimit | undefined;
  for (const m of text.replace(/^\s*#.*$/gm, "").matchAll(/^\s*LimitRequestBody\s+"?(\d+)"?\s*$/gim))
    limit = largerLimit(limit, toMiB(Number(m[1])));
  return limit;
}

/** "100 MiB", "no limit". */
export function describeBodyLimit(limit: BodyLimit): string {
  return limit === "unlimited" ? "no limit" : `${limit} MiB`;
}
