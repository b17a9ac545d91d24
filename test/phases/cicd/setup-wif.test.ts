// The rendered setup-wif.sh runs for real against the fake gcloud/gh on PATH.
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { execa } from "execa";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { offlineCicd } from "../../../src/phases/cicd/offline.js";
import { CICD_PATHS, renderCicd } from "../../../src/phases/cicd/render.js";
import { FIXTURE_FAKE_FUNCTIONS } from "../../helpers/fake-functions.js";
import { ROOT, seedInput } from "./fixtures.js";

const FAKE_BIN = path.join(ROOT, "test/fixtures/fake-bin");
let dir: string;
let script: string;

beforeAll(() => {
  dir = mkdtempSync(path.join(tmpdir(), "setup-wif-"));
  const input = seedInput();
  const artifact = renderCicd(offlineCicd(input), input).find((a) => a.path === CICD_PATHS.setupWif)!;
  script = path.join(dir, "setup-wif.sh");
  writeFileSync(script, artifact.content);
});
afterAll(() => rmSync(dir, { recursive: true, force: true }));

let n = 0;
async function setupWif(args: string[], env: Record<string, string> = {}) {
  const log = path.join(dir, `calls-${n++}.log`);
  writeFileSync(log, "");
  const run = await execa("bash", [script, ...args], {
    reject: false,
    extendEnv: false,
    env: { ...FIXTURE_FAKE_FUNCTIONS, PATH: `${FAKE_BIN}:/usr/bin:/bin`, FAKE_LOG: log, ...env },
  });
  const calls = readFileSync(log, "utf8").trim().split("\n").filter(Boolean);
  return { exitCode: run.exitCode, stdout: run.stdout, stderr: run.stderr, calls };
}

const IDS = ["--repository-owner-id", "1234", "--repository-id", "5678"];
const CONDITION =
  "assertion.repository_owner_id == '1234' && assertion.repository_id == '5678' && assertion.ref == 'refs/heads/main'";
