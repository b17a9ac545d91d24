// A web process that also opens a listener of another protocol (Gitea's own SSH server for git on
// 2222 beside its web UI on 3000): Cloud Run serves the HTTP port, and the other listener is an
// open decision of its own with options and costs, never dropped without a word.
import { describe, expect, it } from "vitest";
import { designPhase } from "../../../src/phases/design/index.js";
import { designResultSchema } from "../../../src/phases/design/schema.js";
import { designInputFromYaml } from "./design-input.js";

const design = (protocols: string, listen: string, extra = "", role = "web") =>
  designResultSchema.parse(
    designPhase.offline(
      designInputFromYaml(`apiVersion: infra-migrate/v1
kind: Inventory
metadata: { name: forge }
host: { hostname: vm, os: "Debian GNU/Linux 12 (bookworm)", cpus: 2 }
services:
  - { name: nginx, role: reverse-proxy, software: nginx, listen: ["0.0.0.0:443"], dependsOn: [forge] }
  - { name: forge, role: ${role}, software: forge, runtime: go, protocols: ${protocols}, command: "/usr/local/bin/forge web", listen: ${listen}, dependsOn: [db]${extra}, longRunning: true }
  - { name: db, role: database, software: postgres, listen: ["127.0.0.1:5432"] }
data:
  - { service: db, engine: postgres, version: "16", sizeGiB: 5, backups: none }
deploy: { method: ssh-script }
target: { project: forge-prod, region: us-central1, service: forge }
`),
    ),
  );

describe("a web process with a second, non-HTTP listener", () => {
  it("runs on Cloud Run for HTTP and leaves the SSH port as an open decision with two priced options", () => {
    const result = design("[http, tcp]", '["127.0.0.1:3000", "0.0.0.0:2222"]');
    const forge = result.mapping.filter((m) => m.service === "forge");
    expect(forge.map((m) => m.target.kind)).toEqual(["cloud-run-service", "needs-decision"]);
    const open = forge[1]!;
    expect(open.target.name).toBe("forge-raw-tcp");
    expect(open.reason).toContain("port 2222");
    expect(open.options!.map((o) => o.option)).toEqual([
      "Serve those clients over HTTP and turn the listener off",
      "Keep port 2222 on a small Compute Engine VM",
    ]);
    expect(open.options![1]!.cost).toMatch(/^about \$\d+\.\d\d\/month/);
    expect(result.deployment.services.map((s) => s.name)).toEqual(["forge"]);
  });

  it.each([
    ["HTTP only", "[http]", '["127.0.0.1:3000"]', []],
    ["an SMTP listener beside HTTP", "[http, smtp]", '["127.0.0.1:3000", "0.0.0.0:25"]', ["needs-decision"]],
  ])("%s", (_name, protocols, listen, extra) => {
    const kinds = design(protocols, listen)
      .mapping.filter((m) => m.service === "forge")
      .map((m) => m.target.kind);
    expect(kinds).toEqual(["cloud-run-service", ...extra]);
  });
});

