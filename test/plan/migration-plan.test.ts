// docs/migration/README.md: one ordered plan, day 0 to decommissioning, assembled from every
// phase's steps; every generated file linked; the order of the steps is the order their
// prerequisites allow. Another phase (observe) adds steps by returning them.
import { existsSync } from "node:fs";
import path from "node:path";
import { describe, expect, it } from "vitest";
import { PLAN_STAGES, type PlanStep } from "../../src/contracts/plan.js";
import { assemblePlan, PLAN_PATH } from "../../src/plan/assemble.js";
import { renderOffline } from "../helpers/offline-output.js";
import { inputFromFile, inventoryDirs, ROOT, SEED_INVENTORY } from "../helpers/phase-input.js";
import { nothingForCloudRun } from "../../src/phases/design/rules/sqlite.js";

/** Every example inventory and every real-app corpus inventory (when the corpus is present). */
const all = inventoryDirs();
/** The ones whose processes move to Cloud Run (not a SQLite-only app, whose processes all stay off it). */
const stays = (dir: string) =>
  nothingForCloudRun(inputFromFile(path.join(ROOT, dir, "inventory.yaml")).inventory) !== undefined;
const inventories = all.filter((dir) => !stays(dir));

describe("assemblePlan", () => {
  const inventory = inputFromFile(SEED_INVENTORY).inventory;
  const step = (stage: PlanStep["stage"], order: number, title: string, files?: string[]): PlanStep => ({
    stage,
    order,
    title,
    body: `${title}.`,
    ...(files ? { files } : {}),
  });

  it("orders by day, then by order within a day, numbers steps across the plan and links files from the plan's folder", () => {
    const plan = assemblePlan(
      inventory,
      [
        step("cutover", 10, "Switch DNS"),
        step("prepare", 20, "Second"),
        step("prepare", 10, "First", ["scripts/setup-wif.sh"]),
      ],
      [{ path: "scripts/setup-wif.sh", phase: "cicd" }],
    );
    expect(plan.path).toBe(PLAN_PATH);
    const headings = plan.content.split("\n").filter((l) => /^##+ /.test(l));
    expect(headings).toEqual([
      "## Day 0: Prepare",
      "### 1. First",
      "### 2. Second",
      "## Day 5: Cut-over",
      "### 3. Switch DNS",
      "## Every generated file",
    ]);
    expect(plan.content).toContain("Files: [`scripts/setup-wif.sh`](../../scripts/setup-wif.sh)");
    expect(plan.content).toContain("| Day 0 | Prepare | 1-2 |");
  });

  it("a new phase contributes steps by stage and order, nothing else (observe's alert policies, say)", () => {
    const plan = assemblePlan(
      inventory,
      [
        step("first-deploy", 10, "First deploy"),
        step("first-deploy", 50, "Alert policies"),
        step("verify", 10, "Watch"),
      ],
      [],
    );
    expect(plan.content.indexOf("### 2. Alert policies")).toBeGreaterThan(plan.content.indexOf("### 1. First deploy"));
  });
});

describe.each(inventories)("the plan for %s", (dir) => {
  const output = renderOffline(path.join(ROOT, dir, "inventory.yaml"));

  it("links every generated file, and only files that exist", async () => {
    const { artifacts, steps } = await output;
    const plan = artifacts.find((a) => a.path === PLAN_PATH)!.content;
    const paths = new Set(artifacts.map((a) => a.path));
    for (const a of artifacts.filter((x) => x.path !== PLAN_PATH)) expect(plan, a.path).toContain(`[\`${a.path}\`]`);
    for (const s of steps) for (const f of s.files ?? []) expect(paths, `${s.title}: ${f}`).toContain(f);
  });

  it("runs from prerequisites to switching the VM off, with a rollback section, in an order that works", async () => {
    const { artifacts } = await output;
    const plan = artifacts.find((a) => a.path === PLAN_PATH)!.content;
    const days = plan.split("\n").filter((l) => l.startsWith("## Day") || l.startsWith("## Any"));
    expect(days[0]).toBe("## Day 0: Prepare");
    expect(days.at(-1)).toBe("## Day 19: Decommission the VM");
    expect(days).toContain(`## ${PLAN_STAGES.find((s) => s.id === "rollback")!.day}: Roll back`);
    const at = (text: string) => {
      const i = plan.indexOf(text);
      expect(i, text).toBeGreaterThan(-1);
      return i;
    };
    // DNS TTL lowered on day 0, long before any DNS change (a plan whose cut-over waits for a held
    // service's decision changes no DNS: held-everywhere.test.ts).
    if (plan.includes("Switch DNS")) expect(at("Lower the DNS TTL")).toBeLessThan(at("## Day 1:"));
    else expect(plan).toContain("Wait for the disk decision before the cut-over");
    expect(at("bash scripts/setup-wif.sh\n")).toBeLessThan(at("git push origin"));
    // setup-database.sh creates the instance on day 1; the plan never asks for a second create.
    if (plan.includes("scripts/setup-database.sh")) {
      expect(plan).not.toContain("gcloud sql instances create");
      // The copy goes into an emptied instance, and the URL names the copied database.
      expect(at("bash scripts/setup-database.sh --database APP_DB\n")).toBeLessThan(at("git push origin"));
      expect(at("gcloud sql databases delete APP_DB")).toBeGreaterThan(at("git push origin"));
      const copy = plan.indexOf("Start a continuous migration job");
      if (copy >= 0) expect(at("gcloud sql databases delete APP_DB")).toBeLessThan(copy);
    }
    if (plan.includes("scripts/setup-database.sh") && plan.includes("scripts/setup-secrets.sh"))
      expect(at("bash scripts/setup-database.sh --database")).toBeLessThan(
        at("bash scripts/setup-secrets.sh --from-vm"),
      );
    if (plan.includes("scripts/setup-network.sh"))
      expect(at("bash scripts/setup-network.sh\n")).toBeLessThan(at("git push origin"));
    for (const after of ["scripts/setup-queues.sh", "scripts/setup-schedules.sh", "scripts/setup-ai-worker.sh"]) {
      if (plan.includes(`bash ${after}\n`)) expect(at(`bash ${after}\n`), after).toBeGreaterThan(at("git push origin"));
    }
    // A plan may name the script only to say it waits for a held backend ("Load balancer: not yet").
    if (plan.includes("bash scripts/setup-load-balancer.sh"))
      expect(at("bash scripts/setup-load-balancer.sh --domain")).toBeLessThan(at("## Day 5:"));
    // Monitoring watches the cut-over: set up once the services exist (uptime checks need their
    // URLs), before the data copy and any user traffic.
    const firstDeploy = at("## Day 2:");
    const afterFirstDeploy = plan.indexOf("\n## ", firstDeploy + 1);
    expect(at("bash scripts/setup-observability.sh --email")).toBeGreaterThan(at("git push origin"));
    expect(at("bash scripts/setup-observability.sh --email")).toBeLessThan(afterFirstDeploy);
    expect(at("Read the first weeks against the error budgets")).toBeGreaterThan(at("## Days 5-19:"));
  });
});

describe("an inventory that calls no model", () => {
  it("gets no AI worker at all: llmops does not run, the plan has no AI worker step", async () => {
    const { artifacts } = await renderOffline(path.join(ROOT, "examples/django-postgres/inventory.yaml"));
    const plan = artifacts.find((a) => a.path === PLAN_PATH)!.content;
    expect(plan).not.toMatch(/setup-ai-worker|services\/ai-worker|AI worker/);
    expect(artifacts.filter((a) => /ai-worker/.test(a.path))).toEqual([]);
  });
});

const petclinic = path.join(ROOT, "test/fixtures/real/spring-petclinic/inventory.yaml");
describe.skipIf(!existsSync(petclinic))("a Java app (corpus: spring-petclinic)", () => {
  it("gets its Spring Boot Dockerfile from the repository, so the plan asks for none", async () => {
    const { artifacts } = await renderOffline(petclinic);
    const plan = artifacts.find((a) => a.path === PLAN_PATH)!.content;
    expect(artifacts.find((a) => a.path === "Dockerfile")?.content).toMatch(/^FROM eclipse-temurin:17-jre$/m);
    expect(plan).not.toMatch(/Dockerfiles? for the app/);
  });

  it("is told to add a Dockerfile on day 0 when its repository is not at hand", async () => {
    const { artifacts } = await renderOffline(petclinic, "/nonexistent");
    const plan = artifacts.find((a) => a.path === PLAN_PATH)!.content;
    expect(artifacts.some((a) => a.path === "Dockerfile")).toBe(false);
    expect(plan.indexOf("A Dockerfile for the app")).toBeGreaterThan(0);
    expect(plan.indexOf("A Dockerfile for the app")).toBeLessThan(plan.indexOf("## Day 1:"));
    expect(plan).toContain("`Dockerfile` (java)");
  });
});

describe("the Dockerfile step follows what was written, not the stack's name", () => {
  it("the seed example planned without its repository: the Python image it cannot write is asked for", async () => {
    const { artifacts } = await renderOffline(SEED_INVENTORY, "/nonexistent");
    const plan = artifacts.find((a) => a.path === PLAN_PATH)!.content;
    expect(artifacts.some((a) => a.path === "Dockerfile")).toBe(false);
    expect(plan).toContain("`Dockerfile` (python)");
  });

  it("a Ruby app with a Node streaming server and no repository to read: both images are asked for", async () => {
    // No repository (renderOffline's /nonexistent): no Gemfile or package.json to write from.
    const { artifacts } = await renderOffline(
      path.join(ROOT, "test/fixtures/real/mastodon/inventory.yaml"),
      "/nonexistent",
    );
    const plan = artifacts.find((a) => a.path === PLAN_PATH)!.content;
    expect(artifacts.some((a) => /^Dockerfile/.test(a.path))).toBe(false);
    expect(plan).toContain("### 5. Dockerfiles for the app");
    expect(plan).toContain("`Dockerfile` (ruby) and `Dockerfile.node` (node)");
  });

  it("a Python app whose Dockerfile infra-migrate writes gets no such step (corpus: healthchecks)", async () => {
    const { artifacts } = await renderOffline(path.join(ROOT, "test/fixtures/real/healthchecks/inventory.yaml"));
    const plan = artifacts.find((a) => a.path === PLAN_PATH)!.content;
    expect(artifacts.some((a) => a.path === "Dockerfile")).toBe(true);
    expect(plan).not.toMatch(/Dockerfiles? for the app/);
  });
});

describe.each(all.filter(stays))("the plan for %s (every process opens a SQLite file)", (dir) => {
  it("deploys nothing to Cloud Run, keeps the data where it is until the decision, and says why", async () => {
    const { artifacts } = await renderOffline(path.join(ROOT, dir, "inventory.yaml"));
    const plan = artifacts.find((a) => a.path === PLAN_PATH)!.content;
    expect(artifacts.some((a) => a.path.startsWith(".github/workflows/"))).toBe(false);
    expect(plan).not.toContain("git push origin");
    expect(plan).toMatch(/Keep the SQLite data with its processes/);
    expect(plan).toMatch(/No cut-over to Cloud Run/);
    expect(plan).toMatch(/sqlite3 \S+ "\.backup /);
  });
});
