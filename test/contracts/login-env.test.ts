// One list of "not the app's environment": the login and the VM's toolchain. The pm2 read drops
// them from a dump (whose env is the whole shell's) and the design keeps them out of Cloud Run;
// each keeps its own extras (pm2: the interactive session; the design: nothing more, since a
// unit's LANG or HOSTNAME is the app's own setting).
import { describe, expect, it } from "vitest";
import { isLoginEnv } from "../../src/contracts/login-env.js";
import { pm2Environment } from "../../src/detect/pm2.js";
import { designPhase } from "../../src/phases/design/index.js";
import { designResultSchema } from "../../src/phases/design/schema.js";
import { designInputFromYaml } from "../phases/design/design-input.js";

const LOGIN = ["PATH", "HOME", "USER", "LOGNAME", "SHELL", "GEM_HOME", "GEM_PATH", "rvm_path", "RVM_PATH"];
const TOOLCHAIN = ["VIRTUAL_ENV", "NVM_DIR", "NVM_BIN", "NODE_PATH", "JAVA_HOME", "GOPATH", "LD_LIBRARY_PATH"];
const APP = ["DATABASE_URL", "NODE_ENV", "LANG", "HOSTNAME", "RAILS_ENV", "APP_HOME", "PATH_PREFIX", "USER_AGENT"];

describe("isLoginEnv", () => {
  it.each([...LOGIN, ...TOOLCHAIN].map((n) => [n]))("%s is the login's or the toolchain's", (name) => {
    expect(isLoginEnv(name)).toBe(true);
  });
  it.each(APP.map((n) => [n]))("%s may be the app's", (name) => {
    expect(isLoginEnv(name)).toBe(false);
  });
});

describe("both readers use it", () => {
  const names = [...LOGIN, ...TOOLCHAIN, "DATABASE_URL", "RAILS_ENV", "LANG", "TERM", "SSH_CLIENT"];

  it("pm2: a dump of a shell with rvm, a venv and nvm loaded keeps only the app's names", () => {
    const env = Object.fromEntries(names.map((n) => [n, "x"]));
    expect(Object.keys(pm2Environment({ name: "web", env }, "web")).sort()).toEqual(["DATABASE_URL", "RAILS_ENV"]);
  });

  it("design: none of them reaches Cloud Run, and a unit's LANG is the app's and stays", () => {
    const yaml = `apiVersion: infra-migrate/v1
kind: Inventory
metadata: { name: app }
services:
  - { name: web, role: web, software: puma, runtime: ruby, command: bundle exec puma, listen: ["127.0.0.1:3000"], env: [${names.join(", ")}] }
deploy: { method: ssh-systemctl }
target: { project: app-prod, region: europe-west1, service: app }
`;
    const r = designResultSchema.parse(designPhase.offline(designInputFromYaml(yaml)));
    const t = r.deployment.services.find((x) => x.replaces.includes("web"))!;
    const reaches = [...t.secrets, ...(t.plainEnv ?? []), ...Object.keys(t.env ?? {})];
    for (const n of [...LOGIN, ...TOOLCHAIN]) expect(reaches, n).not.toContain(n);
    expect(reaches).toEqual(expect.arrayContaining(["DATABASE_URL", "RAILS_ENV", "LANG"]));
  });
});
