// Large uploads: the VM's web front takes request bodies above what Cloud Run accepts over HTTP/1
// (32 MiB, https://cloud.google.com/run/quotas). After the move those uploads fail with a 413 from
// Google's front end before the app sees them, so nothing in the app's logs explains it. What users
// can upload today is the front's limit capped by PHP's (upload_max_filesize, post_max_size) when
// the app is PHP and its php.ini was read (upload-limit.ts).
import type { AuditRule } from "./rules.js";
import {
  LARGE_UPLOAD_RISK_TITLE,
  largeUploadFronts,
  uploadReceivers,
  type BodyLimit,
  type LargeUploadFront,
} from "../../inventory/upload-limit.js";
import { describePhpIni, PHP_DEFAULTS, phpBodyLimitMiB } from "../../inventory/php-limits.js";

const shown = (limit: BodyLimit) => (limit === "unlimited" ? "no limit" : `${limit} MiB`);

/** Where a front's effective limit comes from: its own setting, and PHP's behind it when known. */
function limitEvidence(front: LargeUploadFront): string[] {
  const own =
    front.maxRequestBodyMiB !== undefined
      ? [
          `services.${front.name}.maxRequestBodyMiB: ${front.maxRequestBodyMiB} (${front.software} accepts ${shown(front.maxRequestBodyMiB)})`,
        ]
      : [];
  const php = (front.php?.services ?? []).map(
    (s) =>
      `services.${s.name}.phpIni: ${describePhpIni({ uploadMaxFilesize: s.phpIni?.uploadMaxFilesize ?? PHP_DEFAULTS.uploadMaxFilesize, postMaxSize: s.phpIni?.postMaxSize ?? PHP_DEFAULTS.postMaxSize })} (PHP takes ${shown(phpBodyLimitMiB(s.phpIni ?? {}))})`,
  );
  return [...own, ...php];
}

export const largeUploads: AuditRule = (inv) => {
  const fronts = largeUploadFronts(inv);
  if (fronts.length === 0) return undefined;
  const largest = fronts[0]!.bodyLimitMiB;
  const range = largest === "unlimited" ? "above 32 MiB" : `between 32 and ${largest} MiB`;
  const apps = uploadReceivers(inv, fronts).filter((s) => !fronts.some((f) => f.name === s.name));
  return {
    title: `${LARGE_UPLOAD_RISK_TITLE} fail on Cloud Run: the web front accepts ${largest === "unlimited" ? "bodies of any size" : `up to ${largest} MiB`} today`,
    category: "operations",
    severity: "high",
    likelihood: "likely",
    // Found by users after the cut-over; the fix is a code change (direct uploads) or a server
    // change, released like any feature: days, unless uploads are capped in the meantime.
    mttrMinutes: { min: 240, max: 4320 },
    businessImpact:
      `Users uploading a file ${range} (documents, photos, videos, attachments) get an error (HTTP 413) ` +
      `once the app runs on Cloud Run, which accepts at most 32 MiB per HTTP/1 request; the request never reaches ` +
      `the app, so its logs show nothing, and support hears about it from customers.`,
    evidence: [...new Set(fronts.flatMap(limitEvidence))],
    mitigation:
      "Upload large files straight to Cloud Storage with signed URLs (the app receives only the object's name), " +
      "or end-to-end HTTP/2 on Cloud Run (no body limit) when the app server speaks h2c; otherwise cap uploads " +
      "at 32 MiB in the app and tell users before the move.",
    affects: [...new Set([...fronts, ...apps].map((s) => s.name))],
    growthSensitive: false,
  };
};
