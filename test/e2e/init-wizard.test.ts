// The REAL wizard (inquirer on a terminal) driven through a tmux pseudo-terminal: wait for each
// prompt on screen, type as a person would (Esc to go back, Ctrl-C to cancel, the review screen to
// change an answer), then check what was written with the real loader.
import { existsSync } from "node:fs";
import { mkdtemp, readdir, readFile, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import path from "node:path";
import { afterAll, afterEach, describe, expect, it } from "vitest";
import { loadInventory } from "../../src/inventory/load.js";
import { hasTmux, TMUX, TmuxTerminal } from "../helpers/tmux-terminal.js";

const ROOT = path.resolve(import.meta.dirname, "../..");
const FIXTURE = path.join(ROOT, "test/fixtures/repos/fastapi-celery-mysql");
const built = existsSync(path.join(ROOT, "dist/cli/commands/init.js"));
if (!hasTmux)
  console.warn(`skipping the wizard pseudo-terminal tests: ${TMUX} is not installed (apt-get install tmux)`);
if (!built) console.warn("skipping the wizard pseudo-terminal tests: dist/ is not built (npx tsc -p .)");
const runs = hasTmux && built;

const dirs: string[] = [];
let terminal: TmuxTerminal | undefined;
afterEach(async () => {
  await terminal?.close();
  terminal = undefined;
});
afterAll(async () => {
  for (const dir of dirs) await rm(dir, { recursive: true, force: true });
});

async function tempDir(): Promise<string> {
  const dir = await mkdtemp(path.join(tmpdir(), "im-wizard-"));
  dirs.push(dir);
  return dir;
}

async function startInit(outDir: string, ...flags: string[]): Promise<TmuxTerminal> {
  terminal = await TmuxTerminal.start({
    command: `node ${ROOT}/bin/infra-migrate.js init --from ${FIXTURE} --out ${outDir} ${flags.join(" ")}`,
  });
  return terminal;
}

/** The flags that answer everything but the questions a test wants asked. */
const ALL_BUT_REVIEW = [
  "--name shop --database mysql:8.0 --db-size 20 --backups daily --vm-cost 120 --vm-cpus 4 --vm-memory 16",
  "--deploy-method ssh-systemctl --deploy-minutes 45 --deploys-per-week 1 --rollback none --peak-rps 40",
  "--growth 10 --engineers 2 --no-kubernetes --project acme-mvp-prod --region us-central1",
  "--service-name shop-web --github acme/web-app --business-hours '08:00-20:00 Europe/London' --provider offline",
  "--llm-use-case 'summaries' --llm-latency 5-15 --llm-provider vertex-ai",
];

let firstRunDir = "";

describe.skipIf(!runs)("init wizard in a pseudo-terminal", { timeout: 180_000 }, () => {
  it("asks with a step counter, validates as it goes, goes back with Esc, and writes after the review", async () => {
    firstRunDir = await tempDir();
    const t = await startInit(firstRunDir);
    expect(await t.waitForPrompt("Project name")).toMatch(/^\? 1 of \d+ Project name \[detected\]/);
    await t.answer("Project name"); // detected: fastapi-celery-mysql
    await t.answer("Services on the VM"); // keep the five detected
    await t.answer("Add another service"); // default: no
    await t.answer("Database engine"); // detected: mysql
    await t.answer("Database version", "8.0");
    await t.answer("Database size in GiB", "20 GiB");
    await t.waitForPrompt("Database backups");
    await t.press("Down"); // none → manual
    await t.press("Enter");
    await t.answer("What does the VM cost a month", "$120 a month");
    await t.answer("How many vCPUs", "4");
    await t.answer("How much memory", "16");
    await t.answer("How do you deploy today?"); // detected: ssh-systemctl
    await t.answer("How many minutes", "45");
    await t.answer("Deploys per week", "1");
    await t.answer("How do you roll back");
    await t.answer("Peak requests per second", "40");
    // Esc: back to the previous question, which shows the answer given; change it.
    await t.waitForPrompt("Growth to plan for");
    await t.press("Escape");
    expect(await t.waitForPrompt("Peak requests per second")).toContain("(40)");
    await t.answer("Peak requests per second", "50");
    await t.answer("Growth to plan for", "10x");
    await t.answer("Engineers on the team", "0");
    await t.waitFor("the number of engineers must be from 1 to 10,000, e.g. 2"); // our words, not zod's
    await t.press("C-u");
    await t.answer("Engineers on the team", "2");
    await t.answer("Does the team run Kubernetes");
    await t.answer("GCP project id", "my-google-shop");
    await t.waitFor('cannot contain "google"');
    await t.press("C-u");
    await t.answer("GCP project id", "acme-mvp-prod");
    await t.answer("GCP region"); // default us-central1
    await t.answer("Cloud Run service name", "web-app-prod");
    await t.answer("GitHub repository", "acme/web-app");
    await t.answer("Business hours", "08:00-20:00 America/Sao_Paulo");
    await t.answer("What do you use an LLM for", "summarise uploaded contracts");
    await t.answer("How long may an LLM answer take", "5");
    await t.waitFor("give a range, fastest to slowest acceptable, e.g. 5-15"); // one number is not a range
    await t.press("C-u");
    await t.answer("How long may an LLM answer take", "5–15 s");
    await t.waitForPrompt("LLM provider");
    await t.press("Up"); // detected gemini-api → vertex-ai
    await t.press("Enter");
    await t.answer("Who writes the migration plan");
    // The review: change the region, then write.
    await t.waitForPrompt("Review your answers");
    await t.highlight("GCP region");
    await t.press("Enter");
    await t.waitForPrompt("GCP region");
    await t.press("C-u");
    await t.answer("GCP region", "europe-west1");
    await t.waitForPrompt("Review your answers");
    await t.press("Enter"); // "Write the files" is the default
    expect(await t.exitCode()).toBe(0);
    const final = await t.screen();
    expect(final).toContain("create infra-migrate.inventory.yaml");

    const { inventory } = await loadInventory(path.join(firstRunDir, "infra-migrate.inventory.yaml"));
    expect(inventory.metadata.name).toBe("fastapi-celery-mysql");
    expect(inventory.services.map((s) => `${s.name}:${s.role}`)).toEqual([
      "nginx:reverse-proxy",
      "api:web",
      "celery-worker:worker",
      "redis:broker",
      "mysql:database",
    ]);
    expect(inventory.data).toEqual([
      { service: "mysql", engine: "mysql", version: "8.0", sizeGiB: 20, backups: "manual" },
    ]);
    expect(inventory.host).toMatchObject({ monthlyCostUsd: 120, cpus: 4, memoryGiB: 16 });
    expect(inventory.deploy).toMatchObject({ method: "ssh-systemctl", durationMinutes: 45, perWeek: 1 });
    expect(inventory.traffic).toMatchObject({ peakRps: 50, growth: 10 });
    expect(inventory.team).toEqual({ engineers: 2, kubernetes: false });
    expect(inventory.target).toEqual({
      cloud: "gcp",
      project: "acme-mvp-prod",
      region: "europe-west1",
      service: "web-app-prod",
      github: "acme/web-app",
      businessHours: "08:00-20:00 America/Sao_Paulo",
    });
    expect(inventory.llm).toEqual({
      useCase: "summarise uploaded contracts",
      latencySeconds: [5, 15],
      provider: "vertex-ai",
    });
  });

  it("a rerun starts from the saved answers and changes only what was changed", async () => {
    expect(firstRunDir, "the first test writes the files this one reruns over").not.toBe("");
    const inventoryFile = path.join(firstRunDir, "infra-migrate.inventory.yaml");
    const configFile = path.join(firstRunDir, "infra-migrate.config.yaml");
    const [inventoryBefore, configBefore] = await Promise.all([
      readFile(inventoryFile, "utf8"),
      readFile(configFile, "utf8"),
    ]);
    const t = await startInit(firstRunDir);
    await t.waitFor("Starting from your answers in infra-migrate.inventory.yaml and infra-migrate.config.yaml.");
    await t.answer("Start from them?"); // yes: straight to the review, nothing asked again
    await t.waitForPrompt("Review your answers");
    await t.highlight("Engineers");
    await t.press("Enter");
    expect(await t.waitForPrompt("Engineers on the team")).toContain("(2)");
    await t.answer("Engineers on the team", "3");
    await t.waitForPrompt("Review your answers");
    await t.press("Enter");
    expect(await t.exitCode()).toBe(0);
    const final = await t.screen();
    expect(final).toContain("update infra-migrate.inventory.yaml");
    expect(final).toMatch(/same\s+2 files unchanged/); // the config and the schema copy: one line

    expect(await readFile(configFile, "utf8")).toBe(configBefore);
    const changed = lineChanges(inventoryBefore, await readFile(inventoryFile, "utf8"));
    expect(changed).toEqual([["  engineers: 2", "  engineers: 3"]]);
  });

  // Ctrl-C at a text question, at a list inside the services editor, and at the review screen.
  const CANCEL_POINTS: { name: string; flags: string[]; reach: (t: TmuxTerminal) => Promise<void> }[] = [
    { name: "the first question", flags: [], reach: (t) => t.waitForPrompt("Project name").then(() => undefined) },
    {
      name: "a service, one by one",
      flags: [],
      reach: async (t) => {
        await t.answer("Project name");
        await t.waitForPrompt("Services on the VM");
        await t.highlight("Go through them one by one");
        await t.press("Enter");
        await t.waitForPrompt("service 1 of 5");
      },
    },
    {
      name: "the review screen",
      flags: ALL_BUT_REVIEW,
      reach: async (t) => {
        await t.answer("Services on the VM");
        await t.answer("Add another service");
        await t.waitForPrompt("Review your answers");
      },
    },
  ];
  for (const point of CANCEL_POINTS)
    it(`Ctrl-C at ${point.name}: "Cancelled — nothing written.", exit 130, no file`, async () => {
      const outDir = await tempDir();
      const t = await startInit(outDir, ...point.flags);
      await point.reach(t);
      await t.press("C-c");
      expect(await t.exitCode()).toBe(130);
      const screen = await t.screen();
      expect(screen).toContain("Cancelled — nothing written.");
      expect(screen).not.toMatch(/error:|ExitPromptError|at .*\.js:\d+/);
      expect(await readdir(outDir)).toEqual([]);
    });
});

/** The lines that differ between two texts of the same length in lines, as [before, after] pairs. */
function lineChanges(before: string, after: string): [string, string][] {
  const a = before.split("\n");
  const b = after.split("\n");
  if (a.length !== b.length) return [["(line count)", `${a.length} → ${b.length}`]];
  return a.flatMap((line, i) => (line === b[i] ? [] : [[line, b[i]!] as [string, string]]));
}
