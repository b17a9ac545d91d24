// Which regex sections of a proxy a load balancer's path rules can hold: an anchored literal
// prefix, simple alternatives, an optional trailing slash, an exact end. Anything else is named
// on the route instead (guardedPatterns).
import { describe, expect, it } from "vitest";
import { mayMatchUnder, regexPaths } from "../../src/detect/route-narrow.js";

describe("regexPaths", () => {
  it.each([
    { pattern: "^/api/admin", want: { paths: ["/api/admin"], exact: false } },
    { pattern: "^/api/admin/", want: { paths: ["/api/admin/"], exact: false } },
    { pattern: "^/admin/?", want: { paths: ["/admin"], exact: false } },
    { pattern: "^/admin(/|$)", want: { paths: ["/admin"], exact: false } },
    { pattern: "^/admin/.*", want: { paths: ["/admin/"], exact: false } },
    { pattern: "^/(flower|rq)/", want: { paths: ["/flower/", "/rq/"], exact: false } },
    { pattern: "^/api/(?:internal|metrics)$", want: { paths: ["/api/internal", "/api/metrics"], exact: true } },
    { pattern: "^/healthz$", want: { paths: ["/healthz"], exact: true } },
    { pattern: "^/server\\-status", want: { paths: ["/server-status"], exact: false } },
    { pattern: "^/api/v1*", want: undefined },
    { pattern: "\\.php$", want: undefined },
    { pattern: "^/api/.+/export\\.csv$", want: undefined },
    { pattern: "^/", want: undefined },
    { pattern: "^/(.*)/admin", want: undefined },
  ])("$pattern", ({ pattern, want }) => {
    expect(regexPaths(pattern)).toEqual(want);
  });
});

describe("mayMatchUnder", () => {
  it.each([
    { pattern: "\\.bak$", path: "/api", want: true },
    { pattern: "^/api/.+\\.json$", path: "/api", want: true },
    { pattern: "^/api/.+\\.json$", path: "/api/v2/", want: true },
    { pattern: "^/static/.+\\.map$", path: "/api", want: false },
  ])("$pattern under $path", ({ pattern, path, want }) => {
    expect(mayMatchUnder(pattern, path)).toBe(want);
  });
});
