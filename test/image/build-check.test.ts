// The static build check catches the Dockerfiles real apps got before: a CMD pointing into a
// virtualenv the image does not have, a COPY of a manifest that lives in a subfolder, a module
// that exists nowhere, a server the manifest does not install.
import { mkdtempSync, mkdirSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { checkImageBuild } from "../../src/image/build-check.js";
import { openRepo } from "../../src/image/repo.js";

const repoDir = mkdtempSync(path.join(tmpdir(), "build-check-"));
afterAll(() => rmSync(repoDir, { recursive: true, force: true }));
const files: Record<string, string> = {
  "project/requirements.txt": "fastapi==0.115.0\nuvicorn==0.30.6\ncelery==5.4.0\n",
  "project/main.py": "app = None\n",
  "project/worker.py": "celery = None\n",
  "package.json": JSON.stringify({ scripts: { start: "node server.js" } }),
  "server.js": "",
};
for (const [rel, text] of Object.entries(files)) {
  mkdirSync(path.dirname(path.join(repoDir, rel)), { recursive: true });
  writeFileSync(path.join(repoDir, rel), text);
}
const repo = openRepo(repoDir);

const python = (copy: string, install: string, workdir: string, cmd: string) => `FROM python:3.12-trixie AS build
RUN python -m venv /opt/venv
WORKDIR /src
COPY ${copy} ${copy}
RUN /opt/venv/bin/pip install -r ${install}

FROM python:3.12-slim-trixie
ENV PATH="/opt/venv/bin:$PATH"
COPY --from=build /opt/venv /opt/venv
COPY . /app
WORKDIR ${workdir}
USER app
CMD ["sh", "-c", "exec ${cmd}"]
`;

describe("checkImageBuild", () => {
  it("passes an image whose manifest, server and module all exist where it looks", () => {
    const good = python(
      "project/requirements.txt",
      "project/requirements.txt",
      "/app/project",
      "uvicorn main:app --host 0.0.0.0 --port ${PORT}",
    );
    expect(checkImageBuild(good, repo, [{ name: "worker", argv: ["celery", "-A", "worker", "worker"] }])).toEqual([]);
  });

  it.each([
    [
      "a COPY of a manifest that is in a subfolder",
      python("requirements.txt", "requirements.txt", "/app/project", "uvicorn main:app"),
      /COPY requirements\.txt: not in the repository/,
    ],
    [
      "a CMD in the VM's virtualenv, not the image's (/opt/venv)",
      python(
        "project/requirements.txt",
        "project/requirements.txt",
        "/app/project",
        "/opt/netbox/venv/bin/gunicorn main:app",
      ),
      /\/opt\/netbox\/venv\/bin\/gunicorn is not in the image/,
    ],
    [
      "a server the manifest does not install",
      python("project/requirements.txt", "project/requirements.txt", "/app/project", "gunicorn main:app"),
      /gunicorn is not installed in the image/,
    ],
    [
      "a module that exists nowhere (the working folder is wrong)",
      python("project/requirements.txt", "project/requirements.txt", "/app", "uvicorn main:app"),
      /Python module main is not in the repository/,
    ],
  ])("finds %s", (_what, dockerfile, finding) => {
    expect(checkImageBuild(dockerfile, repo).join("\n")).toMatch(finding);
  });

  it("checks the commands the deploy gives workers and jobs in the same image", () => {
    const image = python("project/requirements.txt", "project/requirements.txt", "/app/project", "uvicorn main:app");
    const findings = checkImageBuild(image, repo, [
      { name: "job cleanup", argv: ["python", "manage.py", "clearsessions"] },
      { name: "worker pool rq", argv: ["rq", "worker"] },
    ]);
    expect(findings).toEqual([
      "job cleanup: project/manage.py is not in the repository",
      "worker pool rq: rq is not installed in the image (not in the virtualenv or the base image)",
    ]);
  });

  it("knows npm scripts and node files, and a missing CMD", () => {
    const node = (cmd: string) => `FROM node:24-trixie-slim AS build
WORKDIR /app
COPY . .
RUN npm ci
FROM node:24-trixie-slim
COPY --from=build /app /app
WORKDIR /app
CMD ["sh", "-c", "exec ${cmd}"]
`;
    expect(checkImageBuild(node("npm run start"), repo)).toEqual([]);
    expect(checkImageBuild(node("npm run serve"), repo)).toEqual(['CMD: package.json has no "serve" script']);
    expect(checkImageBuild(node("node dist/server.js"), repo)).toEqual([
      "CMD: dist/server.js is not in the repository",
    ]);
    expect(checkImageBuild("FROM node:24-trixie-slim\nCOPY . /app\n", repo)).toEqual([
      "no CMD: the image would not start anything",
    ]);
  });
});
