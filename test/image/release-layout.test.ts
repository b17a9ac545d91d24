// A folder copied off a VM where an installer keeps its releases (ghost-cli: current -> an absolute
// /var/www/ghost/versions/<x>, started by `ghost run`): the image runs the release's entry file by
// its own path, installs the dependencies where its package.json is, and no VM link is needed.
import { mkdir, mkdtemp, rm, symlink, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import path from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import type { Service } from "../../src/inventory/schema.js";
import { nodeImage } from "../../src/image/node-image.js";
import { processArgv } from "../../src/image/process-argv.js";
import { openRepo } from "../../src/image/repo.js";

const temps: string[] = [];
afterAll(() => Promise.all(temps.map((d) => rm(d, { recursive: true, force: true }))));
async function installFolder(link: string): Promise<string> {
  const dir = await mkdtemp(path.join(tmpdir(), "im-ghost-"));
  temps.push(dir);
  await mkdir(path.join(dir, "versions/5.96.1"), { recursive: true });
  await writeFile(path.join(dir, "versions/5.96.1/package.json"), '{"name": "ghost", "engines": {"node": "^22.13.1"}}');
  await writeFile(path.join(dir, "versions/5.96.1/index.js"), "require('./ghost');\n");
  await writeFile(path.join(dir, "config.production.json"), "{}");
  await symlink(link, path.join(dir, "current"));
  return dir;
}

describe("launchers that only start the app's entry file", () => {
  it.each([
    ["/usr/bin/node /usr/bin/ghost run", "node current/index.js"],
    ["ghost run", "node current/index.js"],
    // Other ghost commands are not the server: left as they are.
    ["/usr/bin/node /usr/bin/ghost doctor", "node /usr/bin/ghost doctor"],
    ["/usr/bin/node /srv/app/ghost.js run", "node /srv/app/ghost.js run"],
  ])("%s → %s", (command, argv) => {
    const r = processArgv(command);
    expect(r.ok && r.argv.join(" ")).toBe(argv);
  });
});

describe("openRepo: a VM's absolute link leads to the copy's own folder", () => {
  it.each([
    ["/var/www/ghost/versions/5.96.1", "versions/5.96.1/index.js"],
    ["versions/5.96.1", "versions/5.96.1/index.js"],
    ["/var/www/ghost/versions/9.9.9", undefined],
  ])("current -> %s: current/index.js is %s", async (link, real) => {
    const repo = openRepo(await installFolder(link));
    expect(repo.canonical("current/index.js")).toBe(real);
    expect(repo.exists("current/index.js")).toBe(real !== undefined);
  });
});

describe("the Node image of an install folder", () => {
  const ghost: Service = {
    name: "ghost",
    role: "web",
    software: "node",
    command: "/usr/bin/node /usr/bin/ghost run",
    listen: ["127.0.0.1:2368"],
    dependsOn: [],
    env: [],
    runtime: "node",
  };
  it("installs in the release, runs its entry file by the release's path", async () => {
    const repo = openRepo(await installFolder("/var/www/ghost/versions/5.96.1"));
    const image = nodeImage({ repo, appName: "ghost", runtime: "node", dockerfile: "Dockerfile", processes: [ghost] });
    expect(image.content).toContain("COPY . .\nWORKDIR /app/versions/5.96.1\nRUN npm install\n");
    expect(image.content).toContain('CMD ["sh", "-c", "exec node versions/5.96.1/index.js"]');
    expect(image.argv?.ghost).toMatchObject({ ok: true, argv: ["node", "versions/5.96.1/index.js"] });
  });
});
