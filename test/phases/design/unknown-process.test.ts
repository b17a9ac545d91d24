// A long-running process of no known kind: the design guesses no target and opens a decision. One
// that runs a published image of its own (Immich's machine-learning service) is offered that image
// on Cloud Run, as an internal service when the app calls it over HTTP, not the app's worker image.
import { describe, expect, it } from "vitest";
import { designPhase } from "../../../src/phases/design/index.js";
import { designResultSchema, type DesignResult } from "../../../src/phases/design/schema.js";
import { designInputFromYaml } from "./design-input.js";

function design(other: string, proxy = ""): DesignResult {
  const yaml = `apiVersion: infra-migrate/v1
kind: Inventory
metadata: { name: app }
services:
${proxy}  - { name: web, role: web, software: gunicorn, runtime: python, command: gunicorn app.wsgi, listen: ["127.0.0.1:8000"] }
  - { name: helper, role: other, software: helper, longRunning: true${other} }
deploy: { method: ssh-systemctl }
target: { project: app-prod, region: europe-west1, service: app }
`;
  return designResultSchema.parse(designPhase.offline(designInputFromYaml(yaml)));
}

const options = (r: DesignResult) => r.mapping.find((m) => m.service === "helper")!.options!;

describe("a long-running process of no known kind", () => {
  it("that runs a published image is offered that image on Cloud Run, internal when the app calls it", () => {
    const entry = design(', image: "ghcr.io/acme/helper:v2"').mapping.find((m) => m.service === "helper")!;
    expect(entry.target.kind).toBe("needs-decision");
    const first = entry.options![0]!;
    expect(first.option).toBe("Run helper on Cloud Run from its own image (ghcr.io/acme/helper:v2)");
    expect(first.change).toMatch(/Copy ghcr\.io\/acme\/helper:v2 into Artifact Registry.*internal ingress/);
    expect(first.cost).toMatch(/\$/);
    expect(options(design("")).map((o) => o.option)).not.toContain(first.option);
  });

  it("without one is offered a worker pool from the app's image, and every option has a cost or a pricing pointer", () => {
    const opts = options(design(""));
    expect(opts[0]!.option).toBe("Run helper in a Cloud Run worker pool from the app's image");
    for (const o of opts) expect(o.cost).toMatch(/\$|pricing/);
  });

  it("that the VM's proxy sends a path to on its own port is offered a Cloud Run service first (Celery's Flower)", () => {
    const proxy =
      '  - { name: nginx, role: reverse-proxy, software: nginx, listen: ["0.0.0.0:443"], dependsOn: [web, helper], routes: [{ path: /flower/, service: helper }, { path: /, service: web }] }\n';
    const entry = design(
      ', command: "celery -A app flower --port=5555", listen: ["127.0.0.1:5555"]',
      proxy,
    ).mapping.find((m) => m.service === "helper")!;
    expect(entry.reason).toContain(
      "The VM's proxy sends /flower/ to helper on port 5555, so it answers HTTP: a worker pool (no endpoint) would not serve it.",
    );
    const first = entry.options![0]!;
    expect(first.option).toBe("Run helper as a Cloud Run service from the app's image (it answers HTTP on port 5555)");
    expect(first.change).toContain("set its role to web");
    expect(first.change).toContain("the load balancer routes /flower/ to it");
    expect(first.change).toContain("Identity-Aware Proxy");
    // Listening alone, with no proxy in front, says nothing about HTTP.
    const alone = options(design(', listen: ["127.0.0.1:5555"]'));
    expect(alone[0]!.option).toBe("Run helper in a Cloud Run worker pool from the app's image");
  });

  it("whose program the VM installed outside the app's folder (a vendor's server) is offered the vendor's image, not the app's", () => {
    const proxy =
      '  - { name: nginx, role: reverse-proxy, software: nginx, listen: ["0.0.0.0:443"], dependsOn: [web, helper], routes: [{ path: /.well-known/mercure, service: helper }, { path: /, service: web }] }\n';
    const entry = design(
      ', command: "/usr/local/bin/mercure run --config /etc/mercure/Caddyfile", listen: ["127.0.0.1:3000"]',
      proxy,
    ).mapping.find((m) => m.service === "helper")!;
    const first = entry.options![0]!;
    expect(first.option).toBe("Run helper on Cloud Run from its vendor's image (it answers HTTP on port 3000)");
    expect(first.change).toContain("/usr/local/bin/mercure is installed on the VM outside the app's folder");
    expect(first.change).toContain("route /.well-known/mercure to it on the load balancer");
    expect(entry.options!.map((o) => o.option)).not.toContain(
      "Run helper as a Cloud Run service from the app's image (it answers HTTP on port 3000)",
    );
    const pool = entry.options!.find((o) => o.option.includes("worker pool"))!;
    expect(pool.change).toContain("install it in the Dockerfile first");
  });
});
