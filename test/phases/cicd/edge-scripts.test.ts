// What the design names around the services gets created: the HTTPS load balancer (with Cloud
// Armor), Memorystore and the subnet Direct VPC egress uses; the deploy wires them in (VPC flags,
// the cache's address, health probes). The real gcloud parses all of it in test/gcloud.
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { execa } from "execa";
import { parse } from "yaml";
import { afterAll, describe, expect, it } from "vitest";
import { offlineCicd } from "../../../src/phases/cicd/offline.js";
import { CICD_PATHS, renderCicd } from "../../../src/phases/cicd/render.js";
import type { PhaseInput } from "../../../src/contracts/phase.js";
import { findShellcheck, shellcheck } from "../../../src/validate/shellcheck.js";
import { chain, chainFile, chainYaml, EXAMPLE } from "../../helpers/chain.js";
import { inputFromFile } from "../../helpers/phase-input.js";
import { FIXTURE_FAKE_FUNCTIONS } from "../../helpers/fake-functions.js";
import { ROOT } from "./fixtures.js";

const FAKE_BIN = path.join(ROOT, "test/fixtures/fake-bin");
const dir = mkdtempSync(path.join(tmpdir(), "edge-scripts-"));
afterAll(() => rmSync(dir, { recursive: true, force: true }));
const files = (input: PhaseInput) => new Map(renderCicd(offlineCicd(input), input).map((a) => [a.path, a.content]));

let n = 0;
async function dryRun(content: string, args: string[] = []) {
  const file = path.join(dir, `script-${n}.sh`);
  const log = path.join(dir, `calls-${n++}.log`);
  writeFileSync(file, content);
  writeFileSync(log, "");
  const r = await execa("bash", [file, "--dry-run", ...args], {
    reject: false,
    extendEnv: false,
    env: { ...FIXTURE_FAKE_FUNCTIONS, PATH: `${FAKE_BIN}:/usr/bin:/bin`, FAKE_LOG: log },
  });
  return { ...r, printed: r.stdout.split("\n").filter((l) => l.startsWith("+ ")), calls: readFileSync(log, "utf8") };
}

const seed = files(chainFile(EXAMPLE("seed-vm")).input);
const django = files(chainFile(EXAMPLE("django-postgres")).input);
const apiOnly = files(chainFile(EXAMPLE("api-only")).input);
// The seed with its app's repository (examples/seed-vm/out holds app/main.py with GET /healthz).
const seedWithApp = files(
  chain({ ...inputFromFile(EXAMPLE("seed-vm")), repoDir: path.join(ROOT, "examples/seed-vm/out") }).input,
);
const hasShellcheck = (await findShellcheck()) !== undefined;

describe("setup-load-balancer.sh (the VM had nginx in front)", () => {
  it("creates the address, a serverless NEG and backend per public service, the certificate, HTTPS and the redirect", async () => {
    const r = await dryRun(seed.get(CICD_PATHS.setupLoadBalancer)!, ["--domain", "contracts.acme.example"]);
    expect(r.exitCode, r.stderr).toBe(0);
    expect(r.calls).toBe("");
    const verbs = r.printed.map((l) => l.split(" ").slice(2, 5).join(" "));
    expect(verbs).toEqual([
      "services enable compute.googleapis.com",
      "compute addresses create",
      "compute network-endpoint-groups create",
      "compute backend-services create",
      "compute backend-services add-backend",
      "compute url-maps create",
      "certificate-manager dns-authorizations create",
      "certificate-manager certificates create",
      "certificate-manager maps create",
      "certificate-manager maps entries",
      "compute target-https-proxies create",
      "compute forwarding-rules create",
      "compute url-maps import",
      "compute target-http-proxies create",
      "compute forwarding-rules create",
      "compute security-policies create",
      "compute security-policies rules",
      "compute security-policies rules",
      "compute security-policies rules",
      "compute backend-services update",
    ]);
    expect(r.printed.join("\n")).toContain("--cloud-run-service=web-app-prod");
    expect(r.printed.join("\n")).toContain("--domains=contracts.acme.example");
    // Issued before the DNS switch: authorized by a DNS record, not by the A record pointing here.
    expect(r.printed.join("\n")).toContain("certificate-manager dns-authorizations create web-app-prod-lb-auth-0");
    expect(r.printed.join("\n")).toContain("--certificate-map=web-app-prod-lb-certs");
    // Cloud Armor starts in preview: it logs, nothing is blocked until someone enforces a rule.
    const rules = r.printed.filter((l) => l.includes("security-policies rules create"));
    expect(rules).toHaveLength(3);
    expect(rules.every((l) => l.includes(" --preview "))).toBe(true);
  });

  it("needs --domain for a real run, and refuses a malformed one", async () => {
    const script = seed.get(CICD_PATHS.setupLoadBalancer)!;
    const file = path.join(dir, "lb.sh");
    writeFileSync(file, script);
    for (const args of [[], ["--domain", "not a domain"]]) {
      const r = await execa("bash", [file, ...args], { reject: false, env: { PATH: "/nonexistent:/usr/bin:/bin" } });
      expect(r.exitCode).toBe(2);
    }
  });

  it("is not generated without a reverse proxy to replace (Django serves :80 itself)", () => {
    expect(django.has(CICD_PATHS.setupLoadBalancer)).toBe(false);
  });
});

