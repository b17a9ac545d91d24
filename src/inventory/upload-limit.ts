// Which web fronts take request bodies above Cloud Run's HTTP/1 limit (32 MiB,
// https://cloud.google.com/run/quotas): the audit's large-upload risk and the design's uploads
// decision both start from them, and the design traces that risk by its title.
import { phpBodyLimitMiB } from "./php-limits.js";
import type { Inventory, Service } from "./schema.js";

/** Cloud Run's largest HTTP/1 request body, in MiB (no limit with end-to-end HTTP/2). */
export const CLOUD_RUN_HTTP1_BODY_MIB = 32;
/** How the audit's large-upload risk title starts (the design traces the risk by it). */
export const LARGE_UPLOAD_RISK_TITLE = "Uploads above 32 MiB";

export type BodyLimit = NonNullable<Service["maxRequestBodyMiB"]>;
/**
 * A web front taking bodies above Cloud Run's limit: `bodyLimitMiB` is what users can send
 * through it today, its own limit capped by PHP's behind it (`php`, when PHP's limits are known).
 */
export type LargeUploadFront = Service & {
  bodyLimitMiB: BodyLimit;
  php?: { services: Service[]; limitMiB: BodyLimit };
};

const size = (l: BodyLimit) => (l === "unlimited" ? Infinity : l);
const smaller = (a: BodyLimit, b: BodyLimit) => (size(a) <= size(b) ? a : b);

/**
 * PHP behind a front: the front itself when it runs PHP (Apache with mod_php), else the web
 * processes it hands requests to, when every one of them is PHP with known limits.
 */
function phpBehind(inv: Pick<Inventory, "services">, front: Service): Service[] {
  if (front.role === "web") return front.phpIni ? [front] : [];
  const backends = inv.services.filter((s) => s.role === "web" && front.dependsOn.includes(s.name));
  return backends.length && backends.every((s) => s.phpIni) ? backends : [];
}

/**
 * Apache's LimitRequestBody when none is set: 1 GiB since httpd 2.4.54, no limit before
 * (https://httpd.apache.org/docs/2.4/mod/core.html#limitrequestbody).
 */
export const APACHE_DEFAULT_BODY_MIB = 1024;

/**
 * The largest request body users can send through `front` today: min(the front's limit,
 * post_max_size, upload_max_filesize). An nginx front that sets no limit has nginx's 1 MiB; Apache
 * (with mod_php, or handing PHP to PHP-FPM) with no LimitRequestBody has PHP's limit, up to
 * Apache's own default of 1 GiB.
 */
export function effectiveBodyLimit(
  inv: Pick<Inventory, "services">,
  front: Service,
): Pick<LargeUploadFront, "php"> & { limit?: BodyLimit } {
  const php = phpBehind(inv, front);
  const phpLimit = php.length
    ? php.map((s) => phpBodyLimitMiB(s.phpIni!)).reduce((a, b) => (size(a) >= size(b) ? a : b))
    : undefined;
  const own = front.maxRequestBodyMiB;
  const limit =
    phpLimit === undefined
      ? own
      : own === undefined
        ? /^(apache2|httpd)$/.test(front.software)
          ? smaller(phpLimit, APACHE_DEFAULT_BODY_MIB)
          : undefined
        : smaller(own, phpLimit);
  return {
    ...(limit !== undefined ? { limit } : {}),
    ...(phpLimit !== undefined ? { php: { services: php, limitMiB: phpLimit } } : {}),
  };
}

/** The services whose effective limit is above Cloud Run's, the largest limit first. */
export function largeUploadFronts(inv: Pick<Inventory, "services">): LargeUploadFront[] {
  const fronts: LargeUploadFront[] = [];
  for (const s of inv.services) {
    const { limit, php } = effectiveBodyLimit(inv, s);
    if (limit !== undefined && size(limit) > CLOUD_RUN_HTTP1_BODY_MIB)
      fronts.push({ ...s, bodyLimitMiB: limit, ...(php ? { php } : {}) });
  }
  return fronts.sort((a, b) => size(b.bodyLimitMiB) - size(a.bodyLimitMiB));
}

/** The web processes behind the fronts (or the front itself, Apache with mod_php): they receive the uploads. */
export function uploadReceivers(inv: Pick<Inventory, "services">, fronts: LargeUploadFront[]): Service[] {
  return inv.services.filter(
    (s) =>
      s.role === "web" && (fronts.some((f) => f.name === s.name) || fronts.some((f) => f.dependsOn.includes(s.name))),
  );
}

export const isLargeUploadRisk = (r: { title: string }): boolean => r.title.startsWith(LARGE_UPLOAD_RISK_TITLE);
