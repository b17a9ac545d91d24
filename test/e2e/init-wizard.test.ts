// The REAL wizard (inquirer on a terminal) driven through a tmux pseudo-terminal: wait for each
// prompt on screen, type the answer, then check the inventory it wrote with the real loader.
import { existsSync } from "node:fs";
import { mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import path from "node:path";
import { execa } from "execa";
import { afterAll, describe, expect, it } from "vitest";
import { loadInventory } from "../../src/inventory/load.js";

const ROOT = path.resolve(import.meta.dirname, "../..");
const TMUX = "/usr/bin/tmux";
const hasTmux = existsSync(TMUX);
const built = existsSync(path.join(ROOT, "dist/cli/commands/init.js"));
if (!hasTmux) console.warn(`skipping the wizard pseudo-terminal test: ${TMUX} is not installed (apt-get install tmux)`);
if (!built) console.warn("skipping the wizard pseudo-terminal test: dist/ is not built (npx tsc -p .)");

// Our own tmux server on a socket inside our temp dir, so nothing here touches a tmux the user is
// running, and removing the temp dir leaves no socket behind.
let socket = "";
const tmux = (...args: string[]) => execa(TMUX, ["-S", socket, ...args], { reject: false });
const screen = async () => (await tmux("capture-pane", "-p", "-J", "-S", "-300", "-t", "wizard")).stdout;

/** Waits until the text is among the last lines of the screen (where the active prompt is). */
async function waitFor(text: string, timeoutMs = 20_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  let last = "";
  while (Date.now() < deadline) {
    last = await screen();
    const tail = last
      .split("\n")
      .filter((l) => l.trim())
      .slice(-12)
      .join("\n");
    if (tail.includes(text)) return;
    await new Promise((r) => setTimeout(r, 100));
  }
  throw new Error(`timed out waiting for ${JSON.stringify(text)}; screen:\n${last}`);
}

async function answer(prompt: string, ...keys: (string | { key: string; times?: number })[]): Promise<void> {
  await waitFor(`? ${prompt}`);
  for (const k of keys) {
    if (typeof k === "string") await tmux("send-keys", "-t", "wizard", "-l", k);
    else for (let i = 0; i < (k.times ?? 1); i++) await tmux("send-keys", "-t", "wizard", k.key);
  }
  await tmux("send-keys", "-t", "wizard", "Enter");
}

let outDir = "";
let socketDir = "";
afterAll(async () => {
  if (socket) await tmux("kill-server");
  for (const dir of [outDir, socketDir]) if (dir) await rm(dir, { recursive: true, force: true });
});

describe("init wizard in a pseudo-terminal", () => {
  it.skipIf(!hasTmux || !built)(
    "asks, validates as it goes, and writes the inventory",
    { timeout: 180_000 },
    async () => {
      outDir = await mkdtemp(path.join(tmpdir(), "im-wizard-"));
      socketDir = await mkdtemp(path.join(tmpdir(), "im-tmux-"));
      socket = path.join(socketDir, "tmux.sock");
      const fixture = path.join(ROOT, "test/fixtures/repos/fastapi-celery-mysql");
      // CI must be unset inside the terminal, or init (correctly) refuses to prompt.
      const command = `env -u CI -u GITHUB_ACTIONS NO_COLOR=1 node ${ROOT}/bin/infra-migrate.js init --from ${fixture} --out ${outDir}; echo "EXIT=$?"; sleep 120`;
      const started = await tmux("new-session", "-d", "-s", "wizard", "-x", "200", "-y", "50", command);
      expect(started.exitCode, started.stderr).toBe(0);

      await answer("Project name"); // detected: fastapi-celery-mysql
      await answer("Services on the VM"); // keep the five detected
      await answer("Add another service"); // default: no
      await answer("Database engine"); // detected: mysql
      await answer("Database version", "8.0");
      await answer("Database size in GiB", "20");
      await answer("Database backups", { key: "Down" }); // none → manual
      await answer("How do you deploy today?"); // detected: ssh-systemctl
      await answer("How many minutes", "45");
      await answer("Deploys per week", "1");
      await answer("How do you roll back");
      await answer("Peak requests per second", "40");
      await answer("Growth to plan for"); // default 10
      await answer("Engineers on the team", "2");
      await answer("Does the team run Kubernetes");
      await answer("GCP project id", "Bad_Project");
      await waitFor("expected a GCP project id"); // rejected on the spot, the prompt stays
      await answer("GCP project id", { key: "BSpace", times: "Bad_Project".length }, "acme-mvp-prod");
      await answer("GCP region"); // default us-central1
      await answer("Cloud Run service name", "web-app-prod");
      await answer("GitHub repository", "acme/web-app");
      await answer("Business hours", "08:00-20:00 America/Sao_Paulo");
      await answer("What do you use an LLM for", "summarise uploaded contracts");
      await answer("Acceptable LLM latency", "5-15");
      await answer("LLM provider", { key: "Up" }); // detected gemini-api → vertex-ai
      await answer("Who should answer the phases");
      await waitFor("EXIT=", 30_000);
      const final = await screen();
      expect(final).toContain("EXIT=0");
      expect(final).toContain("create infra-migrate.inventory.yaml");

      const { inventory } = await loadInventory(path.join(outDir, "infra-migrate.inventory.yaml"));
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
      expect(inventory.deploy).toMatchObject({
        method: "ssh-systemctl",
        durationMinutes: 45,
        perWeek: 1,
        rollback: "none",
      });
      expect(inventory.traffic).toMatchObject({ peakRps: 40, growth: 10 });
      expect(inventory.team).toEqual({ engineers: 2, kubernetes: false });
      expect(inventory.target).toEqual({
        cloud: "gcp",
        project: "acme-mvp-prod",
        region: "us-central1",
        service: "web-app-prod",
        github: "acme/web-app",
        businessHours: "08:00-20:00 America/Sao_Paulo",
      });
      expect(inventory.llm).toEqual({
        useCase: "summarise uploaded contracts",
        latencySeconds: [5, 15],
        provider: "vertex-ai",
      });
    },
  );
});
