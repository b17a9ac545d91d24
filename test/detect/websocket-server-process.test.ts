// An app's websocket server as a process of its own, behind the proxy's websocket location (Zammad:
// `bundle exec script/websocket-server.rb -b 127.0.0.1 -p 6042 start`, nginx's `location /ws` to
// 6042, `location /` to Puma on 3000): a Ruby process on the port its flags name that takes
// websocket connections only; the background worker beside it, whose env file names the web ports,
// stays a worker; Action Cable's redis adapter set in an initializer is a pub/sub use of Redis.
import { afterAll, describe, expect, it } from "vitest";
import { detectRepo } from "../../src/detect/detect-repo.js";
import { websocketOnlyPorts } from "../../src/detect/nginx-routes.js";
import { TempTrees } from "../helpers/file-tree.js";

const trees = new TempTrees("im-ws-server-");
afterAll(() => trees.removeAll());

const site = (root: string) => `upstream rails { server 127.0.0.1:3000; }
upstream ws { server 127.0.0.1:6042; }
server {
  listen 80;
  location /ws {
    proxy_http_version 1.1;
    proxy_set_header Upgrade $http_upgrade;
    proxy_set_header Connection "Upgrade";
    proxy_pass http://ws;
  }
${root}
}
`;
const unit = (cmd: string) =>
  `[Service]\nWorkingDirectory=/srv/desk\nEnvironmentFile=/srv/desk/.env\nExecStart=/usr/bin/env ${cmd}\n`;

async function detect(rootLocation: string, extra: Record<string, string> = {}) {
  const vm = await trees.make(
    {
      "etc/nginx/sites-enabled/desk": site(rootLocation),
      "etc/systemd/system/desk-web.service": unit("bundle exec rails server -b 127.0.0.1 -p 3000"),
      "etc/systemd/system/desk-websocket.service": unit(
        "bundle exec script/websocket-server.rb -b 127.0.0.1 -p 6042 start",
      ),
      "etc/systemd/system/desk-worker.service": unit("bundle exec script/background-worker.rb start"),
      "lib/systemd/system/redis-server.service": "[Service]\nExecStart=/usr/bin/redis-server /etc/redis/redis.conf\n",
      "srv/desk/.env": "RAILS_ENV=production\nDESK_RAILS_PORT=3000\nDESK_WEBSOCKET_PORT=6042\n",
      "srv/desk/Gemfile": "source 'https://rubygems.org'\ngem 'rails'\ngem 'puma'\ngem 'em-websocket'\ngem 'redis'\n",
      ...extra,
    },
    { "etc/systemd/system/multi-user.target.wants/redis-server.service": "/lib/systemd/system/redis-server.service" },
  );
  return detectRepo(`${vm}/srv/desk`, {
    host: { root: vm, readListeners: async () => undefined },
    readRemote: async () => undefined,
  });
}

describe("a websocket server of its own behind the proxy's /ws", () => {
  it("is a Ruby web process on its flag's port that speaks websocket only; the worker stays a worker", async () => {
    const facts = await detect("  location / { proxy_pass http://rails; }");
    const by = (u: string) => facts.services.find((s) => s.systemdUnit === u);
    expect(by("desk-websocket.service")).toMatchObject({
      role: "web",
      runtime: "ruby",
      listen: ["127.0.0.1:6042"],
      protocols: ["websocket"],
    });
    expect(by("desk-web.service")).toMatchObject({ role: "web", listen: ["127.0.0.1:3000"], protocols: ["http"] });
    expect(by("desk-worker.service")).toMatchObject({ role: "worker", runtime: "ruby", listen: [] });
  });

  it("serves HTTP too when a plain location reaches the same port", async () => {
    const facts = await detect("  location / { proxy_pass http://ws; }");
    expect(facts.services.find((s) => s.systemdUnit === "desk-websocket.service")?.protocols).toEqual([
      "http",
      "websocket",
    ]);
  });

  it("Action Cable's redis adapter in an initializer: Redis is a pub/sub", async () => {
    const initializer =
      "Rails.application.config.action_cable.cable = {\n  adapter:        :redis,\n  url: ENV['REDIS_URL'],\n}\n";
    const without = await detect("  location / { proxy_pass http://rails; }");
    expect(without.services.find((s) => s.software === "redis")?.usedFor ?? []).not.toContain("pubsub");
    const facts = await detect("  location / { proxy_pass http://rails; }", {
      "srv/desk/config/initializers/zzz_action_cable_preferences.rb": initializer,
    });
    expect(facts.services.find((s) => s.software === "redis")?.usedFor).toContain("pubsub");
  });
});

describe("websocketOnlyPorts", () => {
  const ports = (t: string) => websocketOnlyPorts(t, (to) => (/ws/.test(to) ? [6042] : [3000]));
  it("a port only an upgrading websocket location reaches", () => {
    expect(ports(site("  location / { proxy_pass http://rails; }"))).toEqual([6042]);
    expect(ports(site("  location / { proxy_pass http://ws; }"))).toEqual([]);
  });
});
