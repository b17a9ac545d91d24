// A search engine on the VM (Elasticsearch, OpenSearch, Solr, Meilisearch, Typesense, Manticore) is a
// stateful server with its index on disk: init names it, and the design decides its home with
// options that work (the engine's managed service, a VM with a persistent disk, the database's own
// full-text search), never "run it from the app's image" nor a Cloud Storage mount of its index.
import { describe, expect, it } from "vitest";
import { classifyCommand } from "../../../src/detect/command.js";
import { searchEngineOf } from "../../../src/contracts/search-engine.js";
import { designPhase } from "../../../src/phases/design/index.js";
import { designResultSchema } from "../../../src/phases/design/schema.js";
import { designInputFromYaml } from "./design-input.js";

const inventory = (engine: string, role = "other", extra = "") => `apiVersion: infra-migrate/v1
kind: Inventory
metadata: { name: helpdesk }
host: { hostname: vm, os: "Ubuntu 22.04", memoryGiB: 16 }
services:
  - { name: web, role: web, software: puma, runtime: ruby, framework: rails, command: "bundle exec puma -p 3000",
      listen: ["127.0.0.1:3000"], dependsOn: [db, search], env: [DATABASE_URL, ELASTICSEARCH_URL, SECRET_KEY_BASE] }
  - { name: worker, role: worker, software: ruby, runtime: ruby, command: "bundle exec rake jobs:work",
      dependsOn: [db, search], env: [DATABASE_URL, ELASTICSEARCH_URL], longRunning: true }
  - { name: search, role: ${role}, software: ${engine}, version: "8.11", listen: ["127.0.0.1:9200"] }
  - { name: db, role: database, software: postgres, listen: ["127.0.0.1:5432"] }
data:
  - { service: db, engine: postgres, version: "15", sizeGiB: 30, backups: daily }
${extra}deploy: { method: ssh-systemctl }
target: { project: desk-prod, region: europe-west1, service: desk }
`;
const design = (yaml: string) => designResultSchema.parse(designPhase.offline(designInputFromYaml(yaml)));

