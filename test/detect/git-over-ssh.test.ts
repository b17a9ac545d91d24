// Git over the VM's own sshd: the unit user's authorized_keys forces the app's binary (`command=
// "/usr/local/bin/gitea --config=… serv key-1"`). init gives the web process a raw TCP listener
// on port 22 beside HTTP, and the design decides it like the app's own SSH server (priced), never
// dropping it. Only whether such lines exist is read, never a key.
import { cp, mkdir, mkdtemp, readFile, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import path from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { detectRepo } from "../../src/detect/detect-repo.js";
import { forcesAppCommand } from "../../src/detect/git-over-ssh.js";
import { ROOT } from "../helpers/phase-input.js";

const GITEA = path.join(ROOT, "test/fixtures/real/gitea");
const KEY_LINE =
  'command="/usr/local/bin/gitea --config=/etc/gitea/app.ini serv key-1",no-port-forwarding,no-X11-forwarding,no-agent-forwarding,no-pty,no-user-rc,restrict ssh-ed25519 AAAAC3NzaC1lZDI1NTE5AAAAIFAKEFAKEFAKE alice@example';

describe("forcesAppCommand", () => {
  it.each([
    ["Gitea's line", `# gitea public key\n${KEY_LINE}\n`, "/usr/local/bin/gitea", true],
    ["another binary's forced command", KEY_LINE, "/usr/local/bin/gogs", false],
    [
      "a plain key (a person's login)",
      "ssh-ed25519 AAAAC3NzaC1lZDI1NTE5AAAA bob@laptop\n",
      "/usr/local/bin/gitea",
      false,
    ],
    ["commented out", `# ${KEY_LINE}\n`, "/usr/local/bin/gitea", false],
    [
      "a name that only begins the same",
      KEY_LINE.replace("bin/gitea ", "bin/gitea-backup "),
      "/usr/local/bin/gitea",
      false,
    ],
  ])("%s", (_name, text, binary, want) => {
    expect(forcesAppCommand(text, binary)).toBe(want);
  });
});

describe("a Gitea VM serving git over its own sshd", () => {
  let vm: string;
  beforeAll(async () => {
    vm = await mkdtemp(path.join(tmpdir(), "git-ssh-"));
    await cp(path.join(GITEA, "vm"), vm, { recursive: true });
    // Gitea's own SSH server off: git goes through the system sshd and the git user's keys.
    const ini = path.join(vm, "etc/gitea/app.ini");
    await writeFile(ini, (await readFile(ini, "utf8")).replace("START_SSH_SERVER = true", "START_SSH_SERVER = false"));
    await mkdir(path.join(vm, "home/git/.ssh"), { recursive: true });
    await writeFile(path.join(vm, "home/git/.ssh/authorized_keys"), `# gitea public key\n${KEY_LINE}\n`);
  });
  afterAll(() => rm(vm, { recursive: true, force: true }));

  it("gives the web process port 22 as raw TCP beside HTTP, and says why without a key", async () => {
    const facts = await detectRepo(path.join(GITEA, "repo"), { host: { root: vm } });
    const gitea = facts.services.find((s) => s.name === "gitea")!;
    expect(gitea.listen).toEqual(["127.0.0.1:3000", "0.0.0.0:22"]);
    expect(gitea.protocols).toEqual(["http", "tcp"]);
    const said = facts.evidence.find((e) => e.found.startsWith("git over SSH"))!;
    expect(said.found).toContain("/usr/local/bin/gitea");
    expect(JSON.stringify(facts)).not.toContain("AAAAC3");
  });

  it("with no forced-command keys, nothing is added", async () => {
    await writeFile(path.join(vm, "home/git/.ssh/authorized_keys"), "ssh-ed25519 AAAAC3Nz admin@laptop\n");
    const facts = await detectRepo(path.join(GITEA, "repo"), { host: { root: vm } });
    const gitea = facts.services.find((s) => s.name === "gitea")!;
    expect(gitea.listen).toEqual(["127.0.0.1:3000"]);
    expect(gitea.protocols ?? []).not.toContain("tcp");
  });
});