const DEPLOY_CONDITION = `${CONDITION} && assertion.environment == 'production'`;
const POOL = "projects/123456789012/locations/global/workloadIdentityPools/github";
const quoted = (s: string) => s.replace(/ /g, "\\ ").replace(/'/g, "\\'").replace(/&/g, "\\&");

describe("setup-wif.sh", () => {
  it("--dry-run prints every command and runs none", async () => {
    const r = await setupWif(["--dry-run", ...IDS]);
    expect(r.exitCode).toBe(0);
    expect(r.calls).toEqual([]);
    expect(r.stdout).toContain("+ gcloud iam workload-identity-pools providers create-oidc github-build");
    expect(r.stdout).toContain("+ gcloud iam workload-identity-pools providers create-oidc github-deploy");
    expect(r.stdout).toContain(`--attribute-condition=${quoted(CONDITION)}\n`);
    expect(r.stdout).toContain(`--attribute-condition=${quoted(DEPLOY_CONDITION)}\n`);
    expect(r.stdout).toContain("gh variable set WIF_DEPLOY_PROVIDER --repo acme/web-app");
    expect(r.stdout).toContain("WIF_BUILD_SERVICE_ACCOUNT=github-builder@acme-mvp-prod.iam.gserviceaccount.com");
    expect(r.stdout).toContain("WIF_DEPLOY_SERVICE_ACCOUNT=github-deployer@acme-mvp-prod.iam.gserviceaccount.com");
  });

  it("creates what is missing, with least-privilege grants only", async () => {
    const r = await setupWif(IDS, { FAKE_RESOURCES_EXIST: "0" });
    expect(r.exitCode).toBe(0);
    const creates = r.calls.filter((c) => / create(-oidc)? /.test(c)).map((c) => c.split(" --")[0]);
    expect(creates).toEqual([
      "gcloud artifacts repositories create acme-mvp",
      "gcloud iam service-accounts create github-builder",
      "gcloud iam service-accounts create github-deployer",
      "gcloud iam service-accounts create web-app-api",
      "gcloud iam service-accounts create web-app-worker",
      "gcloud iam workload-identity-pools create github",
      "gcloud iam workload-identity-pools providers create-oidc github-build",
      "gcloud iam workload-identity-pools providers create-oidc github-deploy",
    ]);
    const [build, deploy] = r.calls.filter((c) => c.includes("create-oidc"));
    expect(build).toMatch(new RegExp(`--attribute-condition=${CONDITION.replace(/[|.()]/g, "\\$&")}$`));
    expect(deploy).toContain(`--attribute-condition=${DEPLOY_CONDITION}`);
    // Only the deploy provider maps the environment, which the deployer's binding requires.
    expect(build).not.toContain("attribute.environment");
    expect(deploy).toContain("attribute.environment=assertion.environment");
    const identities = r.calls.filter((c) => c.includes("roles/iam.workloadIdentityUser"));
    expect(identities).toEqual([
      expect.stringMatching(
        new RegExp(
          `add-iam-policy-binding github-builder@.*--member=principalSet://iam.googleapis.com/${POOL}/attribute.repository_id/5678$`,
        ),
      ),
      expect.stringMatching(
        new RegExp(
          `add-iam-policy-binding github-deployer@.*--member=principalSet://iam.googleapis.com/${POOL}/attribute.environment/production$`,
        ),
      ),
    ]);
    // The builder pushes images and does nothing else; the deployer never pushes.
    expect(r.calls.filter((c) => c.includes("serviceAccount:github-builder@"))).toEqual([
      expect.stringMatching(
        /^gcloud artifacts repositories add-iam-policy-binding acme-mvp .*roles\/artifactregistry\.writer$/,
      ),
    ]);
    expect(
      r.calls.filter((c) => c.includes("serviceAccount:github-deployer@") && c.includes("artifactregistry")),
    ).toEqual([]);
    const roles = r.calls.flatMap((c) => /--role=(\S+)/.exec(c)?.[1] ?? []);
    expect(new Set(roles)).toEqual(
      new Set([
        "roles/iam.workloadIdentityUser",
        "roles/run.developer",
        "roles/artifactregistry.writer",
        "roles/iam.serviceAccountUser",
        "roles/cloudsql.client",
        // read-only: the canary judges each step on the new revision's request metrics
        "roles/monitoring.viewer",
      ]),
    );
    expect(r.calls.join("\n")).not.toMatch(/roles\/(owner|editor|run\.admin)|keys create/);
    expect(r.calls.find((c) => c.includes("artifactregistry.writer"))).toMatch(
      /^gcloud artifacts repositories add-iam-policy-binding acme-mvp /,
    );
    // Secrets and who reads them are scripts/setup-secrets.sh's job.
    expect(r.calls.some((c) => c.includes("secret"))).toBe(false);
  });

  it("is idempotent: existing resources are not created again, the provider is converged", async () => {
    const r = await setupWif(IDS, { FAKE_RESOURCES_EXIST: "1" });
    expect(r.exitCode).toBe(0);
    expect(r.calls.filter((c) => / create(-oidc)? /.test(c))).toEqual([]);
    expect(r.calls.filter((c) => c.includes("update-oidc"))).toEqual([
      expect.stringContaining(`--attribute-condition=${CONDITION}`),
      expect.stringContaining(`--attribute-condition=${DEPLOY_CONDITION}`),
    ]);
    expect(r.calls.some((c) => c.includes("remove-iam-policy-binding"))).toBe(false);
  });

  it("drops an earlier setup's binding of the deployer to the whole repository (the environment gate)", async () => {
    const legacy = `principalSet://iam.googleapis.com/${POOL}/attribute.repository_id/5678`;
    const r = await setupWif(IDS, {
      FAKE_RESOURCES_EXIST: "1",
      FAKE_IAM_POLICY: `{"bindings":[{"members":["${legacy}"]}]}`,
    });
    expect(r.exitCode).toBe(0);
    expect(r.calls.filter((c) => c.includes("remove-iam-policy-binding"))).toEqual([
      `gcloud iam service-accounts remove-iam-policy-binding github-deployer@acme-mvp-prod.iam.gserviceaccount.com --project acme-mvp-prod --role=roles/iam.workloadIdentityUser --member=${legacy}`,
    ]);
  });

  it("leaves another repository's binding alone when its ID only starts with this one's", async () => {
    const other = `principalSet://iam.googleapis.com/${POOL}/attribute.repository_id/56789`;
    const r = await setupWif(IDS, {
      FAKE_RESOURCES_EXIST: "1",
      FAKE_IAM_POLICY: `{"bindings":[{"members":["${other}"]}]}`,
    });
    expect(r.exitCode).toBe(0);
    expect(r.calls.some((c) => c.includes("remove-iam-policy-binding"))).toBe(false);
  });

  it("looks the repository IDs up with gh when not given", async () => {
    const r = await setupWif([], { FAKE_GH_OWNER_ID: "1234", FAKE_GH_REPO_ID: "5678" });
    expect(r.exitCode).toBe(0);
    expect(r.calls.filter((c) => c.startsWith("gh api repos/acme/web-app"))).toHaveLength(2);
    expect(r.calls.find((c) => c.includes("create-oidc"))).toContain(CONDITION);
  });

  it.each([
    ["no IDs anywhere", [], {}],
    ["a non-numeric owner id", ["--repository-owner-id", "1 || true", "--repository-id", "5"], {}],
    ["a malformed repository", ["--github-repo", "acme/web;app", ...IDS], {}],
  ])("refuses %s (exit 2, no gcloud call)", async (_, args, env) => {
    const r = await setupWif(args, env);
    expect(r.exitCode).toBe(2);
    expect(r.calls.filter((c) => c.startsWith("gcloud"))).toEqual([]);
  });
});
