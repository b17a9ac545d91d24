// The proxy's routes after merging: each path resolved to the service on its port; host names kept
// only when the proxy routes by host (one path, two hosts, two services), and a path two rules send
// to two services for the same hosts dropped.
import { describe, expect, it } from "vitest";
import { mergeServices } from "../../src/detect/merge.js";
import type { PortRoute, ServiceFinding } from "../../src/detect/types.js";

const web = (name: string, port: number): ServiceFinding => ({
  name,
  role: "web",
  software: "node",
  listen: [`127.0.0.1:${port}`],
  source: `${name}.service`,
  systemdUnit: `${name}.service`,
});
const proxy = (routesToPorts: PortRoute[]): ServiceFinding => ({
  name: "nginx",
  role: "reverse-proxy",
  software: "nginx",
  listen: ["0.0.0.0:443"],
  source: "/etc/nginx/sites-enabled/app",
  routesToPorts,
});
const API = ["api.example.org"];
const WWW = ["example.org", "www.example.org"];

describe("mergeServices: the proxy's routes", () => {
  it.each([
    {
      name: "two hosts sending / to two apps: routing by host, the names kept",
      routes: [
        { path: "/", port: 3000, hosts: API },
        { path: "/", port: 4000, hosts: WWW },
        { path: "/cable", port: 4000, hosts: WWW },
      ],
      want: [
        { path: "/", service: "api", hosts: API },
        { path: "/", service: "shop", hosts: WWW },
        { path: "/cable", service: "shop", hosts: WWW },
      ],
    },
    {
      name: "two hosts with the same paths to the same apps: one rule per path, no host names",
      routes: [
        { path: "/", port: 4000, hosts: API },
        { path: "/", port: 4000, hosts: WWW },
        { path: "/api/", port: 3000, hosts: WWW },
      ],
      want: [
        { path: "/", service: "shop" },
        { path: "/api/", service: "api" },
      ],
    },
    {
      name: "one host sending a path to two apps (two sites without names): the path is dropped",
      routes: [
        { path: "/", port: 4000 },
        { path: "/ws", port: 3000 },
        { path: "/api/", port: 3000 },
        { path: "/api/", port: 4000 },
      ],
      want: [
        { path: "/", service: "shop" },
        { path: "/ws", service: "api" },
      ],
    },
  ])("$name", ({ routes, want }) => {
    const services = mergeServices([proxy(routes), web("api", 3000), web("shop", 4000)], {
      frameworks: [],
      versions: {},
    });
    expect(services.find((s) => s.name === "nginx")!.routes ?? []).toEqual(want);
  });
});