// A tracking server (Traccar) opens one port per device protocol, TCP and UDP, beside its web app:
// the ports come from the VM's firewall (services[].rawPorts), not from a second `listen` address.
describe("raw TCP and UDP ports clients reach directly", () => {
  const raw = ', rawPorts: ["5000-5500/tcp", "5000-5500/udp", "6037/tcp"]';

  it("keeps the web app on Cloud Run and names every port and transport in a decision of its own", () => {
    const result = design("[http, websocket, tcp, udp]", '["127.0.0.1:8082"]', raw);
    const forge = result.mapping.filter((m) => m.service === "forge");
    expect(forge.map((m) => m.target.kind)).toEqual(["cloud-run-service", "needs-decision"]);
    const open = forge[1]!;
    expect(open.target.name).toBe("forge-raw-tcp");
    expect(open.reason).toContain("ports 5000–5500 (TCP and UDP), 6037 (TCP)");
    expect(open.reason).toContain("receives no UDP at all");
    expect(open.options![1]!.option).toBe(
      "Keep ports 5000–5500 (TCP and UDP), 6037 (TCP) on a small Compute Engine VM",
    );
    expect(open.options![1]!.change).toContain("UDP has no serverless home on Google Cloud");
    expect(open.options![0]!.change).toContain("devices whose firmware speaks one protocol cannot");
    // The summary says what is to be decided, not only whose: forge itself runs on Cloud Run.
    expect(open.subject).toBe("forge's raw listeners on ports 5000–5500 (TCP and UDP), 6037 (TCP)");
    expect(result.summary).toContain(
      "Decide before the cut-over: forge's raw listeners on ports 5000–5500 (TCP and UDP), 6037 (TCP) (options and costs in architecture.md).",
    );
  });

  it("does not count the audit's raw-listener risk as closed by Cloud Run: it points at the open decision", () => {
    const result = design("[http, websocket, tcp, udp]", '["127.0.0.1:8082"]', raw);
    const risk = result.riskTrace.find((t) => t.reason.includes("raw listeners"));
    expect(risk).toMatchObject({ status: "accepted", decisionIds: [], element: "needs a decision: forge's raw ports" });
    expect(risk!.reason).toContain("keep the VM and the DNS name its clients use");
  });

  it("keeps a home for the raw ports' clients in the cut-over, before DNS moves, and none for an HTTP-only app", () => {
    const steps = (yaml: string) =>
      design(yaml, '["127.0.0.1:8082"]', yaml.includes("udp") ? raw : "").runbook.cutover.map((c) => c.title);
    const withRaw = design("[http, websocket, tcp, udp]", '["127.0.0.1:8082"]', raw).runbook.cutover;
    const at = withRaw.findIndex((c) => c.title === "Keep a home for the raw ports' clients before DNS moves");
    expect(at).toBeGreaterThan(-1);
    expect(withRaw[at + 1]!.title).toMatch(/^Switch DNS/);
    expect(withRaw[at]!.detail).toContain("forge: 5000–5500 (TCP and UDP), 6037 (TCP)");
    expect(steps("[http]")).not.toContain("Keep a home for the raw ports' clients before DNS moves");
  });

  it("gives a worker's raw ports a decision too: a worker pool receives no connections", () => {
    const result = design("[tcp]", "[]", ', rawPorts: ["5055/tcp"]', "worker");
    const forge = result.mapping.filter((m) => m.service === "forge");
    expect(forge.map((m) => m.target.kind)).toEqual(["cloud-run-worker-pool", "needs-decision"]);
    expect(forge[1]!.reason).toContain("forge listens on port 5055 (TCP)");
    expect(forge[1]!.reason).not.toContain("UDP");
  });

  it("a process that speaks only raw protocols is a decision whose VM option opens its ports", () => {
    const result = design("[tcp, udp]", "[]", raw, "other");
    const forge = result.mapping.filter((m) => m.service === "forge");
    expect(forge.map((m) => m.target.kind)).toEqual(["needs-decision"]);
    expect(forge[0]!.reason).toContain("on ports 5000–5500 (TCP and UDP), 6037 (TCP)");
    expect(forge[0]!.reason).toContain("no serverless Google Cloud product receives UDP");
    expect(forge[0]!.options![0]!.change).toContain("firewall rules for ports 5000–5500 (TCP and UDP), 6037 (TCP)");
  });
});

// A plain Java server (embedded Jetty, no framework) listens on the port its own settings give it
// and reads no PORT, whoever builds its image: the service keeps that port; a Spring app reads PORT.
describe("the container port of a Java web process with no image planned", () => {
  const port = (framework: string) =>
    designResultSchema
      .parse(
        designPhase.offline(
          designInputFromYaml(`apiVersion: infra-migrate/v1
kind: Inventory
metadata: { name: tracker }
services:
  - { name: caddy, role: reverse-proxy, software: caddy, listen: ["0.0.0.0:443"], dependsOn: [tracker] }
  - { name: tracker, role: web, software: java, runtime: java${framework}, command: "java -jar tracker-server.jar conf/traccar.xml", listen: ["127.0.0.1:8082"], protocols: [http, websocket] }
deploy: { method: ssh-script }
target: { project: tracker-prod, region: us-central1, service: tracker }
`),
        ),
      )
      .deployment.services.map((s) => s.port);
  it.each([
    ["no framework: the VM's port", "", [8082]],
    ["Spring: PORT", ", framework: spring", [8080]],
  ])("%s", (_name, framework, want) => {
    expect(port(framework)).toEqual(want);
  });
});
