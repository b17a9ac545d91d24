// uWSGI in socket mode (inventory protocols: uwsgi) speaks the uwsgi protocol nginx's uwsgi_pass
// talks; Cloud Run sends HTTP to PORT. The design switches it to an http-socket on PORT, through
// what sets the socket on the VM, and says so; an http-socket app is left as it was.
import { describe, expect, it } from "vitest";
import { designPhase } from "../../../src/phases/design/index.js";
import { designResultSchema } from "../../../src/phases/design/schema.js";
import { designInputFromYaml } from "./design-input.js";

const design = (web: string) =>
  designResultSchema.parse(
    designPhase.offline(
      designInputFromYaml(`apiVersion: infra-migrate/v1
kind: Inventory
metadata: { name: shop }
host: { hostname: vm, os: "Debian 12", cpus: 2 }
services:
  - { name: nginx, role: reverse-proxy, software: nginx, listen: ["0.0.0.0:80"], dependsOn: [web] }
  - { name: web, role: web, software: uwsgi, runtime: python, framework: django, ${web}, dependsOn: [db] }
  - { name: db, role: database, software: postgres, listen: ["127.0.0.1:5432"] }
data:
  - { service: db, engine: postgres, version: "16", sizeGiB: 5, backups: none }
deploy: { method: ssh-script }
target: { project: shop-prod, region: us-central1, service: shop }
`),
    ),
  );

const api = (r: ReturnType<typeof design>) => r.deployment.services.find((t) => t.kind === "api")!;
const changes = (r: ReturnType<typeof design>) => r.mapping.find((m) => m.service === "web")!.appChanges.join("\n");

describe("uWSGI in socket mode", () => {
  it("a start script's mode and address variables: the deploy sets them to an http-socket on PORT", () => {
    const r = design(
      `protocols: [uwsgi], command: /entrypoint-uwsgi.sh, listen: ["0.0.0.0:3031"], env: [DD_SECRET_KEY], uwsgiSocket: { setIn: env, modeEnv: DD_UWSGI_MODE, addressEnv: DD_UWSGI_ENDPOINT }`,
    );
    expect(api(r).port).toBe(8080);
    expect(api(r).env).toMatchObject({ DD_UWSGI_MODE: "http-socket", DD_UWSGI_ENDPOINT: "0.0.0.0:8080" });
    expect(changes(r)).toMatch(/socket mode on the VM: it speaks the uwsgi binary protocol/);
    expect(changes(r)).toMatch(/sets DD_UWSGI_MODE=http-socket and DD_UWSGI_ENDPOINT=0\.0\.0\.0:8080/);
    expect(changes(r)).not.toMatch(/Listen on the PORT environment variable/);
  });

  it("uWSGI's own UWSGI_SOCKET under the plan's command: dropped, the command serves an http-socket", () => {
    const r = design(
      `protocols: [uwsgi], command: "/srv/app/venv/bin/uwsgi --master --module app.wsgi", listen: ["127.0.0.1:3031"], env: [UWSGI_SOCKET, SECRET_KEY], uwsgiSocket: { setIn: env, addressEnv: UWSGI_SOCKET }`,
    );
    expect(api(r).env?.UWSGI_SOCKET).toBeUndefined();
    expect(api(r).secrets).not.toContain("UWSGI_SOCKET");
    // Not a second http-socket beside the command's: uWSGI would bind the same address twice.
    expect(api(r).env ?? {}).not.toHaveProperty("UWSGI_HTTP_SOCKET");
    expect(api(r).port).toBe(8080);
    expect(changes(r)).toMatch(/The image's command serves --http-socket 0\.0\.0\.0:\$PORT instead of the socket/);
    expect(changes(r)).toMatch(/the deploy drops UWSGI_SOCKET/);
  });

  it("uWSGI's own UWSGI_SOCKET under a start script the plan cannot rewrite: UWSGI_HTTP_SOCKET on the port", () => {
    const r = design(
      `protocols: [uwsgi], command: /srv/app/start.sh, listen: ["127.0.0.1:3031"], env: [UWSGI_SOCKET, SECRET_KEY], uwsgiSocket: { setIn: env, addressEnv: UWSGI_SOCKET }`,
    );
    expect(api(r).secrets).not.toContain("UWSGI_SOCKET");
    expect(api(r).env).toMatchObject({ UWSGI_HTTP_SOCKET: `0.0.0.0:${api(r).port}` });
    expect(changes(r)).toMatch(/drops UWSGI_SOCKET and sets UWSGI_HTTP_SOCKET/);
  });

  it("a socket in the config file: the plan's command serves an http-socket, and the file's socket goes", () => {
    const r = design(
      `protocols: [uwsgi], command: "/srv/app/venv/bin/uwsgi --ini /srv/app/uwsgi.ini", listen: ["127.0.0.1:3031"], env: [SECRET_KEY], uwsgiSocket: { setIn: config, file: /srv/app/uwsgi.ini }`,
    );
    expect(api(r).port).toBe(8080);
    expect(changes(r)).toMatch(/The image's command serves --http-socket 0\.0\.0\.0:\$PORT instead of the socket/);
    expect(changes(r)).toMatch(/delete `socket = …` from \/srv\/app\/uwsgi\.ini/);
    expect(changes(r)).toMatch(/not --http, which starts a separate router process/);
  });

  it("an http-socket app is told only to listen on PORT", () => {
    const r = design(
      `protocols: [http], command: "/srv/app/venv/bin/uwsgi --http-socket 127.0.0.1:8000 --module app.wsgi", listen: ["127.0.0.1:8000"], env: [SECRET_KEY]`,
    );
    expect(changes(r)).not.toMatch(/socket mode|uwsgi binary protocol/);
    expect(api(r).env ?? {}).not.toHaveProperty("UWSGI_HTTP_SOCKET");
  });
});
