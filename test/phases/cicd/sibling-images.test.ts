// The deploy of processes run from other checkouts beside the app's (Taiga's taiga-events and
// taiga-protected): built from their folder (its own context, submodules checked out) when the
// repository holds them, else skipped with a warning while their Dockerfile is missing, so the
// rest of the app still deploys. The workflow passes actionlint (and shellcheck on its scripts).
import { afterAll, describe, expect, it } from "vitest";
import { parse } from "yaml";
import { actionlint } from "../../../src/validate/actionlint.js";
import { TempTrees } from "../../helpers/file-tree.js";
import { renderOffline } from "../../helpers/offline-output.js";

const trees = new TempTrees("sibling-images-");
afterAll(() => trees.removeAll());

const INVENTORY = `apiVersion: infra-migrate/v1
kind: Inventory
metadata: { name: board }
services:
  - name: api
    role: web
    software: gunicorn
    runtime: python
    command: /srv/board/api/.venv/bin/gunicorn --bind 0.0.0.0:8001 board.wsgi
    listen: ["0.0.0.0:8001"]
  - name: events
    role: web
    software: node
    runtime: node
    command: npm run start
    envFile: /srv/board/events/.env
    listen: ["127.0.0.1:8888"]
    protocols: [http, websocket]
target: { project: board-prod, region: us-central1, github: acme/board }
`;
const API = { "requirements.txt": "Django==4.2\ngunicorn==20.1.0\n", "board/wsgi.py": "application = None\n" };
const EVENTS = {
  "events/package.json": JSON.stringify({ name: "board-events", scripts: { start: "node ./src/index.js" } }),
  "events/src/index.js": "console.log('up');\n",
};
const GITMODULES = { ".gitmodules": '[submodule "events"]\n\tpath = events\n\turl = https://example.com/events.git\n' };

interface Step {
  name?: string;
  run?: string;
  with?: Record<string, unknown>;
}

describe("the deploy of a process from another checkout", () => {
  it.each([
    { name: "held as a submodule", files: { ...API, ...EVENTS, ...GITMODULES }, written: true, submodules: true },
    { name: "held as a plain folder", files: { ...API, ...EVENTS }, written: true, submodules: false },
    { name: "not held", files: API, written: false, submodules: false },
  ])("$name", async ({ files, written, submodules }) => {
    const dir = trees.makeSync({ "inventory.yaml": INVENTORY, "repo/.keep": "" });
    const repo = trees.makeSync(files);
    const { artifacts, steps } = await renderOffline(`${dir}/inventory.yaml`, repo);
    const workflow = artifacts.find((a) => a.path === ".github/workflows/deploy.yml")!;
    expect(await actionlint(workflow.content, workflow.path)).toEqual([]);
    const jobs = (parse(workflow.content) as { jobs: Record<string, { steps: Step[] }> }).jobs;
    const build = jobs.build!.steps;
    expect(build[0]!.with?.submodules).toBe(submodules ? true : undefined);
    const buildStep = build.find((s) => s.name?.startsWith("Build board-prod-events image"))!;
    const deployStep = jobs.deploy!.steps.find((s) => s.name?.startsWith("Deploy board-prod-events "))!;
    const guard =
      /^if \[\[ ! -f Dockerfile\.events \]\]; then\n {2}echo "::warning::Dockerfile\.events is missing: board-prod-events runs from another repository/;
    expect(artifacts.some((a) => a.path === "Dockerfile.events")).toBe(written);
    if (written) {
      expect(buildStep.run).toMatch(/^docker build --pull --file Dockerfile\.events --tag \S+ events\n$/);
      expect(deployStep.run).not.toMatch(guard);
      expect(steps.some((s) => /own repositor/.test(s.title))).toBe(false);
    } else {
      expect(buildStep.run).toMatch(guard);
      expect(buildStep.run).toMatch(/docker build --pull --file Dockerfile\.events --tag \S+ \.\n$/);
      expect(deployStep.run).toMatch(guard);
      const step = steps.find((s) => s.title === "events: an image from its own repository")!;
      expect(step.body).toContain("a git submodule at events/");
      expect(step.body).toContain("skips it with a warning");
    }
    // The app's own image never waits on its neighbour's.
    const api = jobs.deploy!.steps.find((s) => s.name?.startsWith("Deploy board-prod ("))!;
    expect(api.run).not.toMatch(/Dockerfile\.events/);
  });
});

describe("the build context of a process from another checkout keeps secrets out", () => {
  const ignoreOf = async (files: Record<string, string>) => {
    const dir = trees.makeSync({ "inventory.yaml": INVENTORY, "repo/.keep": "" });
    const { artifacts } = await renderOffline(`${dir}/inventory.yaml`, trees.makeSync(files));
    return {
      own: artifacts.find((a) => a.path === ".dockerignore"),
      events: artifacts.find((a) => a.path === "Dockerfile.events.dockerignore"),
    };
  };

  it.each<{ name: string; extra: Record<string, string>; written: boolean }>([
    // The folder is its build context: the repository's .dockerignore is not at its root.
    { name: "a folder without a .dockerignore gets one beside its Dockerfile", extra: {}, written: true },
    // Its own repository's rules stand: BuildKit would read ours instead of them.
    {
      name: "a folder with its own .dockerignore keeps it",
      extra: { "events/.dockerignore": "node_modules\n" },
      written: false,
    },
    {
      name: "a Dockerfile-specific file of the team's is kept",
      extra: { "Dockerfile.events.dockerignore": "x\n" },
      written: false,
    },
  ])("$name", async ({ extra, written }) => {
    const { own, events } = await ignoreOf({ ...API, ...EVENTS, ...GITMODULES, ...extra });
    expect(own?.content).toMatch(/^\.env$/m);
    expect(events !== undefined).toBe(written);
    if (events) {
      expect(events.content).toBe(own!.content);
      expect(events.policy).toBe("create-only");
    }
  });

  it("nothing is written for a checkout the repository does not hold (no Dockerfile)", async () => {
    expect((await ignoreOf(API)).events).toBeUndefined();
  });
});
