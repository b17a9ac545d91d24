// A search engine's package puts its unit in /usr/lib or /lib (Elastic's deb: elasticsearch.service,
// ExecStart=/usr/share/elasticsearch/bin/systemd-entrypoint …, no port on the command line). init
// keeps it as the store it is, on the engine's documented port, where other packaged units it does
// not know (sshd, cron) are left out. Zammad's package install is the corpus's case.
import { afterAll, describe, expect, it } from "vitest";
import { detectRepo } from "../../src/detect/detect-repo.js";
import { TempTrees } from "../helpers/file-tree.js";

const trees = new TempTrees("im-search-unit-");
afterAll(() => trees.removeAll());

const ES_UNIT = `[Unit]\nDescription=Elasticsearch\n[Service]\nType=notify\nEnvironment=ES_HOME=/usr/share/elasticsearch
WorkingDirectory=/usr/share/elasticsearch\nUser=elasticsearch
ExecStart=/usr/share/elasticsearch/bin/systemd-entrypoint -p \${PID_DIR}/elasticsearch.pid --quiet\n[Install]\nWantedBy=multi-user.target\n`;
const APP_UNIT = `[Service]\nWorkingDirectory=/srv/desk\nExecStart=/usr/bin/bundle exec puma -p 3000\n`;

async function detect(units: Record<string, string>, links: Record<string, string>) {
  const vm = await trees.make({ "etc/systemd/system/desk.service": APP_UNIT, ...units }, links);
  const repo = await trees.make({ Gemfile: "source 'https://rubygems.org'\ngem 'rails'\ngem 'puma'\n" });
  return detectRepo(repo, {
    host: { root: vm, readListeners: async () => undefined },
    readRemote: async () => undefined,
  });
}

describe("a search engine's packaged unit", () => {
  it.each([
    ["usr/lib/systemd/system/elasticsearch.service", "/usr/lib/systemd/system/elasticsearch.service"],
    ["lib/systemd/system/elasticsearch.service", "/lib/systemd/system/elasticsearch.service"],
  ])("%s, enabled: the engine on 9200", async (file, target) => {
    const facts = await detect(
      { [file]: ES_UNIT, "lib/systemd/system/ssh.service": "[Service]\nExecStart=/usr/sbin/sshd -D\n" },
      {
        "etc/systemd/system/multi-user.target.wants/elasticsearch.service": target,
        "etc/systemd/system/multi-user.target.wants/ssh.service": "/lib/systemd/system/ssh.service",
      },
    );
    expect(facts.services.find((s) => s.software === "elasticsearch")).toMatchObject({
      role: "other",
      systemdUnit: "elasticsearch.service",
      listen: ["127.0.0.1:9200"],
    });
    // A packaged unit init does not know stays out.
    expect(facts.services.map((s) => s.software)).not.toContain("sshd");
    expect(facts.services.map((s) => s.name)).not.toContain("ssh");
  });
});
