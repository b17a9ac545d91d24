// Env names keep the case the app reads them in (rules/app-env.ts): nconf (Ghost) reads
// `database__connection__host`, not `DATABASE__CONNECTION__HOST`
// (ghost/core/core/shared/config/loader.js: `nconf.env({separator: '__', parseValues: true})`).
// The rules recognise a name by its upper case; the deployment contract, the deploy's flags and
// the Secret Manager ids (letters of either case are allowed) carry it as it is.
import { spawnSync } from "node:child_process";
import { describe, expect, it } from "vitest";
import { deployTargetSchema, ENV_NAME, type DeployTarget } from "../../../src/contracts/deployment.js";
import { deployScript } from "../../../src/phases/cicd/deploy-flags.js";
import type { CicdResult } from "../../../src/phases/cicd/schema.js";
import { bindSetting } from "../../../src/phases/design/rules/server-settings.js";
import { designPhase } from "../../../src/phases/design/index.js";
import { designResultSchema, type DesignResult } from "../../../src/phases/design/schema.js";
import { designInputFromYaml } from "./design-input.js";

function design(env: string[]): DesignResult {
  const yaml = `apiVersion: infra-migrate/v1
kind: Inventory
metadata: { name: blog }
host: { hostname: vm, os: "Ubuntu 24.04" }
services:
  - name: web
    role: web
    software: node
    runtime: node
    framework: express
    listen: ["127.0.0.1:2368"]
    dependsOn: [db]
    env: [${env.join(", ")}]
  - name: mailer
    role: worker
    software: node
    runtime: node
    command: node mailer.js
    longRunning: true
    dependsOn: [db]
    env: [${env.join(", ")}]
  - { name: db, role: database, software: mysql, listen: ["127.0.0.1:3306"] }
data:
  - { service: db, engine: mysql, version: "8.0", sizeGiB: 5, backups: daily }
deploy: { method: ssh-systemctl }
traffic: { growth: 2 }
target: { project: blog-prod, region: europe-west1, service: blog }
`;
  return designResultSchema.parse(designPhase.offline(designInputFromYaml(yaml)));
}

const ENV = [
  "database__client",
  "database__connection__host",
  "database__connection__port",
  "database__connection__user",
  "database__connection__password",
  "database__connection__database",
  "server__host",
  "server__port",
  "paths__contentPath",
  "mail__options__auth__pass",
  "SECRET_KEY",
  "NODE_ENV",
];

describe("env names keep their case", () => {
  const r = design(ENV);
  const web = r.deployment.services.find((t) => t.replaces.includes("web"))!;
  const worker = r.deployment.services.find((t) => t.replaces.includes("mailer"))!;

  type Row = [name: string, where: "env" | "secret" | "plain" | "private-ip" | "dropped", value?: string];
  it.each<Row>([
    // The VM's MySQL moves to Cloud SQL for MySQL: the engine setting keeps the VM's spelling (plain).
    ["database__client", "plain"],
    ["database__connection__port", "env", "3306"],
    ["database__connection__host", "private-ip"],
    ["database__connection__user", "secret"],
    ["database__connection__password", "secret"],
    ["database__connection__database", "secret"],
    ["server__host", "env", "0.0.0.0"],
    ["server__port", "env", String(web.port)],
    ["paths__contentPath", "secret"],
    ["mail__options__auth__pass", "secret"],
    ["SECRET_KEY", "secret"],
    ["NODE_ENV", "plain"],
  ])("web: %s → %s %s", (name, where, value) => {
    if (where === "env") expect(web.env?.[name]).toBe(value);
    else expect(web.env ?? {}).not.toHaveProperty(name);
    expect(web.secrets.includes(name)).toBe(where === "secret");
    expect((web.plainEnv ?? []).includes(name)).toBe(where === "plain");
    expect((web.cloudSqlPrivateIp?.hostEnv ?? []).includes(name)).toBe(where === "private-ip");
  });

  it("never upper-cases a name anywhere in the design", () => {
    const text = JSON.stringify(r.deployment);
    for (const name of ENV.filter((n) => n !== n.toUpperCase())) expect(text).not.toContain(name.toUpperCase());
  });

  it("a target that serves no requests drops the server's own settings, in any case", () => {
    for (const name of ["server__host", "server__port"]) {
      expect(worker.env ?? {}).not.toHaveProperty(name);
      expect(worker.secrets).not.toContain(name);
    }
    expect(worker.secrets).toContain("database__connection__password");
  });
});

