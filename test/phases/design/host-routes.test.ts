// A proxy that routed by host name: one host named in two sites (nginx server blocks) keeps the
// rules of both, and a wildcard host (`*.example.org`, nginx's `.example.org`) gets its rules and a
// certificate, issued through the DNS authorization of the name under it.
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { execa } from "execa";
import { parse } from "yaml";
import { afterAll, describe, expect, it } from "vitest";
import type { ProxyRoute } from "../../../src/inventory/schema.js";
import { mergeHostRoutes } from "../../../src/phases/design/rules/host-routes.js";
import { designResultSchema } from "../../../src/phases/design/schema.js";
import { offlineCicd } from "../../../src/phases/cicd/offline.js";
import { CICD_PATHS, renderCicd } from "../../../src/phases/cicd/render.js";
import { findShellcheck, shellcheck } from "../../../src/validate/shellcheck.js";
import { chainYaml } from "../../helpers/chain.js";
import { checkGcloud } from "../../helpers/gcloud-check.js";
import { gcloudCommandsInLine } from "../../helpers/shell-words.js";
import { urlMapProblems } from "../../helpers/url-map-check.js";
import { ROOT } from "../../helpers/phase-input.js";

const r = (path: string, service: string, hosts?: string[], extra: Partial<ProxyRoute> = {}): ProxyRoute => ({
  path,
  service,
  ...(hosts ? { hosts } : {}),
  ...extra,
});

describe("mergeHostRoutes", () => {
  it.each<[string, ProxyRoute[], ProxyRoute[], number]>([
    ["no hosts: unchanged", [r("/", "web"), r("/ws", "ws")], [r("/", "web"), r("/ws", "ws")], 0],
    [
      "one host in two sites takes the rules of both; the other host keeps its own",
      [r("/", "web", ["a.org", "b.org"]), r("/ws", "ws", ["a.org"])],
      [r("/", "web", ["a.org"]), r("/ws", "ws", ["a.org"]), r("/", "web", ["b.org"])],
      0,
    ],
    [
      "hosts that end up with the same rules share one set again",
      [r("/", "web", ["a.org", "c.org"]), r("/", "web", ["b.org"]), r("/ws", "ws", ["a.org"])],
      [r("/", "web", ["a.org"]), r("/ws", "ws", ["a.org"]), r("/", "web", ["b.org", "c.org"])],
      0,
    ],
    [
      "a path two sites of one host send to two services: the first kept, reported",
      [r("/", "web", ["a.org"]), r("/", "ws", ["a.org", "*.a.org"])],
      [r("/", "web", ["a.org"]), r("/", "ws", ["*.a.org"])],
      1,
    ],
    [
      "the same rule twice is one rule, no conflict; rules of every host stay first",
      [r("/x", "ws", ["a.org"]), r("/", "web"), r("/x", "ws", ["a.org"], { exact: false })],
      [r("/", "web"), r("/x", "ws", ["a.org"])],
      0,
    ],
    [
      "an exact path and a prefix are two rules",
      [r("/x", "ws", ["a.org"]), r("/x", "web", ["a.org"], { exact: true })],
      [r("/x", "ws", ["a.org"]), r("/x", "web", ["a.org"], { exact: true })],
      0,
    ],
  ])("%s", (_name, routes, expected, conflicts) => {
    const merged = mergeHostRoutes(routes);
    expect(merged.routes).toEqual(expected);
    expect(merged.conflicts).toHaveLength(conflicts);
    if (conflicts)
      expect(merged.conflicts[0]).toMatch(/a\.org\/: .* to web and to ws; the load balancer keeps the first/);
  });

  it("a set of more than 20 hosts (a rule's limit) is split", () => {
    const hosts = Array.from({ length: 25 }, (_, i) => `h${String(i).padStart(2, "0")}.example.org`);
    const merged = mergeHostRoutes([r("/", "web", hosts.slice(0, 12)), r("/", "web", hosts.slice(12))]);
    expect(merged.routes.map((x) => x.hosts!.length)).toEqual([20, 5]);
  });
});

/**
 * Mastodon's nginx as three sites: social.example.org and www, social.example.org again with the
 * streaming path, and the streaming server on a name of its own with every name under it.
 */
const twoSites = () =>
  chainYaml(
    readFileSync(path.join(ROOT, "test/fixtures/real/mastodon/inventory.yaml"), "utf8").replace(
      "      - path: /\n        service: mastodon-web\n      - path: /api/v1/streaming\n        service: mastodon-streaming\n",
      `      - { path: /, service: mastodon-web, hosts: [social.example.org, www.social.example.org] }
      - { path: /, service: mastodon-streaming, hosts: ["*.streaming.example.org", streaming.example.org] }
      - { path: /api/v1/streaming, service: mastodon-streaming, hosts: [social.example.org] }
`,
    ),
  );

const hasShellcheck = (await findShellcheck()) !== undefined;
const dir = mkdtempSync(path.join(tmpdir(), "host-routes-"));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

