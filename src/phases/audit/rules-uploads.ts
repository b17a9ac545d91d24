// Large uploads: the VM's web front takes request bodies above what Cloud Run accepts over HTTP/1
// (32 MiB, https://cloud.google.com/run/quotas). After the move those uploads fail with a 413 from
// Google's front end before the app sees them, so nothing in the app's logs explains it.
import type { AuditRule } from "./rules.js";
import {
  LARGE_UPLOAD_RISK_TITLE,
  largeUploadFronts,
  uploadReceivers,
  type BodyLimit,
} from "../../inventory/upload-limit.js";

const shown = (limit: BodyLimit) => (limit === "unlimited" ? "no limit" : `${limit} MiB`);

export const largeUploads: AuditRule = (inv) => {
  const fronts = largeUploadFronts(inv);
  if (fronts.length === 0) return undefined;
  const largest = fronts[0]!.maxRequestBodyMiB;
  const range = largest === "unlimited" ? "above 32 MiB" : `between 32 and ${largest} MiB`;
  const apps = uploadReceivers(inv, fronts).filter((s) => !fronts.includes(s as (typeof fronts)[number]));
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
    evidence: fronts.map(
      (s) =>
        `services.${s.name}.maxRequestBodyMiB: ${s.maxRequestBodyMiB} (${s.software} accepts ${shown(s.maxRequestBodyMiB)})`,
    ),
    mitigation:
      "Upload large files straight to Cloud Storage with signed URLs (the app receives only the object's name), " +
      "or end-to-end HTTP/2 on Cloud Run (no body limit) when the app server speaks h2c; otherwise cap uploads " +
      "at 32 MiB in the app and tell users before the move.",
    affects: [...fronts, ...apps].map((s) => s.name),
    growthSensitive: false,
  };
};
