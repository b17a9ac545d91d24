// The VM's proxy routed by path and asked for a login on some paths (inventory services[].routes).
// Mastodon: nginx sends /api/v1/streaming to the Node streaming server; without the same rule on the
// load balancer every stream request reaches Puma. fastapi-celery: nginx guards Flower under /flower/
// with basic auth; on Cloud Run, which has no such login, Flower must not become a public URL.
import { readFileSync } from "node:fs";
import path from "node:path";
import { parse } from "yaml";
import { describe, expect, it } from "vitest";
import { rolloutStrategy } from "../../../src/phases/cicd/context.js";
import { offlineCicd } from "../../../src/phases/cicd/offline.js";
import { CICD_PATHS, renderCicd } from "../../../src/phases/cicd/render.js";
import { buildObserveContext } from "../../../src/phases/observe/context.js";
import { publicServices } from "../../../src/phases/observe/plan.js";
import { chainFile, chainYaml } from "../../helpers/chain.js";
import { ROOT } from "../../helpers/phase-input.js";

const app = (name: string) => chainFile(path.join(ROOT, "test/fixtures/real", name, "inventory.yaml"));

/** The URL map the script imports, with the script's variables filled in. */
function importedUrlMap(script: string): unknown {
  const body = /cat >"\$routes" <<EOF\n([\s\S]*?)\nEOF\n/.exec(script)?.[1];
  if (!body) return undefined;
  const lb = /^LB=(\S+)$/m.exec(script)![1]!;
  const first = /^BACKENDS=\( (\S+)/m.exec(script)![1]!;
  const project = /^PROJECT_ID=(\S+)$/m.exec(script)![1]!;
  return parse(
    body
      .replaceAll("$LB", lb)
      .replaceAll("${BACKENDS[0]}", first)
      .replaceAll("$base", `https://www.googleapis.com/compute/v1/projects/${project}/global/backendServices`),
  );
}

describe("the proxy's path routing on the load balancer", () => {
  it("Mastodon: /api/v1/streaming goes to the streaming service, everything else to the web app", () => {
    const { design, input } = app("mastodon");
    const lb = design.deployment.loadBalancer!;
    expect(lb.backends).toEqual(["mastodon", "mastodon-streaming"]);
    expect(lb.routes).toEqual([{ path: "/api/v1/streaming", backend: "mastodon-streaming", exact: false }]);
    const script = new Map(renderCicd(offlineCicd(input), input).map((a) => [a.path, a.content])).get(
      CICD_PATHS.setupLoadBalancer,
    )!;
    const base = "https://www.googleapis.com/compute/v1/projects/mastodon-prod/global/backendServices";
    expect(importedUrlMap(script)).toEqual({
      name: "mastodon-lb",
      defaultService: `${base}/mastodon-backend`,
      hostRules: [{ hosts: ["*"], pathMatcher: "routes" }],
      pathMatchers: [
        {
          name: "routes",
          defaultService: `${base}/mastodon-backend`,
          routeRules: [
            {
              priority: 1,
              matchRules: [{ prefixMatch: "/api/v1/streaming" }],
              service: `${base}/mastodon-streaming-backend`,
            },
          ],
        },
      ],
    });
    expect(script).toContain(
      'gcloud compute url-maps import "$LB" --global --project "$PROJECT_ID" --source="$routes" --quiet',
    );
  });

  it("fastapi-celery: Flower behind nginx's basic auth stays IAM-only, off the load balancer and out of the canary", () => {
    const { design, input } = app("fastapi-celery");
    const flower = design.deployment.services.find((s) => s.replaces.includes("flower"))!;
    expect(flower.iamOnly).toContain("asked for a login (basic auth) before /flower/");
    expect(design.deployment.loadBalancer!.backends).toEqual(["fastapi-celery"]);
    expect(design.deployment.loadBalancer!.routes).toEqual([]);
    expect(rolloutStrategy(flower)).toBe("direct");
    expect(publicServices(buildObserveContext(input)).map((s) => s.name)).toEqual(["fastapi-celery"]);
    const entry = design.mapping.find((m) => m.service === "flower")!;
    expect(entry.appChanges.join(" ")).toContain(`gcloud run services proxy ${flower.name}`);
    // Deployed directly (no canary): the texts say what the deploy does for it.
    expect(entry.appChanges.join(" ")).not.toMatch(/canary (only asks|GETs)/);
    expect(entry.appChanges[0]).toContain("no canary: its URL is private");
    expect(design.requirements.find((r) => r.id === "zero-downtime-deploys")!.how).toContain(
      "traffic moves to it in steps",
    );
    const readme = new Map(renderCicd(offlineCicd(input), input).map((a) => [a.path, a.content])).get(
      CICD_PATHS.readme,
    );
    expect(readme).toContain("add-iam-policy-binding fastapi-celery ");
    expect(readme).not.toContain(`add-iam-policy-binding ${flower.name} `);
  });

  it("a prefix the proxy rewrote (proxy_pass with a URI part) is rewritten the same way", () => {
    const yaml = readFileSync(path.join(ROOT, "test/fixtures/real/mastodon/inventory.yaml"), "utf8").replace(
      "- path: /api/v1/streaming\n",
      "- path: /api/v1/streaming/\n        rewrite: /\n",
    );
    const { input } = chainYaml(yaml);
    const script = new Map(renderCicd(offlineCicd(input), input).map((a) => [a.path, a.content])).get(
      CICD_PATHS.setupLoadBalancer,
    )!;
    const rule = (importedUrlMap(script) as { pathMatchers: { routeRules: unknown[] }[] }).pathMatchers[0]!.routeRules;
    expect(rule).toEqual([
      expect.objectContaining({
        matchRules: [{ prefixMatch: "/api/v1/streaming/" }],
        routeAction: { urlRewrite: { pathPrefixRewrite: "/" } },
      }),
    ]);
  });

  it("an app without routes keeps one backend order and no rules (the seed example)", () => {
    const { design } = chainFile(path.join(ROOT, "examples/seed-vm/inventory.yaml"));
    expect(design.deployment.loadBalancer!.routes).toEqual([]);
  });
});