describe("a search engine on the VM", () => {
  it.each(["other", "database"])("with role %s: a decision whose options each give the index a disk", (role) => {
    const r = design(inventory("elasticsearch", role, "storage:\n  - { path: /var/lib/elasticsearch, sizeGiB: 12 }\n"));
    const entry = r.mapping.find((m) => m.service === "search")!;
    expect(entry.target.kind).toBe("needs-decision");
    expect(entry.reason).toContain("search is Elasticsearch, a search engine that web, worker query on port 9200");
    const options = entry.options!.map((o) => o.option);
    expect(options[0]).toContain("Elastic Cloud on Google Cloud");
    expect(options.some((o) => /Compute Engine VM with a persistent disk/.test(o))).toBe(true);
    // Not a process of the app to run from its image, nor "a second database" for Cloud SQL.
    expect(options.join(" ")).not.toMatch(/worker pool from the app's image|second Cloud SQL instance/);
    // The VM option is priced for the index (12 GiB → a 24 GiB disk) and the engine's heap.
    const vm = entry.options!.find((o) => /Compute Engine/.test(o.option))!;
    expect(vm.change).toContain("24 GiB balanced persistent disk");
    expect(vm.cost).toMatch(/^about \$\d+\.\d\d\/month \(730 h × \(2 vCPU/);
    expect(entry.appChanges.join(" ")).toContain("Move the index by rebuilding it");
    // Its index folder is neither mounted nor copied: the design says so instead.
    expect(r.deployment.services.flatMap((t) => t.volumes ?? []).map((v) => v.mountPath)).not.toContain(
      "/var/lib/elasticsearch",
    );
    expect(r.assumptions.join(" ")).toContain('storage "/var/lib/elasticsearch": the index folder of search');
    // The app's processes still deploy, told that ELASTICSEARCH_URL needs the new address.
    expect(r.deployment.services.map((t) => t.name)).toEqual(expect.arrayContaining(["desk", "desk-worker"]));
    const web = r.mapping.find((m) => m.service === "web")!;
    expect(web.appChanges.join(" ")).toContain("ELASTICSEARCH_URL holds search's address on the VM");
  });

  it("an engine no process's settings name (Zammad's es_url lives in its database): the plan says to change it where the app keeps it", () => {
    const yaml = inventory("elasticsearch")
      .replace(
        "dependsOn: [db, search], env: [DATABASE_URL, ELASTICSEARCH_URL, SECRET_KEY_BASE]",
        "dependsOn: [db], env: [DATABASE_URL, SECRET_KEY_BASE]",
      )
      .replace(
        "dependsOn: [db, search], env: [DATABASE_URL, ELASTICSEARCH_URL]",
        "dependsOn: [db], env: [DATABASE_URL]",
      );
    const entry = design(yaml).mapping.find((m) => m.service === "search")!;
    expect(entry.appChanges[0]).toContain("No environment variable or settings file of the app names search's address");
    expect(entry.options![0]!.change).toContain("its address and credentials set where the app keeps them today");
    // With a setting that names it, neither.
    const named = design(inventory("elasticsearch")).mapping.find((m) => m.service === "search")!;
    expect(named.appChanges.join(" ")).not.toContain("No environment variable");
    expect(named.options![0]!.change).toContain("under the settings they read today");
  });

  it("an engine without a managed service of its own gets the other homes", () => {
    const entry = design(inventory("manticore")).mapping.find((m) => m.service === "search")!;
    expect(entry.options!.map((o) => o.option)).toEqual([
      "Run Manticore Search on a Compute Engine VM with a persistent disk",
      "Search with the database's own full-text index instead of Manticore Search",
    ]);
  });

  it.each<[string, string | undefined]>([
    [
      "/usr/share/elasticsearch/bin/systemd-entrypoint -p /var/run/elasticsearch/elasticsearch.pid --quiet",
      "elasticsearch",
    ],
    ["/usr/share/elasticsearch/jdk/bin/java -Xms4g -Xmx4g org.elasticsearch.bootstrap.Elasticsearch", "elasticsearch"],
    ["/usr/share/opensearch/bin/opensearch", "opensearch"],
    ["/opt/solr/bin/solr start -f -p 8983", "solr"],
    ["/usr/bin/meilisearch --config-file-path /etc/meilisearch.toml", "meilisearch"],
    ["/usr/bin/typesense-server --config=/etc/typesense/typesense-server.ini", "typesense"],
    ["/usr/bin/searchd --config /etc/manticoresearch/manticore.conf --nodetach", "manticore"],
    // The app's own processes that talk to an engine are not the engine.
    ["bundle exec rake searchkick:reindex:all", undefined],
    ["/usr/bin/java -jar /opt/app/app.jar --elasticsearch.url=http://localhost:9200", undefined],
  ])("init names %s", (command, engine) => {
    const facts = classifyCommand(command);
    if (engine) expect(facts).toMatchObject({ software: engine, role: "other" });
    else
      expect(["elasticsearch", "opensearch", "solr", "meilisearch", "typesense", "manticore"]).not.toContain(
        facts.software,
      );
    const service = {
      name: "x",
      role: facts.role,
      software: facts.software,
      command,
      listen: [],
      dependsOn: [],
      env: [],
      ...(facts.runtime ? { runtime: facts.runtime } : {}),
    };
    expect(searchEngineOf(service as never)).toBe(engine);
  });

  it.each<[string, string, string]>([
    [
      "/opt/keycloak/bin/kc.sh start --optimized --http-port=8080 --http-relative-path=/auth",
      "keycloak",
      "0.0.0.0:8080",
    ],
    ["/opt/keycloak/bin/kc.sh start --http-host=127.0.0.1 --http-port 8180", "keycloak", "127.0.0.1:8180"],
    ["/usr/share/grafana/bin/grafana server --config=/etc/grafana/grafana.ini", "grafana", "0.0.0.0:3000"],
  ])("init names a vendor's server by its launcher: %s", (command, software, listen) => {
    expect(classifyCommand(command)).toMatchObject({ software, role: "other", listen });
    expect(classifyCommand(command).runtime).toBeUndefined();
  });
});