describe("setup-network.sh (Django's Redis cache)", () => {
  it("creates the network, the subnet for Direct VPC egress and Memorystore on it", async () => {
    const r = await dryRun(django.get(CICD_PATHS.setupNetwork)!);
    expect(r.exitCode, r.stderr).toBe(0);
    expect(r.printed).toEqual([
      "+ gcloud services enable compute.googleapis.com redis.googleapis.com --project bookshop-prod",
      "+ gcloud compute networks create bookshop-web-vpc --project bookshop-prod --subnet-mode=custom",
      "+ gcloud compute networks subnets create bookshop-web-run --project bookshop-prod --network bookshop-web-vpc --region europe-west1 --range 10.8.0.0/24 --enable-private-ip-google-access",
      "+ gcloud redis instances create bookshop-web-redis --region europe-west1 --project bookshop-prod --tier=standard --size=1 --redis-version=redis_7_2 --network=projects/bookshop-prod/global/networks/bookshop-web-vpc --connect-mode=DIRECT_PEERING",
    ]);
  });

  it("the deploy puts the services into that subnet and passes them the cache's address under their own name", () => {
    const wf = parse(django.get(CICD_PATHS.workflow)!) as {
      jobs: { deploy: { steps: Array<{ name: string; run?: string }> } };
    };
    const steps = wf.jobs.deploy.steps.filter((s) => s.run);
    expect(steps[0]!.name).toBe("Look up the bookshop-web-redis address (Memorystore, private IP)");
    expect(steps[0]!.run).toContain(
      'gcloud redis instances describe bookshop-web-redis --region "$REGION" --project "$PROJECT_ID" --format=\'value(host)\'',
    );
    expect(steps[0]!.run).toContain('echo "CACHE_0_URL=redis://${host}:${port}/0" >> "$GITHUB_ENV"');
    expect(steps[0]!.run).toContain('echo "CACHE_0_HOST=${host}" >> "$GITHUB_ENV"');
    // host:port only for a name that takes it (REDIS_ADDR; none here).
    expect(steps[0]!.run).not.toContain("CACHE_0_ADDR");
    const web = steps.find((s) => s.name === "Deploy bookshop-web (api)")!.run!.replace(/ \\\n\s+/g, " ");
    expect(web).toContain("--network=bookshop-web-vpc --subnet=bookshop-web-run --vpc-egress=private-ranges-only");
    // Celery stays on the same Redis (Memorystore): its broker URL gets the address too.
    expect(web).toContain(
      '"--set-env-vars=FORWARDED_ALLOW_IPS=*,CELERY_BROKER_URL=${CACHE_0_URL},REDIS_URL=${CACHE_0_URL}"',
    );
    // ...and the deployer may read the instance, nothing more.
    expect(django.get(CICD_PATHS.setupWif)).toContain("--role=roles/redis.viewer --condition=None");
  });

  it("a name that takes host:port (Go's REDIS_ADDR) gets the instance's host:port, looked up beside its URL", () => {
    const yaml = readFileSync(EXAMPLE("django-postgres"), "utf8").replaceAll("REDIS_URL", "REDIS_ADDR");
    const wf = parse(files(chainYaml(yaml).input).get(CICD_PATHS.workflow)!) as {
      jobs: { deploy: { steps: Array<{ name: string; run?: string }> } };
    };
    const steps = wf.jobs.deploy.steps.filter((s) => s.run);
    expect(steps[0]!.run).toContain('  echo "CACHE_0_ADDR=${host}:${port}"\n} >> "$GITHUB_ENV"');
    const web = steps.find((s) => s.name === "Deploy bookshop-web (api)")!.run!.replace(/ \\\n\s+/g, " ");
    expect(web).toContain("CELERY_BROKER_URL=${CACHE_0_URL},REDIS_ADDR=${CACHE_0_ADDR}");
  });

  it("is not generated when nothing reaches a private IP", () => {
    expect(apiOnly.has(CICD_PATHS.setupNetwork)).toBe(false);
  });
});

describe("health probes the design promises", () => {
  const deployRun = (built: Map<string, string>) => {
    const wf = parse(built.get(CICD_PATHS.workflow)!) as {
      jobs: { deploy: { steps: Array<{ name: string; run?: string }> } };
    };
    return (name: string) => wf.jobs.deploy.steps.find((s) => s.name === name)!.run!;
  };

  it("an API with a health route gets HTTP startup and liveness probes on it; workers keep Cloud Run's default", () => {
    const run = deployRun(seedWithApp);
    expect(run("Deploy web-app-prod (api)")).toContain(
      // The seed's API reaches Memorystore over Direct VPC egress: the longest startup window.
      "--startup-probe=httpGet.path=/healthz,httpGet.port=8080,periodSeconds=5,timeoutSeconds=3,failureThreshold=48",
    );
    expect(run("Deploy web-app-prod (api)")).toContain("--liveness-probe=httpGet.path=/healthz,httpGet.port=8080");
    expect(run("Deploy web-app-prod-worker (worker-pool)")).not.toContain("-probe=");
  });

  it("an API whose repository shows no health route gets a TCP startup probe and no liveness GET", () => {
    const run = deployRun(seed)("Deploy web-app-prod (api)");
    expect(run).toContain("--startup-probe=tcpSocket.port=8080");
    expect(run).not.toContain("--liveness-probe");
    expect(run).toContain("--health-path / --health-mode reachable");
  });
});

describe.skipIf(!hasShellcheck)("shellcheck", () => {
  it.each([
    ["setup-load-balancer.sh", seed.get(CICD_PATHS.setupLoadBalancer)!],
    ["setup-network.sh", django.get(CICD_PATHS.setupNetwork)!],
  ])("%s is clean", async (_name, script) => {
    expect(await shellcheck(script)).toEqual([]);
  });
});