describe("bindSetting", () => {
  it.each<[string, ReturnType<typeof bindSetting>]>([
    ["SERVER_HOST", "host"],
    ["server__host", "host"],
    ["SERVER__HOST", "host"],
    ["server__port", "port"],
    ["UVICORN_PORT", "port"],
    ["LISTEN_ADDR", "addr"],
    ["database__connection__host", undefined],
    ["mail__options__host", undefined],
    ["mail__options__port", undefined],
    ["url", undefined],
    // An app's own embedded-server settings (Metabase's MB_JETTY_HOST=127.0.0.1, MB_JETTY_PORT=3000).
    ["MB_JETTY_HOST", "host"],
    ["MB_JETTY_PORT", "port"],
    ["KC_HTTP_PORT", "port"],
    // Servers the app connects to keep their values.
    ["MB_DB_HOST", undefined],
    ["DB_SERVER_HOST", undefined],
    ["SMTP_SERVER_PORT", undefined],
    ["MB_EMAIL_SMTP_PORT", undefined],
  ])("%s → %s", (name, kind) => expect(bindSetting(name)).toBe(kind));
});

describe("ENV_NAME (env name and Secret Manager id)", () => {
  it.each<[string, boolean]>([
    ["DATABASE_URL", true],
    ["database__connection__host", true],
    ["paths__contentPath", true],
    ["_private", true],
    ["1ST", false],
    ["mail.host", false],
    ["mail-host", false],
    ["a".repeat(255), true],
    ["a".repeat(256), false],
  ])("%s → %s", (name, ok) => {
    expect(ENV_NAME.test(name)).toBe(ok);
    const secrets = deployTargetSchema.shape.secrets.safeParse([name]);
    expect(secrets.success).toBe(ok);
  });
});

describe("a JSON value (Ghost's logging__transports) reaches gcloud as one word", () => {
  const r = design([...ENV, "logging__transports"]);
  const web = r.deployment.services.find((t) => t.replaces.includes("web"))!;
  const result = {
    canarySteps: [10, 50, 100],
    bakeSeconds: 60,
    healthCheck: { retries: 5, timeoutSeconds: 5, intervalSeconds: 5 },
  } as unknown as CicdResult;

  it("is set to stdout on Cloud Run, where a log file dies with the instance", () => {
    expect(web.env?.logging__transports).toBe('["stdout"]');
    expect(web.secrets).not.toContain("logging__transports");
  });

  // With and without a value only known at deploy time (the --set-env-vars word is then double-quoted).
  it.each<[string, Partial<DeployTarget>]>([
    ["static env only", { plainEnv: undefined, cloudSqlPrivateIp: undefined }],
    ["with deploy-time values", {}],
  ])("%s: bash passes the exact flag", (_name, patch) => {
    const t = { ...web, ...patch };
    const script = deployScript(t, r.deployment, result).replace("bash scripts/deploy/canary.sh", "printf '%s\\n'");
    const run = spawnSync("bash", ["-euc", script], {
      env: {
        PATH: process.env.PATH,
        REGION: "r",
        PROJECT_ID: "p",
        IMAGE: "i",
        GITHUB_SHA: "s",
        PLAIN_NODE_ENV: "production",
        PLAIN__DATABASE__CLIENT: "mysql",
        CLOUD_SQL_PRIVATE_IP: "10.0.0.3",
      },
      encoding: "utf8",
    });
    expect(run.status, run.stderr).toBe(0);
    const flag = run.stdout.split("\n").find((w) => w.startsWith("--set-env-vars="))!;
    expect(flag.split(/[,|]/)).toContain('logging__transports=["stdout"]');
    expect(flag).toMatch(/^--[a-z][a-z0-9-]*(=[A-Za-z0-9_.:=/@%+,^|*;"[\]-]*)?$/);
  });
});
