// Public settings a front end's bundler inlines when the app is built (Next.js NEXT_PUBLIC_*,
// Vite VITE_*, Create React App REACT_APP_*) change nothing in the browser code when set on Cloud
// Run at runtime, and every visitor downloads them: the design passes them to the image build
// (buildArgs), never as secrets or runtime env, and the mapping says so. A VITE_ name in an app
// with no Vite, and Nuxt 3's NUXT_PUBLIC_* (read when the server starts), stay runtime settings.
// The hand inventory next-fastify (Next.js with NEXT_PUBLIC_API_URL) showed it as a secret.
import { describe, expect, it } from "vitest";
import { designPhase } from "../../../src/phases/design/index.js";
import { designResultSchema, type DesignResult } from "../../../src/phases/design/schema.js";
import { buildTimeSettings } from "../../../src/contracts/build-time-env.js";
import { openRepo } from "../../../src/image/repo.js";
import type { Service } from "../../../src/inventory/schema.js";
import { TempTrees } from "../../helpers/file-tree.js";
import { afterAll } from "vitest";
import { designInputFromYaml } from "./design-input.js";

const trees = new TempTrees("build-time-env-");
afterAll(() => trees.removeAll());

const inventory = (software: string, env: string, plain: string) => `apiVersion: infra-migrate/v1
kind: Inventory
metadata: { name: fleetly }
services:
  - { name: web, role: web, software: ${software}, runtime: node, command: "node server.js", listen: ["127.0.0.1:3000"], env: ${env}, plainEnv: ${plain} }
deploy: { method: ssh-pm2 }
target: { project: fleetly-prod, region: us-east4, service: fleetly }
`;
const design = (software: string, env: string, plain = "[]"): DesignResult =>
  designResultSchema.parse(designPhase.offline(designInputFromYaml(inventory(software, env, plain))));

describe("build-time public settings", () => {
  it("Next.js: NEXT_PUBLIC_* goes to the image build, not Secret Manager nor runtime env", () => {
    const r = design(
      "next",
      "[NEXT_PUBLIC_API_URL, NEXT_PUBLIC_SENTRY_DSN, NEXTAUTH_SECRET, NODE_ENV]",
      "[NEXT_PUBLIC_API_URL]",
    );
    const web = r.deployment.services.find((t) => t.replaces.includes("web"))!;
    expect(web.buildArgs).toEqual(["NEXT_PUBLIC_API_URL", "NEXT_PUBLIC_SENTRY_DSN"]);
    expect(web.secrets).toEqual(["NEXTAUTH_SECRET"]);
    expect(web.plainEnv ?? []).not.toContain("NEXT_PUBLIC_API_URL");
    expect(Object.keys(web.env ?? {})).not.toContain("NEXT_PUBLIC_API_URL");
    const changes = r.mapping.find((m) => m.service === "web")!.appChanges.join("\n");
    expect(changes).toContain(
      "NEXT_PUBLIC_API_URL, NEXT_PUBLIC_SENTRY_DSN (Next.js): public settings the front end's bundler writes into the browser code when the app is built",
    );
    expect(changes).not.toMatch(/NEXT_PUBLIC_\w+[^.]*keep(s)? (its|their) values? from the VM/);
  });

  it("a prefix with no such bundler in the app stays a runtime setting", () => {
    const r = design("express", "[VITE_MODE, REACT_APP_KEY, NUXT_PUBLIC_API_BASE]");
    const web = r.deployment.services.find((t) => t.replaces.includes("web"))!;
    expect(web.buildArgs).toBeUndefined();
    expect(web.secrets).toEqual(["NUXT_PUBLIC_API_BASE", "REACT_APP_KEY", "VITE_MODE"]);
  });

  it("the bundler is found from the repository's package.json (Vite, Create React App); never Nuxt", () => {
    const s: Service = {
      name: "web",
      role: "web",
      software: "node",
      runtime: "node",
      listen: [],
      dependsOn: [],
      env: [],
    };
    const names = ["VITE_API_URL", "REACT_APP_API", "NUXT_PUBLIC_API_BASE", "VITE_", "SECRET_KEY"];
    const vite = openRepo(
      trees.makeSync({ "client/package.json": JSON.stringify({ devDependencies: { vite: "^5" } }) }),
    );
    expect([...buildTimeSettings(s, names, vite)]).toEqual([["VITE_API_URL", "Vite"]]);
    const cra = openRepo(
      trees.makeSync({ "package.json": JSON.stringify({ dependencies: { "react-scripts": "5", nuxt: "3" } }) }),
    );
    expect([...buildTimeSettings(s, names, cra)]).toEqual([["REACT_APP_API", "Create React App"]]);
  });
});
