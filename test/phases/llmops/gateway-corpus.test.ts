// The AI gateway on real apps that cannot mount a FastAPI router: the Django, Rails and Node apps
// of the corpus, each given an `llm` section. The enqueue side must be a private service of its
// own that every phase knows about (design, deploy workflow, setup script, observe, the plan),
// never a router the app would have to mount; and the app's own test job must not run its tests.
import path from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { parse } from "yaml";
import { isAiGatewayTarget, isAiWorkerTarget, type Deployment } from "../../../src/contracts/deployment.js";
import { loadPhase, type PhaseId } from "../../../src/phases/registry.js";
import { corpusWithLlm } from "../../helpers/llm-inventory.js";
import { renderOffline, repoFor } from "../../helpers/offline-output.js";
import { inputFromFile, ROOT } from "../../helpers/phase-input.js";

const disposers: Array<() => void> = [];
afterAll(() => disposers.forEach((dispose) => dispose()));

/** The corpus inventory with an llm section, written beside nothing else (the repo is passed in). */
function withLlm(app: string): { file: string; repo: string | undefined } {
  const { file, repo, dispose } = corpusWithLlm(app);
  disposers.push(dispose);
  return { file, repo };
}

type Step = { name: string; run?: string };

describe.each([
  ["healthchecks", "django", "python"],
  ["maybe", "rails", "ruby"],
  ["outline", "koa", "node"],
])("%s (%s) with an llm section", (app) => {
  const rendered = (() => {
    const { file, repo } = withLlm(app);
    return renderOffline(file, repo);
  })();
  const files = async () => new Map((await rendered).artifacts.map((a) => [a.path, a.content]));
  const deployment = async () => ((await rendered).results.design as { deployment: Deployment }).deployment;

  it("plans a private AI gateway from the worker's image, outside the load balancer", async () => {
    const dep = await deployment();
    const gateway = dep.services.find(isAiGatewayTarget)!;
    const worker = dep.services.find(isAiWorkerTarget)!;
    expect(gateway).toBeDefined();
    expect(gateway.source).toEqual(worker.source);
    expect(gateway.command).toEqual(expect.arrayContaining(["uvicorn", "gateway:app_from_env"]));
    expect(gateway.serviceAccount).not.toBe(worker.serviceAccount);
    expect(gateway.env).toMatchObject({ AI_QUEUE: expect.any(String), AI_INVOKER_SERVICE_ACCOUNT: expect.any(String) });
    expect(dep.loadBalancer?.backends ?? []).not.toContain(gateway.name);
    // The app enqueues nothing itself: it has no queue settings.
    for (const api of dep.services.filter((s) => s.kind === "api" && s !== gateway))
      expect(Object.keys(api.env ?? {})).not.toContain("AI_QUEUE");
  });

  it("writes gateway.py and its tests, and no instruction to mount a router", async () => {
    const out = await files();
    expect(out.get("services/ai-worker/gateway.py")).toMatch(/def app_from_env\(\)/);
    expect(out.get("services/ai-worker/tests/test_gateway.py")).toMatch(/def test_/);
    expect(out.get("services/ai-worker/Dockerfile")).toMatch(/COPY .*gateway\.py/);
    expect(out.get("services/ai-worker/api_handler.py")).not.toMatch(/Mount it in the product's FastAPI app/);
    const plan = out.get("docs/migration/README.md")!;
    expect(plan).not.toMatch(/Mount the router/);
    expect(plan).toMatch(/AI gateway/);
    expect(plan).toContain("$AI_GATEWAY_URL/ai/");
    const mapping = out.get("docs/migration/design/mapping.json")!;
    expect(mapping).not.toMatch(/api_handler\.py router does both/);
    expect(mapping).toMatch(/private AI gateway/);
    expect(out.get("docs/migration/design/decisions.md")).toMatch(/gateway\.py/);
    expect(out.get("docs/migration/llmops/architecture.md")).toMatch(/## Calling the AI gateway/);
  });

  it("builds the shared image once, deploys the gateway between the worker and the app, with the right URLs", async () => {
    const dep = await deployment();
    const gateway = dep.services.find(isAiGatewayTarget)!;
    const worker = dep.services.find(isAiWorkerTarget)!;
    const workflow = parse((await files()).get(".github/workflows/deploy.yml")!);
    const builds = (workflow.jobs.build.steps as Step[]).filter((s) =>
      s.run?.includes("services/ai-worker/Dockerfile"),
    );
    expect(builds).toHaveLength(1);
    const steps = workflow.jobs.deploy.steps as Step[];
    const at = (prefix: string) => steps.findIndex((s) => s.name.startsWith(prefix));
    const gatewayStep = steps[at(`Deploy ${gateway.name} `)]!;
    expect(at(`Look up the ${worker.name} URL`)).toBeLessThan(at(`Deploy ${gateway.name} `));
    expect(at(`Deploy ${gateway.name} `)).toBeLessThan(at(`Look up the ${gateway.name} URL`));
    expect(gatewayStep.run).toContain(`"$REGISTRY/${worker.name}:$GITHUB_SHA"`);
    expect(gatewayStep.run).toContain("--strategy direct");
    expect(gatewayStep.run).toContain("--command=uvicorn");
    expect(gatewayStep.run).toMatch(/AI_WORKER_URL=\$\{AI_WORKER_URL\}/);
    for (const api of dep.services.filter((s) => s.kind === "api" && s !== gateway)) {
      const i = at(`Deploy ${api.name} `);
      expect(i).toBeGreaterThan(at(`Look up the ${gateway.name} URL`));
      expect(steps[i]!.run).toMatch(/AI_GATEWAY_URL=\$\{AI_GATEWAY_URL\}/);
      expect(steps[i]!.run).not.toContain("AI_WORKER_URL");
    }
    // Nobody is told to open the gateway to everyone.
    expect((await rendered).steps.flatMap((s) => s.commands ?? []).join("\n")).not.toMatch(
      new RegExp(`add-iam-policy-binding ${gateway.name} .*allUsers`),
    );
  });

  it("keeps the worker's pytest out of the app's own test job", async () => {
    const workflow = parse((await files()).get(".github/workflows/deploy.yml")!);
    const appTest = JSON.stringify(workflow.jobs.test);
    if (/pytest/.test(appTest)) expect(workflow.jobs.test.env?.PYTEST_ADDOPTS).toContain("--ignore=services/ai-worker");
    const workerJob = Object.entries(workflow.jobs).find(([id]) => id.startsWith("test-") && id.endsWith("-ai-worker"));
    expect(workerJob?.[1]).toMatchObject({ defaults: { run: { "working-directory": "services/ai-worker" } } });
  });

  it("lets the gateway enqueue and only the app invoke it; Vertex AI stays the worker's", async () => {
    const dep = await deployment();
    const gateway = dep.services.find(isAiGatewayTarget)!;
    const script = (await files()).get("scripts/setup-ai-worker.sh")!;
    expect(script).toContain(`GATEWAY_SA="${gateway.serviceAccount}@`);
    expect(script).toMatch(/for enqueuer in "\$GATEWAY_SA" "\$WORKER_SA"/);
    expect(script).toMatch(
      /add-iam-policy-binding "\$GATEWAY_SERVICE"[^\n]*\\\n\s+--member "serviceAccount:\$\{API_SA\}" --role roles\/run\.invoker/,
    );
    const vertex = script.split("\n").filter((l) => l.includes("roles/aiplatform.user"));
    expect(vertex).toHaveLength(1);
    expect(script.split("\n")[script.split("\n").indexOf(vertex[0]!) - 1]).not.toContain("GATEWAY");
    expect(script).toMatch(/--member "serviceAccount:\$\{WORKER_SA\}" --role roles\/aiplatform\.user/);
  });

  it("does not count the gateway's database URL as the app's: the database step reads as without llm", async () => {
    const original = path.join(ROOT, "test/fixtures/real", app, "inventory.yaml");
    const without = await renderOffline(original, repoFor(original));
    const warns = (steps: { body: string }[]) => steps.some((s) => /The app does not read it yet/.test(s.body));
    expect(warns((await rendered).steps)).toBe(warns(without.steps));
  });

  it("watches the gateway with request SLOs, not with a public uptime check", async () => {
    const dep = await deployment();
    const gateway = dep.services.find(isAiGatewayTarget)!;
    const out = await files();
    expect(out.get(`monitoring/slos/${gateway.name}-availability.json`)).toContain(gateway.name);
    expect(out.get(`monitoring/slos/${gateway.name}-latency.json`)).toContain(gateway.name);
    // setup-observability.sh creates one uptime check per public service (`uptime SERVICE …`).
    const uptime = out
      .get("scripts/setup-observability.sh")!
      .split("\n")
      .filter((l) => /^uptime [a-z]/.test(l));
    expect(uptime.length).toBeGreaterThan(0);
    expect(uptime.filter((l) => l.includes(gateway.name))).toEqual([]);
  });
});

// The real validators on one app's whole output (Rails: nothing of the gateway is Python the app
// knows). Its generated pytest suite, gateway tests included, runs with the other generated suites
// in one Python process (generated-pytest.test.ts: ~2 s of CPU for an interpreter and its imports
// here), and its gcloud commands are parsed with every inventory's (generated-commands.test.ts).
describe("maybe (rails) with an llm section: validators", async () => {
  const { file, repo } = withLlm("maybe");
  const base = { ...inputFromFile(file), ...(repo ? { repoDir: repo } : {}) };
  const out = await renderOffline(file, repo);
  const phaseFiles = (id: PhaseId) => out.artifacts.filter((a) => out.results[id] && ownedBy(a.path, id));
  const ownedBy = (p: string, id: PhaseId) =>
    id === "llmops"
      ? p.startsWith("services/ai-worker/") ||
        p.startsWith("docs/migration/llmops/") ||
        p.endsWith("setup-ai-worker.sh")
      : id === "cicd"
        ? p.startsWith(".github/") || p.startsWith("scripts/deploy/") || /setup-(wif|secrets|queues)/.test(p)
        : p.startsWith(`docs/migration/${id}/`);

  it.each(["design", "cicd", "llmops"] as const)(
    "%s: the phase's own validators find nothing",
    async (id) => {
      const phase = await loadPhase(id);
      const upstream = Object.fromEntries(phase.dependsOn.map((d) => [d, out.results[d]]));
      const findings = await phase.validate!(phaseFiles(id), { ...base, upstream }, { source: "model" });
      expect(findings).toEqual([]);
    },
    120_000,
  );
});
