// The deploy builds the image the VM's compose services run when the repository holds its
// Dockerfile, wherever it is and whatever its name (DefectDojo's Dockerfile.django-debian, target
// release; a docker/Dockerfile with its own folder as context): `docker build --file … --target …
// --build-arg … <context>`, as the compose file's `build:` says. Before, the workflow ran
// `docker build .` on a repository with no ./Dockerfile, and the first push failed. Without a team
// image the build is unchanged. The workflows pass actionlint.
import path from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { parse } from "yaml";
import { parseCompose } from "../../../src/detect/compose.js";
import { actionlint } from "../../../src/validate/actionlint.js";
import { TempTrees } from "../../helpers/file-tree.js";
import { renderOffline } from "../../helpers/offline-output.js";
import { ROOT } from "../../helpers/phase-input.js";

const trees = new TempTrees("team-build-");
afterAll(() => trees.removeAll());

interface Step {
  name?: string;
  run?: string;
  env?: Record<string, string>;
}

async function built(inventoryFile: string, repoDir?: string) {
  const { artifacts, steps } = await renderOffline(inventoryFile, repoDir);
  const workflow = artifacts.find((a) => a.path === ".github/workflows/deploy.yml")!;
  expect(await actionlint(workflow.content, workflow.path)).toEqual([]);
  const jobs = (parse(workflow.content) as { jobs: Record<string, { steps: Step[] }> }).jobs;
  const step = jobs.build!.steps.find((s) => /^Build image/.test(s.name ?? ""))!;
  const readme = artifacts.find((a) => a.path === "docs/migration/cicd/README.md")!.content;
  const written = artifacts.filter((a) => a.kind === "dockerfile").map((a) => a.path);
  return { step, readme, steps, written };
}

const inventory = (build: string) => `apiVersion: infra-migrate/v1
kind: Inventory
metadata: { name: shop }
services:
  - name: web
    role: web
    software: gunicorn
    runtime: python
    framework: flask
    command: gunicorn app:app --bind 0.0.0.0:8000
    listen: ["0.0.0.0:8000"]
${build}target: { project: shop-prod, region: us-central1, github: acme/shop }
`;

const SERVES = `FROM python:3.12-slim AS base
WORKDIR /app
COPY . /app
RUN pip install -r requirements.txt
FROM base AS release
CMD ["gunicorn", "app:app", "--bind", "0.0.0.0:8000"]
FROM base AS dev
CMD ["flask", "run"]
`;

describe("the compose file's build:, read by init", () => {
  it("keeps the Dockerfile, target and build arguments, with the compose file's own defaults only", () => {
    const compose = `services:
  web:
    build:
      context: ./
      dockerfile: "Dockerfile.django-\${OS:-debian}"
      target: release
      args:
        PY: "\${PY_VERSION:-3.12}"
        FLAVOUR: \${SECRET_FLAVOUR}
    image: acme/web
`;
    const [web] = parseCompose(compose, "docker-compose.yml", {
      SECRET_FLAVOUR: "from-the-env",
    });
    expect(web!.composeImage?.build).toEqual({
      context: "",
      dockerfile: "Dockerfile.django-debian",
      target: "release",
      // The VM's .env never reaches the inventory or the workflow: an unset variable is empty, as in a checkout.
      args: { PY: "3.12", FLAVOUR: "" },
    });
    const [list] = parseCompose(
      'services:\n  web:\n    build:\n      context: docker\n      args: ["A=1", "B", "bad name=2"]\n',
      "docker-compose.yml",
    );
    expect(list!.composeImage?.build).toEqual({ context: "docker", dockerfile: "Dockerfile", args: { A: "1" } });
  });
});

describe("the deploy builds the team's image the compose file names", () => {
  it("a Dockerfile of another name with a target and build arguments", async () => {
    const dir = trees.makeSync({
      "inventory.yaml": inventory(
        "    build: { context: ., dockerfile: Dockerfile.prod, target: release, args: { PY: '3.12', IMAGE: plain } }\n",
      ),
    });
    const repo = trees.makeSync({
      "Dockerfile.prod": SERVES,
      "requirements.txt": "flask\ngunicorn\n",
      "app.py": "from flask import Flask\napp = Flask(__name__)\n",
    });
    const { step, readme, steps, written } = await built(`${dir}/inventory.yaml`, repo);
    expect(step.run).toBe(
      'docker build --pull --file Dockerfile.prod --target release --build-arg PY --build-arg IMAGE=plain --tag "${IMAGE}:${GITHUB_SHA}" .\n',
    );
    // The value travels as data in the step's env; a name the job uses itself (IMAGE) stays inline.
    expect(step.env).toEqual({ PY: "3.12" });
    expect(written).toEqual([]);
    expect(readme).toMatch(
      /The deploy builds your `Dockerfile\.prod`, .* up to its stage `release`, from the folder `\.`/,
    );
    const plan = steps.find((s) => /^The image: your `Dockerfile\.prod` \(target `release`\)/.test(s.title))!;
    expect(plan.body).toContain(
      "`docker build --file Dockerfile.prod --target release --build-arg PY --build-arg IMAGE .`",
    );
  });

  it("a Dockerfile in a subfolder, built from its own folder", async () => {
    const dir = trees.makeSync({
      "inventory.yaml": inventory("    build: { context: docker, dockerfile: docker/Dockerfile }\n"),
    });
    const repo = trees.makeSync({
      "docker/Dockerfile": SERVES,
      "docker/requirements.txt": "flask\ngunicorn\n",
      "docker/app.py": "from flask import Flask\napp = Flask(__name__)\n",
    });
    const { step, written } = await built(`${dir}/inventory.yaml`, repo);
    expect(step.run).toBe('docker build --pull --file docker/Dockerfile --tag "${IMAGE}:${GITHUB_SHA}" docker\n');
    expect(step.env).toBeUndefined();
    expect(written).toEqual([]);
  });

  it("no team image: our Dockerfile, built from the repository as before", async () => {
    const dir = trees.makeSync({ "inventory.yaml": inventory("") });
    const repo = trees.makeSync({
      "requirements.txt": "flask\ngunicorn\n",
      "app.py": "from flask import Flask\napp = Flask(__name__)\n",
    });
    const { step, readme, written } = await built(`${dir}/inventory.yaml`, repo);
    expect(step.run).toBe('docker build --pull --tag "${IMAGE}:${GITHUB_SHA}" .\n');
    expect(written).toContain("Dockerfile");
    expect(readme).not.toMatch(/The deploy builds your/);
  });

  it("a build whose Dockerfile the repository lacks: ours, as without one", async () => {
    const dir = trees.makeSync({
      "inventory.yaml": inventory("    build: { context: ., dockerfile: Dockerfile.gone }\n"),
    });
    const repo = trees.makeSync({
      "requirements.txt": "flask\ngunicorn\n",
      "app.py": "from flask import Flask\napp = Flask(__name__)\n",
    });
    const { step, written } = await built(`${dir}/inventory.yaml`, repo);
    expect(step.run).toBe('docker build --pull --tag "${IMAGE}:${GITHUB_SHA}" .\n');
    expect(written).toContain("Dockerfile");
  });

  it("DefectDojo: Dockerfile.django-debian, target release, and no Dockerfile of ours", async () => {
    const { step, written } = await built(path.join(ROOT, "test/fixtures/real/defectdojo/inventory.yaml"));
    expect(step.run).toBe(
      'docker build --pull --file Dockerfile.django-debian --target release --tag "${IMAGE}:${GITHUB_SHA}" .\n',
    );
    expect(written).toEqual([]);
  });
});
