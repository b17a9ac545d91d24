// A process run straight from a package's bin (a monorepo's packages/cli/bin/n8n) is Node, with
// that package's dependencies; a program the nearest package.json does not ship is not.
import path from "node:path";
import { describe, expect, it } from "vitest";
import { programPackage } from "../../src/detect/program-package.js";
import { claimLastProxiedPort, dropRefusedWebsocket } from "../../src/detect/proxied-port.js";
import type { ServiceFinding } from "../../src/detect/types.js";

const finding = (command: string, extra: Partial<ServiceFinding> = {}): ServiceFinding =>
  ({ name: "p", role: "other", software: "x", command, listen: [], source: "unit", ...extra }) as ServiceFinding;

describe("programPackage", () => {
  const files: Record<string, string> = {
    "/opt/n8n/packages/cli/package.json": JSON.stringify({
      name: "n8n",
      bin: { n8n: "./bin/n8n" },
      dependencies: { bull: "4", ws: "8" },
      devDependencies: { vitest: "2" },
    }),
    "/srv/tool/package.json": JSON.stringify({ name: "tool", bin: "bin/tool.js", optionalDependencies: { pg: "8" } }),
    // The nearest package.json ships another bin: this program is not one of its.
    "/srv/other/package.json": JSON.stringify({ name: "other", bin: { other: "./bin/other" } }),
    "/srv/broken/package.json": "{",
  };
  const read = async (_s: ServiceFinding, file: string) => files[path.posix.normalize(file)];

  it.each([
    ["/opt/n8n/packages/cli/bin/n8n worker --concurrency=10", ["bull", "ws"]],
    ["/srv/tool/bin/tool.js --serve", ["pg"]],
    ["/srv/other/bin/helper", undefined],
    ["/srv/broken/bin/x", undefined],
    ["n8n start", undefined],
    ["/usr/bin/node /srv/tool/bin/tool.js", undefined],
  ])("%s", async (command, deps) => {
    const found = await programPackage(finding(command), read);
    expect(found && [...found.dependencies].sort()).toEqual(deps);
  });
});

describe("claimLastProxiedPort", () => {
  const web = (name: string, listen: string[] = [], protocols?: string[]) =>
    finding(`/srv/${name}`, {
      name,
      role: "web",
      runtime: "node",
      listen,
      ...(protocols ? { protocols } : {}),
    } as never);

  it("gives the one web process with no address the one proxied port no process claims", () => {
    const main = web("main");
    const hook = web("hook", ["127.0.0.1:5679"]);
    claimLastProxiedPort([main, hook], new Set([5678, 5679]));
    expect(main.listen).toEqual(["127.0.0.1:5678"]);
  });

  it.each([
    ["two processes without an address", [web("a"), web("b")], [5678]],
    ["two free ports", [web("a")], [5678, 5680]],
    ["no free port", [web("a"), web("b", ["127.0.0.1:5678"])], [5678]],
  ])("guesses nothing with %s", (_case, findings, ports) => {
    claimLastProxiedPort(findings, new Set(ports));
    expect(findings.filter((f) => f.listen.length === 0).length).toBeGreaterThan(0);
    expect(findings.find((f) => f.name === "a")?.listen).toEqual([]);
  });

  it("drops a websocket guessed from packages when the proxy passes no Upgrade to the port", () => {
    const hook = web("hook", ["127.0.0.1:5679"], ["http", "websocket"]);
    const main = web("main", ["127.0.0.1:5678"], ["http", "websocket"]);
    for (const f of [hook, main]) dropRefusedWebsocket(f, new Set([5678, 5679]), new Set([5678]));
    expect([hook.protocols, main.protocols]).toEqual([["http"], ["http", "websocket"]]);
  });
});
