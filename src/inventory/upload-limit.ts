// Which web fronts take request bodies above Cloud Run's HTTP/1 limit (32 MiB,
// https://cloud.google.com/run/quotas): the audit's large-upload risk and the design's uploads
// decision both start from them, and the design traces that risk by its title.
import type { Inventory, Service } from "./schema.js";

/** Cloud Run's largest HTTP/1 request body, in MiB (no limit with end-to-end HTTP/2). */
export const CLOUD_RUN_HTTP1_BODY_MIB = 32;
/** How the audit's large-upload risk title starts (the design traces the risk by it). */
export const LARGE_UPLOAD_RISK_TITLE = "Uploads above 32 MiB";

export type BodyLimit = NonNullable<Service["maxRequestBodyMiB"]>;
export type LargeUploadFront = Service & { maxRequestBodyMiB: BodyLimit };

const size = (l: BodyLimit) => (l === "unlimited" ? Infinity : l);

/** The services whose limit is above Cloud Run's, the largest limit first. */
export function largeUploadFronts(inv: Pick<Inventory, "services">): LargeUploadFront[] {
  return inv.services
    .filter(
      (s): s is LargeUploadFront =>
        s.maxRequestBodyMiB !== undefined && size(s.maxRequestBodyMiB) > CLOUD_RUN_HTTP1_BODY_MIB,
    )
    .sort((a, b) => size(b.maxRequestBodyMiB) - size(a.maxRequestBodyMiB));
}

/** The web processes behind the fronts (or the front itself, Apache with mod_php): they receive the uploads. */
export function uploadReceivers(inv: Pick<Inventory, "services">, fronts: LargeUploadFront[]): Service[] {
  return inv.services.filter(
    (s) =>
      s.role === "web" && (fronts.some((f) => f.name === s.name) || fronts.some((f) => f.dependsOn.includes(s.name))),
  );
}

export const isLargeUploadRisk = (r: { title: string }): boolean => r.title.startsWith(LARGE_UPLOAD_RISK_TITLE);
