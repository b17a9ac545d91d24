// A settings file the app reads from its folder, kept out of git and holding credentials (HedgeDoc's
// config.json: domain, SSL, HSTS, anonymous access, the session secret, the database; Redmine's
// config/database.yml; NetBox's configuration.py) reaches Cloud Run whole: a Secret Manager secret
// file mounted where the app reads it, never a plain env value, with the plan naming the settings its
// stored version must change (a loopback listener, the VM's database).
import path from "node:path";
import { describe, expect, it } from "vitest";
import type { Deployment } from "../../../src/contracts/deployment.js";
import { renderOffline } from "../../helpers/offline-output.js";
import { ROOT } from "../../helpers/phase-input.js";

const REAL = (app: string) => path.join(ROOT, "test/fixtures/real", app, "inventory.yaml");

async function planOf(app: string) {
  const out = await renderOffline(REAL(app));
  const design = out.results.design as {
    deployment: Deployment;
    mapping: Array<{ service: string; appChanges: string[] }>;
  };
  const text = (p: string) => out.artifacts.find((a) => a.path === p)?.content ?? "";
  return { out, design, dep: design.deployment, text };
}

describe("HedgeDoc's config.json", async () => {
  const { design, dep, text } = await planOf("hedgedoc");
  const file = dep.secretFiles?.find((f) => f.sourcePath === "/opt/hedgedoc/config.json");
  const web = dep.services.find((t) => t.kind === "api")!;

  it("is one secret file, mounted and linked at the path the app reads, none of its settings a plain env value", () => {
    expect(file).toMatchObject({ secret: "config-json", targets: [web.name] });
    expect(text("Dockerfile")).toContain(`ln -sfn ${file!.mountPath} /app/config.json`);
    expect(text(".dockerignore")).toContain("config.json");
    for (const name of ["CMD_SESSION_SECRET", "CMD_DOMAIN", "CMD_PROTOCOL_USESSL"])
      expect([...(web.plainEnv ?? []), ...Object.keys(web.env ?? {}), ...web.secrets]).not.toContain(name);
  });

  it("says what its stored version changes: the loopback host and the db entry", () => {
    const edits = (file!.edits ?? []).join("\n");
    expect(edits).toContain("[production] host (127.0.0.1 on the VM, the loopback) becomes 0.0.0.0");
    expect(edits).toContain(
      `[production.db]: the host (localhost on the VM) becomes the Cloud SQL socket /cloudsql/${dep.project}:${dep.region}:${web.cloudSqlInstance}`,
    );
    // The port is the one the service sends to: no port edit.
    expect(web.port).toBe(3000);
    expect(edits).not.toContain("[production] port");
    const changes = design.mapping.find((m) => m.service === "hedgedoc")!.appChanges.join("\n");
    expect(changes).toContain(
      "Listen on 0.0.0.0:3000, set in /opt/hedgedoc/config.json ([production] host and port), not from PORT",
    );
    expect(changes).toContain("/opt/hedgedoc/config.json, a secret file, names a database too");
  });
});

describe("Redmine's config/database.yml (MySQL through mysql2)", async () => {
  const { dep } = await planOf("redmine");
  it("points its production entry at the socket under the client's socket key", () => {
    const file = dep.secretFiles!.find((f) => f.sourcePath.endsWith("/config/database.yml"))!;
    const edits = (file.edits ?? []).join("\n");
    expect(edits).toContain("[production]: the host (localhost on the VM) becomes the Cloud SQL socket");
    expect(edits).toContain("Rails' mysql2 `socket:`");
  });
});

describe("NetBox's configuration.py (its .gitignore leaves it out)", async () => {
  const { design, dep, out } = await planOf("netbox");
  it("is a secret file, and the DATABASES edit goes into its stored copy, not an image", () => {
    expect(dep.secretFiles?.map((f) => f.sourcePath)).toEqual(["/opt/netbox/netbox/netbox/configuration.py"]);
    const changes = design.mapping.flatMap((m) => m.appChanges).join("\n");
    expect(changes).toContain("in the copy of netbox/netbox/configuration.py in Secret Manager");
    expect(changes).not.toContain("make sure the image carries that file");
  });

  it("commits the gunicorn.py the start command names, which the .gitignore also leaves out", () => {
    const step = out.steps.find((s) => /Commit the files .* builds from that git ignores/.test(s.title));
    expect(step?.commands).toContain("git add -f gunicorn.py");
    expect(step?.commands?.join("\n")).not.toContain("configuration.py");
  });
});
