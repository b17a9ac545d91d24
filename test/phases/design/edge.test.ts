// The design names what surrounds the services, in the deployment contract the setup scripts
// read: the load balancer that replaces the reverse proxy, Memorystore for each cache, the subnet
// Direct VPC egress uses; and the cost estimate prices the load balancer it plans.
import { readFileSync } from "node:fs";
import { describe, expect, it } from "vitest";
import { deploymentSchema } from "../../../src/contracts/deployment.js";
import { estimateCost } from "../../../src/phases/design/cost/estimate.js";
import { loadPriceBook } from "../../../src/contracts/gcp-prices.js";
import { chainFile, chainYaml, EXAMPLE } from "../../helpers/chain.js";

describe("design: load balancer, caches, network", () => {
  it("seed (nginx in front): an HTTPS load balancer for the public API, Cloud Armor in preview; Celery's Redis on Memorystore", () => {
    const { design } = chainFile(EXAMPLE("seed-vm"));
    expect(design.deployment.loadBalancer).toEqual({
      name: "web-app-prod-lb",
      backends: ["web-app-prod"],
      domains: [],
      cloudArmor: true,
      routes: [],
    });
    // Celery is kept (pull workers), so its broker stays Redis: Standard tier, queued work survives a failover.
    expect(design.deployment.caches).toEqual([
      {
        name: "web-app-prod-redis",
        engine: "redis",
        version: "redis_6_x",
        tier: "standard",
        sizeGiB: 1,
        urlEnv: ["REDIS_URL"],
      },
    ]);
    expect(design.deployment.network?.subnet).toBe("web-app-prod-run");
    expect(deploymentSchema.parse(design.deployment)).toEqual(design.deployment);
    // Rewritten to Cloud Tasks push, nothing is left on Redis: no cache, no network.
    const push = chainFile(EXAMPLE("seed-vm"), { celery: "push" }).design.deployment;
    expect([push.caches, push.network]).toEqual([undefined, undefined]);
  });

  it("django (Redis as cache and Celery broker, no proxy): Memorystore with every env name that carries its address, and a subnet", () => {
    const { design } = chainFile(EXAMPLE("django-postgres"));
    expect(design.deployment.loadBalancer).toBeUndefined();
    expect(design.deployment.caches).toEqual([
      {
        name: "bookshop-web-redis",
        engine: "redis",
        version: "redis_7_2",
        tier: "standard",
        sizeGiB: 1,
        urlEnv: ["CELERY_BROKER_URL", "REDIS_URL"],
      },
    ]);
    expect(design.deployment.network).toEqual({
      network: "bookshop-web-vpc",
      subnet: "bookshop-web-run",
      range: "10.8.0.0/24",
    });
    const egress = design.deployment.services.filter((s) => s.vpcEgress).map((s) => s.name);
    expect(egress).toEqual(["bookshop-web", "bookshop-web-worker", "bookshop-web-celery-beat"]);
  });

  it("a memcached cache becomes Memorystore for Memcached", () => {
    const yaml = readFileSync(EXAMPLE("django-postgres"), "utf8")
      .replace('    software: redis\n    version: "7.0"', '    software: memcached\n    version: "1.6"')
      .replace("REDIS_URL", "MEMCACHED_LOCATION");
    const { design } = chainYaml(yaml);
    expect(design.deployment.caches).toEqual([
      expect.objectContaining({ engine: "memcached", version: "MEMCACHE_1_6_15", urlEnv: ["MEMCACHED_LOCATION"] }),
    ]);
    // Its decision speaks of Memcached, not of a Redis broker to split or rewrite.
    const decision = design.decisions.find((x) => x.title.endsWith("a home on Memorystore"))!;
    expect(decision.title).toBe("Give every use of Memcached a home on Memorystore");
    expect(JSON.stringify(decision)).not.toMatch(/Split the uses|Rewrite the broker|Standard tier fails over/);
    expect(decision.consequences.join(" ")).toContain("keeps no replica");
  });

  it("a Go-style address setting (REDIS_ADDR: host:port, no scheme) is filled from Memorystore, not copied from the VM", () => {
    const yaml = readFileSync(EXAMPLE("django-postgres"), "utf8").replaceAll("REDIS_URL", "REDIS_ADDR");
    const { design } = chainYaml(yaml);
    expect(design.deployment.caches).toEqual([
      expect.objectContaining({ urlEnv: ["CELERY_BROKER_URL", "REDIS_ADDR"] }),
    ]);
    const redis = design.mapping.find((m) => m.target.kind === "memorystore")!;
    expect(redis.appChanges.join(" ")).toContain("sets CELERY_BROKER_URL, REDIS_ADDR to it");
  });

  it("the cost estimate prices the load balancer the design plans, and only then", () => {
    const seed = chainFile(EXAMPLE("seed-vm"));
    const lb = (deployment: typeof seed.design.deployment) =>
      estimateCost(seed.input.inventory, deployment, loadPriceBook())
        .scenarios[0]!.lines.filter((l) => l.component === "load balancer")
        .map((l) => l.monthlyUsd);
    expect(lb(seed.design.deployment)[0]).toBe(18.25); // 730 h x $0.025 (up to five rules)
    expect(lb({ ...seed.design.deployment, loadBalancer: undefined })).toEqual([]);
  });
});
