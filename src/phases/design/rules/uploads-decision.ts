// Uploads above Cloud Run's 32 MiB HTTP/1 request limit (https://cloud.google.com/run/quotas): the
// VM's web front takes them today (audit rule rules-uploads.ts). The ways out: browsers upload
// straight to Cloud Storage with signed URLs (a code change), end-to-end HTTP/2 (no body limit,
// https://cloud.google.com/run/docs/configuring/http2) only for an app server that answers h2c
// (HTTP/2 cleartext) on its port, or a 32 MiB cap. The design never turns HTTP/2 on by itself:
// Cloud Run then speaks only HTTP/2 to the container, and a server without h2c fails every request.
import type { Service } from "../../../inventory/schema.js";
import { largeUploadFronts, uploadReceivers } from "../../../inventory/upload-limit.js";
import type { Draft } from "./draft.js";
import type { TopicDecision } from "./topic-decision.js";

export type H2c = "yes" | "maybe" | "no";

/**
 * Whether the app server answers h2c on its plain port. Hypercorn does by default (its HTTP/1
 * protocol switches on the HTTP/2 preface, hypercorn/protocol/h11.py); gunicorn only from 26.2 with
 * `http2_cleartext`; Granian implements HTTP/2 (`--http 2`); uvicorn, puma, unicorn, Node's http
 * module, PHP-FPM and mod_php speak HTTP/1 only.
 */
export function speaksH2c(s: Pick<Service, "software" | "command">): H2c {
  const command = s.command ?? "";
  const software = s.software.toLowerCase();
  if (software === "hypercorn" || /\bhypercorn\b/.test(command)) return "yes";
  if (software === "granian" || /\bgranian\b/.test(command))
    return /--http[= ]2\b/.test(command) ? "yes" : /--http[= ]1\b/.test(command) ? "no" : "maybe";
  if (software === "gunicorn" || /\bgunicorn\b/.test(command))
    return /--http2-cleartext[= ](prior-knowledge|both)\b/.test(command) ? "yes" : "no";
  if (/^(uvicorn|puma|unicorn|node|apache2|httpd|waitress|passenger)$/.test(software) || /php/.test(software))
    return "no";
  return "maybe";
}

export function uploadsDecision(d: Draft): TopicDecision | undefined {
  const fronts = largeUploadFronts(d.inv);
  if (fronts.length === 0) return undefined;
  const largest = fronts[0]!.bodyLimitMiB;
  const shown = largest === "unlimited" ? "any size" : `up to ${largest} MiB`;
  const apps = uploadReceivers(d.inv, fronts);
  const servers = apps.map((s) => ({ s, h2c: speaksH2c(s) }));
  // One clause per verdict, not per server: Taiga's three web processes behind one nginx repeated
  // the same clause three times and ran past the decision's 500-character alternatives.
  const named = (verdict: string) =>
    servers.filter((x) => x.h2c === verdict).map(({ s }) => `${s.name} (${s.software})`);
  const list = (xs: string[]) => (xs.length > 1 ? `${xs.slice(0, -1).join(", ")} and ${xs.at(-1)}` : xs[0]!);
  const clauses = [
    ["yes", "answers h2c", "answer h2c"],
    [
      "no",
      "speaks HTTP/1 only, so HTTP/2 end-to-end would break every request",
      "speak HTTP/1 only, so HTTP/2 end-to-end would break every request",
    ],
    ["maybe", "may answer h2c", "may answer h2c"],
  ].flatMap(([verdict, one, many]) => {
    const xs = named(verdict!);
    return xs.length ? [`${list(xs)} ${xs.length > 1 ? many : one}`] : [];
  });
  const h2cNote = servers.length ? clauses.join("; ") : "the app server is not in the inventory";
  const buckets = (d.notes.storage ?? []).map((p) => `gs://${p.bucket}`);
  // PHP caps uploads again (upload_max_filesize, post_max_size: 2 and 8 MiB by default): with its
  // limits read from the VM they are already in the fronts' limits; without, say that they apply.
  const phpKnown = fronts.filter((f) => f.php);
  const php = phpKnown.length
    ? ` PHP's upload_max_filesize and post_max_size are part of that: ${phpKnown.map((f) => `${f.php!.services.map((s) => s.name).join(", ")} take${f.php!.services.length > 1 ? "" : "s"} ${f.php!.limitMiB === "unlimited" ? "any size" : `up to ${f.php!.limitMiB} MiB`}`).join("; ")}.`
    : apps.some((s) => s.runtime === "php" || /php/.test(s.software))
      ? " PHP's own upload_max_filesize and post_max_size apply too (not read from the VM): the smaller of the two and the front's limit is what users get today."
      : "";
  const check = "`curl -i --http2-prior-knowledge http://localhost:PORT` against the container must answer";
  return {
    topic: "uploads",
    element: `uploads above 32 MiB: ${fronts.map((f) => f.name).join(", ")}`,
    title: "Send uploads above 32 MiB straight to Cloud Storage",
    context:
      `${fronts.map((f) => `${f.name} (${f.software}) accepts request bodies ${f.bodyLimitMiB === "unlimited" ? "of any size" : `up to ${f.bodyLimitMiB} MiB`}`).join("; ")}. ` +
      `Cloud Run accepts at most 32 MiB per HTTP/1 request and answers larger ones with 413 before the app sees them; only end-to-end HTTP/2 lifts the limit, and then Cloud Run speaks only HTTP/2 (h2c) to the container. ${h2cNote}.${php}`,
    decision:
      `Uploads ${shown} go from the browser straight to Cloud Storage${buckets.length ? `, into the bucket${buckets.length > 1 ? "s" : ""} the user files move to (${buckets.join(", ")})` : " (a bucket for uploads)"}: ` +
      `the app signs a V4 URL for one object (PUT, 15 minutes), the browser uploads to it, and the app gets only the object's name. ` +
      `Code change: one endpoint that signs (its service account needs roles/iam.serviceAccountTokenCreator on itself to sign without a key), ` +
      `the upload form posting there, and a bucket CORS rule for the site's origin. Until it ships, uploads above 32 MiB fail: cap them in the app and say so before the cut-over. ` +
      `HTTP/2 end-to-end is not turned on by this design.`,
    alternatives: [
      `HTTP/2 end-to-end (gcloud run deploy --use-http2): no body limit and no code change, only when the server answers h2c (${check} with HTTP/2): ${h2cNote}. Switching server (hypercorn, granian --http 2) is a change to test like any other.`,
      "Keep uploads below 32 MiB: lower the app's upload limit and tell users; nothing else changes.",
      "Resumable uploads through the app in chunks under 32 MiB (tus, a JavaScript uploader): works over HTTP/1, but the app must reassemble the chunks.",
    ],
    consequences: [
      "Large files never pass through a Cloud Run instance: no memory or request-time cost for them.",
      "Responses above 32 MiB (downloads) are capped the same way over HTTP/1 unless streamed; serve big files from Cloud Storage with signed URLs too.",
      "A signed URL is a bearer token: keep its lifetime short and name objects so one user cannot overwrite another's.",
    ],
  };
}
