// A name that takes a Redis host (n8n's QUEUE_BULL_REDIS_HOST) gets Memorystore's host alone; a URL
// name (REDIS_URL) the redis:// URL; an address name (REDIS_ADDR) host:port. Handing a URL to a host setting breaks the client's connection.
import { describe, expect, it } from "vitest";
import type { Deployment, DeployTarget } from "../../../src/contracts/deployment.js";
import { dynamicEnv } from "../../../src/phases/cicd/deploy-flags.js";

describe("dynamicEnv: Memorystore's address under the app's own names", () => {
  const target = {
    name: "app",
    kind: "worker-pool",
    secrets: [],
    vpcEgress: "private-ranges-only",
  } as unknown as DeployTarget;
  const deployment = (engine: "redis" | "memcached", urlEnv: string[]) =>
    ({ services: [target], caches: [{ name: "app-redis", engine, urlEnv }] }) as unknown as Deployment;

  it.each([
    [
      "redis",
      ["QUEUE_BULL_REDIS_HOST", "REDIS_URL", "CACHE_HOSTNAME", "REDIS_ADDR", "CACHE_ADDRESS"],
      [
        ["QUEUE_BULL_REDIS_HOST", "CACHE_0_HOST"],
        ["REDIS_URL", "CACHE_0_URL"],
        ["CACHE_HOSTNAME", "CACHE_0_HOST"],
        // Go's go-redis and asynq take host:port (Options.Addr), no scheme.
        ["REDIS_ADDR", "CACHE_0_ADDR"],
        ["CACHE_ADDRESS", "CACHE_0_ADDR"],
      ],
    ],
    // Memcached's discovery endpoint is host:port either way.
    ["memcached", ["MEMCACHED_HOST"], [["MEMCACHED_HOST", "CACHE_0_URL"]]],
  ] as const)("%s %j", (engine, names, expected) => {
    expect(dynamicEnv(target, deployment(engine, [...names]))).toEqual(expected);
  });
});