describe("host routing on the load balancer", () => {
  const chained = twoSites();
  const lb = chained.design.deployment.loadBalancer!;
  const script = new Map(renderCicd(offlineCicd(chained.input), chained.input).map((a) => [a.path, a.content])).get(
    CICD_PATHS.setupLoadBalancer,
  )!;

  it("the host of two sites gets the second site's path; every name served is a certificate domain", () => {
    expect(lb.routes).toEqual([
      { path: "/api/v1/streaming", backend: "mastodon-streaming", exact: false, hosts: ["social.example.org"] },
      {
        path: "/",
        backend: "mastodon-streaming",
        exact: false,
        hosts: ["*.streaming.example.org", "streaming.example.org"],
      },
    ]);
    // The proxy's mapping names each rule's hosts, as the URL map's host rules apply them.
    expect(chained.design.mapping.find((m) => m.target.kind === "load-balancer")!.reason).toContain(
      "Its URL map keeps the proxy's path routing: social.example.org /api/v1/streaming/* to mastodon-streaming, *.streaming.example.org, streaming.example.org /* to mastodon-streaming;",
    );
    // The wildcard too (Certificate Manager issues it with a DNS authorization), and www, whose
    // only rule (/ to the first backend) the URL map needs no rule for.
    expect(lb.domains).toEqual([
      "*.streaming.example.org",
      "social.example.org",
      "streaming.example.org",
      "www.social.example.org",
    ]);
  });

  it("the script authorizes each name once (a wildcard through the name under it) and certifies all", async () => {
    const file = path.join(dir, "lb.sh");
    writeFileSync(file, script);
    const run = await execa("bash", [file, "--dry-run", "--domain", "*.example.org"], {
      reject: false,
      cwd: dir,
      env: { PATH: `${path.join(ROOT, "test/fixtures/fake-bin")}:/usr/bin:/bin` },
    });
    expect(run.exitCode, run.stderr).toBe(0);
    const cert = run.stdout.split("\n").filter((l) => l.startsWith("+ gcloud certificate-manager"));
    const words = cert.flatMap((l) => gcloudCommandsInLine(l.slice(2)));
    expect(words.filter((w) => w[1] === "dns-authorizations").map((w) => w.at(-1))).toEqual([
      "--domain=streaming.example.org",
      "--domain=social.example.org",
      "--domain=www.social.example.org",
      "--domain=example.org",
    ]);
    expect(words.find((w) => w[1] === "certificates")).toContain(
      "--domains=*.streaming.example.org,social.example.org,streaming.example.org,www.social.example.org,*.example.org",
    );
    expect(words.filter((w) => w[2] === "entries").map((w) => w.find((x) => x.startsWith("--hostname")))).toEqual([
      "--hostname=*.streaming.example.org",
      "--hostname=social.example.org",
      "--hostname=streaming.example.org",
      "--hostname=www.social.example.org",
      "--hostname=*.example.org",
    ]);
    const parsed = await checkGcloud(words.map((argv) => ({ argv, source: "setup-load-balancer.sh" })));
    if (parsed.skipped) return console.warn(parsed.skipped);
    expect(parsed.findings).toEqual([]);
  });

  it("the URL map has one host rule per host set, the wildcard's included, and gcloud's schema takes it", async () => {
    const body = /url-maps import "\$LB" [^\n]*<<EOF\n([\s\S]*?)\nEOF\n/.exec(script)![1]!.replaceAll("$", "x");
    expect((parse(body) as { hostRules: unknown[] }).hostRules).toEqual([
      { hosts: ["social.example.org"], pathMatcher: "hosts-1" },
      { hosts: ["*.streaming.example.org", "streaming.example.org"], pathMatcher: "hosts-2" },
    ]);
    const problems = await urlMapProblems([body]);
    if (!problems) return console.warn("gcloud is not installed: the URL-map schema check is skipped");
    expect(problems).toEqual([undefined]);
  });

  it("more rules than a URL map takes (sites merged host by host): the first 50 kept, the rest named", () => {
    // 30 paths for a. and b., one more for a. only: two host sets of 31 and 30 rules.
    const both = Array.from(
      { length: 30 },
      (_, i) => `      - { path: /p${i}, service: mastodon-streaming, hosts: [a.example.org, b.example.org] }\n`,
    ).join("");
    const { design } = chainYaml(
      readFileSync(path.join(ROOT, "test/fixtures/real/mastodon/inventory.yaml"), "utf8").replace(
        "      - path: /api/v1/streaming\n        service: mastodon-streaming\n",
        `${both}      - { path: /only-a, service: mastodon-streaming, hosts: [a.example.org] }\n`,
      ),
    );
    expect(design.deployment.loadBalancer!.routes).toHaveLength(50);
    expect(design.assumptions.join("\n")).toMatch(
      /61 host and path rules; .* keeps the first 50: add the rest \(b\.example\.org\/p19, /,
    );
    expect(designResultSchema.safeParse(design).success).toBe(true);
  });

  it.skipIf(!hasShellcheck)("the script is shellcheck-clean", async () => {
    expect(await shellcheck(script)).toEqual([]);
  });
});
