// A program installed from a release tarball or a downloaded jar, with no source on the VM
// (Mattermost's /opt/mattermost/bin/mattermost, Metabase's java -jar metabase.jar): init finds the
// unit, the port its settings file or its environment gives, and the websocket its nginx site
// sends to a location of its own, whatever language the program is written in.
import { describe, expect, it } from "vitest";
import { classifyCommand } from "../../src/detect/command.js";
import { runsAppFolder } from "../../src/detect/file-findings.js";
import { settingsListen } from "../../src/detect/json-settings.js";
import { parseNginxConfig } from "../../src/detect/nginx.js";
import { proxiesToOwnPort } from "../../src/detect/server-config.js";
import { parseSystemdUnit } from "../../src/detect/systemd.js";

const unit = (exec: string, dir?: string) =>
  parseSystemdUnit(`[Service]\n${dir ? `WorkingDirectory=${dir}\n` : ""}ExecStart=${exec}\n`, "x.service")!;

describe("runsAppFolder: a program of the unit's own folder", () => {
  it.each([
    // Mattermost's unit, which its docs put in /lib/systemd/system.
    ["/opt/mattermost/bin/mattermost", "/opt/mattermost", true],
    ["/opt/mattermost/bin/mattermost", "/opt/mattermost/", true],
    // A system binary in an app folder, or a program outside its folder: not the app's by this rule.
    ["/usr/bin/redis-server /etc/redis/redis.conf", "/var/lib/redis", false],
    ["/opt/other/bin/tool", "/opt/mattermost", false],
    ["/usr/lib/x/bin/x", "/usr/lib/x", false],
    ["/opt/mattermost/bin/mattermost", undefined, false],
  ])("%s in %s → %s", (exec, dir, expected) => {
    expect(runsAppFolder(unit(exec, dir))).toBe(expected);
  });
});

describe("settingsListen: a section's ListenAddress", () => {
  // Mattermost's config.json: ServiceSettings.ListenAddress, and MetricsSettings' own listener.
  const mattermost = { ServiceSettings__ListenAddress: ":8065", MetricsSettings__ListenAddress: ":8067" };
  it.each<[Record<string, string>, number[], string | undefined]>([
    [mattermost, [], "0.0.0.0:8065"],
    [mattermost, [8065], "0.0.0.0:8065"],
    [mattermost, [8067], "0.0.0.0:8067"],
    [{ ServiceSettings__ListenAddress: "127.0.0.1:9000" }, [], "127.0.0.1:9000"],
    [{ server__listen_addr: "[::]:3000" }, [], "0.0.0.0:3000"],
    [{ ServiceSettings__ListenAddress: "unix:/run/app.sock" }, [], undefined],
    [{ ServiceSettings__ListenAddress: ":99999" }, [], undefined],
  ])("%j, nginx proxying to %j → %s", (values, proxied, listen) => {
    expect(settingsListen(values, new Set(proxied))).toBe(listen);
  });
});

describe("proxiesToOwnPort: nginx reaches a port the process's own setting names", () => {
  it.each<[Record<string, string>, number[], boolean]>([
    [{ MB_JETTY_HOST: "127.0.0.1", MB_JETTY_PORT: "3000", MB_DB_PORT: "5432" }, [3000], true],
    // The database's port is where it connects, not where it listens.
    [{ MB_DB_PORT: "5432" }, [5432], false],
    [{ MB_JETTY_PORT: "3000" }, [8080], false],
    [{ MB_JETTY_PORT: "not-a-port" }, [3000], false],
  ])("%j, nginx proxying to %j → %s", (env, proxied, expected) => {
    expect(proxiesToOwnPort(env, new Set(proxied))).toBe(expected);
  });
});

describe("nginx: a location of its own for websockets", () => {
  // Mattermost's documented site: the websocket location upgrades, `/` sets Connection "" to the same upstream.
  const mattermost = `upstream backend {
   server 127.0.0.1:8065;
   keepalive 32;
}
server {
   listen 443 ssl http2;
   location ~ /api/v[0-9]+/(users/)?websocket$ {
       proxy_set_header Upgrade $http_upgrade;
       proxy_set_header Connection "upgrade";
       proxy_pass http://backend;
   }
   location / {
       proxy_set_header Connection "";
       proxy_pass http://backend;
   }
}
`;
  // Every location upgrades (a blanket header): no sign the app serves websockets at all.
  const blanket = `server {
  listen 443 ssl;
  location / {
    proxy_pass http://localhost:3000;
    proxy_set_header Upgrade $http_upgrade;
    proxy_set_header Connection $http_connection;
  }
}
`;
  // n8n's: `/` upgrades to 5678, `/webhook/` goes plain to another port: no port gets both.
  const n8n = `server {
  listen 443 ssl;
  location /webhook/ { proxy_pass http://127.0.0.1:5679; proxy_set_header Host $host; }
  location / { proxy_pass http://127.0.0.1:5678; proxy_set_header Upgrade $http_upgrade; }
}
`;
  // Odoo's documented site: `/websocket` upgrades to the gevent worker's own port, `/` goes plain to 8069.
  const odoo = `upstream odoo { server 127.0.0.1:8069; }
upstream odoochat { server 127.0.0.1:8072; }
server {
  listen 443 ssl;
  location /websocket {
    proxy_pass http://odoochat;
    proxy_set_header Upgrade $http_upgrade;
    proxy_set_header Connection $connection_upgrade;
  }
  location / { proxy_set_header X-Forwarded-Host $http_host; proxy_pass http://odoo; }
}
`;
  // An upgrading location of its own whose path names no websocket (an API prefix): no sign.
  const api = odoo.replace("location /websocket", "location /api/");
  it.each([
    ["Mattermost's site", mattermost, [8065]],
    ["a blanket Upgrade header", blanket, undefined],
    ["n8n's site", n8n, undefined],
    ["Odoo's site", odoo, [8072]],
    ["an upgrading API location", api, undefined],
  ])("%s → %j", (_name, text, ports) => {
    expect(parseNginxConfig(text, "site")?.websocketRoutePorts).toEqual(ports);
  });
});

describe("a JVM's port from its command line", () => {
  it.each<[string, string[]]>([
    ["java -Dserver.port=8081 -jar app.jar", ["0.0.0.0:8081"]],
    ["java -jar app.jar --server.port=8082", ["0.0.0.0:8082"]],
    ["java -Djetty.http.port=8083 -jar start.jar", ["0.0.0.0:8083"]],
    ["java -Dhttp.port=9000 -cp lib/* play.core.server.ProdServerStart", ["0.0.0.0:9000"]],
    // A client's port (the database's) is not the process's own.
    ["java -Dspring.datasource.port=5432 -jar app.jar", []],
  ])("%s → %j", (command, listen) => {
    expect(classifyCommand(command).listen ? [classifyCommand(command).listen] : []).toEqual(listen);
  });
});
