// A process run from another checkout beside the app's (Taiga's taiga-events and taiga-protected
// beside taiga-back) gets an image named after it: written from that checkout's own files when the
// repository holds it as a folder of the same name (a git submodule), built with that folder as its
// context; otherwise a notice, and the deploy skips the process with a warning instead of failing.
import { afterAll, describe, expect, it } from "vitest";
import { checkImageBuild } from "../../src/image/build-check.js";
import { planImages } from "../../src/image/plan.js";
import { openRepo } from "../../src/image/repo.js";
import { parseInventory } from "../../src/inventory/load.js";
import { lintDockerfile } from "../../src/validate/dockerfile.js";
import { TempTrees } from "../helpers/file-tree.js";

const trees = new TempTrees("sibling-checkout-");
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
  - name: files
    role: web
    software: gunicorn
    runtime: python
    command: /srv/board/files/.venv/bin/gunicorn --workers 2 --bind 0.0.0.0:8003 server:app
    listen: ["0.0.0.0:8003"]
target: { project: board-prod, region: us-central1, github: acme/board }
`;
const inv = parseInventory(INVENTORY, "inventory.yaml").inventory;

const API = { "requirements.txt": "Django==4.2\ngunicorn==20.1.0\n", "board/wsgi.py": "application = None\n" };
const EVENTS = {
  "events/package.json": JSON.stringify({
    name: "board-events",
    scripts: { start: "node ./src/index.js" },
    dependencies: { ws: "7.4.6" },
  }),
  "events/src/index.js": "require('ws');\n",
};
const FILES = { "files/requirements.txt": "gunicorn==19.9.0\nwerkzeug==0.15.6\n", "files/server.py": "app = None\n" };

describe("an image for a process from another checkout", () => {
  it.each([
    {
      name: "both checkouts held as folders: each gets its own Dockerfile from its folder",
      files: { ...API, ...EVENTS, ...FILES },
      written: {
        events: { from: /^FROM node:\d+-trixie-slim$/m, cmd: "exec npm run start" },
        files: {
          from: /^FROM python:3\.\d+-slim-trixie$/m,
          cmd: "exec gunicorn --workers 2 server:app --bind 0.0.0.0:${PORT}",
        },
      },
    },
    {
      name: "only the Node checkout held: the Python one keeps a notice",
      files: { ...API, ...EVENTS },
      written: { events: { from: /^FROM node:/m, cmd: "exec npm run start" } },
    },
    { name: "neither held: notices only", files: API, written: {} },
  ])("$name", ({ files, written }) => {
    const dir = trees.makeSync(files);
    const plan = planImages(inv, dir);
    expect(plan.root).toBe("/srv/board/api");
    for (const service of ["events", "files"]) {
      const image = plan.images.find((i) => i.checkout?.service === service)!;
      expect(image.dockerfile).toBe(`Dockerfile.${service}`);
      expect(image.checkout!.folder).toBe(`/srv/board/${service}`);
      const want = (written as Record<string, { from: RegExp; cmd: string } | undefined>)[service];
      if (!want) {
        expect(image.content).toBeUndefined();
        expect(image.context).toBeUndefined();
        expect(image.notice).toContain(`a git submodule at ${service}/`);
        continue;
      }
      expect(image.notice).toBeUndefined();
      expect(image.context).toBe(service);
      const text = image.content!;
      expect(text).toMatch(want.from);
      expect(text).toContain(`CMD ["sh", "-c", "${want.cmd}"]`);
      // Named after the process, not the app: its header says whose image it is.
      expect(text).toMatch(new RegExp(`^# ${service}: `, "m"));
      expect(lintDockerfile(text)).toEqual([]);
      // The build context is the checkout's folder: every COPY and command is checked against it.
      const argv = image.argv[service];
      expect(argv?.ok).toBe(true);
      const commands = argv?.ok ? [{ name: service, argv: argv.argv }] : [];
      expect(checkImageBuild(text, openRepo(`${dir}/${service}`), commands)).toEqual([]);
    }
    // The app's own image is not changed by its neighbours: its Dockerfile, its context.
    const own = plan.images.find((i) => i.dockerfile === "Dockerfile")!;
    expect(own.runtime).toBe("python");
    expect(own.context).toBeUndefined();
    expect(own.content).toContain("board.wsgi");
  });
});
