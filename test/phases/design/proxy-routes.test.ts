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
import { loadBalancerView } from "../../../src/phases/cicd/url-map-view.js";
import { CICD_PATHS, renderCicd } from "../../../src/phases/cicd/render.js";
import { buildObserveContext } from "../../../src/phases/observe/context.js";
import { publicServices } from "../../../src/phases/observe/plan.js";
import { chainFile, chainYaml } from "../../helpers/chain.js";
import { urlMapProblems } from "../../helpers/url-map-check.js";
import { ROOT } from "../../helpers/phase-input.js";

const app = (name: string) => chainFile(path.join(ROOT, "test/fixtures/real", name, "inventory.yaml"));

/** The URL map the script imports, with the script's variables filled in. */
function urlMapText(script: string): string | undefined {
  const body = /url-maps import "\$LB" [^\n]*<<EOF\n([\s\S]*?)\nEOF\n/.exec(script)?.[1];
  if (!body) return undefined;
  const lb = /^LB=(\S+)$/m.exec(script)![1]!;
  const first = /^BACKENDS=\( (\S+)/m.exec(script)![1]!;
  const project = /^PROJECT_ID=(\S+)$/m.exec(script)![1]!;
  return body
    .replaceAll("$LB", lb)
    .replaceAll("${BACKENDS[0]}", first)
    .replaceAll("$base", `https://www.googleapis.com/compute/v1/projects/${project}/global/backendServices`);
}
const importedUrlMap = (script: string): unknown => {
  const text = urlMapText(script);
  return text === undefined ? undefined : parse(text);
};
const lbScript = ({ input }: ReturnType<typeof chainYaml>): string =>
  new Map(renderCicd(offlineCicd(input), input).map((a) => [a.path, a.content])).get(CICD_PATHS.setupLoadBalancer)!;
const routesYaml = (chained: ReturnType<typeof chainYaml>): string => urlMapText(lbScript(chained))!;

/** Mastodon with its streaming server on a host name of its own, as nginx had it (server_name). */
const hostRouted = () =>
  chainYaml(
    readFileSync(path.join(ROOT, "test/fixtures/real/mastodon/inventory.yaml"), "utf8").replace(
      "      - path: /\n        service: mastodon-web\n      - path: /api/v1/streaming\n        service: mastodon-streaming\n",
      `      - { path: /, service: mastodon-web, hosts: [social.example.org] }
      - { path: /api/v1/streaming, service: mastodon-streaming, hosts: [social.example.org] }
      - { path: /, service: mastodon-streaming, hosts: [streaming.example.org] }
`,
    ),
  );

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
      'run gcloud compute url-maps import "$LB" --global --project "$PROJECT_ID" --quiet <<EOF\n',
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

  it("a proxy that routed by host name: a host rule and path matcher per host set, the names as certificate domains", async () => {
    const chained = hostRouted();
    const { design } = chained;
    const lb = design.deployment.loadBalancer!;
    expect(lb.backends).toEqual(["mastodon", "mastodon-streaming"]);
    expect(lb.domains).toEqual(["social.example.org", "streaming.example.org"]);
    expect(lb.routes).toEqual([
      { path: "/api/v1/streaming", backend: "mastodon-streaming", exact: false, hosts: ["social.example.org"] },
      { path: "/", backend: "mastodon-streaming", exact: false, hosts: ["streaming.example.org"] },
    ]);
    const script = lbScript(chained);
    const base = "https://www.googleapis.com/compute/v1/projects/mastodon-prod/global/backendServices";
    expect(importedUrlMap(script)).toEqual({
      name: "mastodon-lb",
      defaultService: `${base}/mastodon-backend`,
      hostRules: [
        { hosts: ["social.example.org"], pathMatcher: "hosts-1" },
        { hosts: ["streaming.example.org"], pathMatcher: "hosts-2" },
      ],
      pathMatchers: [
        {
          name: "hosts-1",
          defaultService: `${base}/mastodon-backend`,
          routeRules: [
            {
              priority: 1,
              matchRules: [{ prefixMatch: "/api/v1/streaming" }],
              service: `${base}/mastodon-streaming-backend`,
            },
          ],
        },
        { name: "hosts-2", defaultService: `${base}/mastodon-streaming-backend` },
      ],
    });
  });

  it("rules for every host join each host's own; a name in two host sets stays in the first", () => {
    const { design } = hostRouted();
    const lb = {
      ...design.deployment.loadBalancer!,
      routes: [
        { path: "/cable", backend: "mastodon-streaming", exact: false },
        { path: "/", backend: "mastodon-streaming", exact: false, hosts: ["a.example.org", "b.example.org"] },
        { path: "/cable", backend: "mastodon", exact: false, hosts: ["a.example.org", "b.example.org"] },
        { path: "/x", backend: "mastodon", exact: true, hosts: ["b.example.org", "c.example.org"] },
      ],
    };
    const view = loadBalancerView({ ...design.deployment, loadBalancer: lb }, 10)!;
    const rule = (path: string, backend: string, priority: number, exact = false) => ({
      priority,
      match: exact ? "fullPathMatch" : "prefixMatch",
      path,
      backend,
      service: `$base/${backend}-backend`,
    });
    expect(view.pathMatchers).toEqual([
      {
        name: "routes",
        hosts: ["*"],
        defaultBackend: "mastodon",
        routeRules: [rule("/cable", "mastodon-streaming", 1)],
      },
      {
        name: "hosts-1",
        hosts: ["a.example.org", "b.example.org"],
        defaultBackend: "mastodon-streaming",
        routeRules: [rule("/cable", "mastodon", 1)],
      },
      {
        name: "hosts-2",
        hosts: ["c.example.org"],
        defaultBackend: "mastodon",
        routeRules: [rule("/x", "mastodon", 1, true), rule("/cable", "mastodon-streaming", 2)],
      },
    ]);
  });

  it("the imported URL maps pass gcloud's own UrlMap schema; a misspelt key does not", async () => {
    const maps = [routesYaml(app("mastodon")), routesYaml(hostRouted())];
    const problems = await urlMapProblems([...maps, maps[1]!.replace("pathMatcher:", "pathmatcher:")]);
    if (!problems) return console.warn("gcloud is not installed: the URL-map schema check is skipped");
    expect(problems.slice(0, 2)).toEqual([undefined, undefined]);
    expect(problems[2]).toMatch(/pathmatcher/);
  });

  it("an app without routes keeps one backend order and no rules (the seed example)", () => {
    const { design } = chainFile(path.join(ROOT, "examples/seed-vm/inventory.yaml"));
    expect(design.deployment.loadBalancer!.routes).toEqual([]);
  });
});
