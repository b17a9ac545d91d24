// A PHP app's installer-written settings file that names its own host names, public URL or proxy
// trust (Nextcloud's trusted_domains, overwrite.cli.url; Moodle's $CFG->wwwroot, sslproxy): behind
// Cloud Run the request reaches PHP over HTTP from Google's front end, so the plan's edits of the
// stored file say which settings change. A file without such keys gets no such edit.
import { describe, expect, it } from "vitest";
import { designPhase } from "../../../src/phases/design/index.js";
import { designResultSchema } from "../../../src/phases/design/schema.js";
import { designInputFromYaml } from "./design-input.js";

const edits = (secretFile: string) => {
  const r = designResultSchema.parse(
    designPhase.offline(
      designInputFromYaml(`apiVersion: infra-migrate/v1
kind: Inventory
metadata: { name: cloud }
host: { hostname: vm, os: "Debian GNU/Linux 12 (bookworm)", cpus: 2 }
services:
  - { name: nginx, role: reverse-proxy, software: nginx, listen: ["0.0.0.0:443"], dependsOn: [php-fpm] }
  - { name: php-fpm, role: web, software: php-fpm, runtime: php, command: "php-fpm8.2 -F", listen: ["127.0.0.1:9000"], dependsOn: [db] }
  - { name: db, role: database, software: mysql, listen: ["127.0.0.1:3306"] }
data:
  - { service: db, engine: mysql, version: "8.0", sizeGiB: 5, backups: none }
secretFiles:
  - ${secretFile}
deploy: { method: ssh-script }
target: { project: cloud-prod, region: us-central1, service: cloud }
`),
    ),
  );
  return (r.deployment.secretFiles ?? []).flatMap((f) => f.edits ?? []);
};

describe("a settings file naming the app's own host and proxy trust", () => {
  it("Nextcloud-style $CONFIG: the host list keeps the public domain, overwriteprotocol and trusted_proxies are set", () => {
    const e = edits(
      `{ path: /var/www/cloud/config/config.php, services: [php-fpm], ownHost: [{ section: $CONFIG, key: trusted_domains }, { section: $CONFIG, key: overwrite.cli.url }] }`,
    );
    expect(e).toContainEqual(
      expect.stringMatching(
        /^\[\$CONFIG\] trusted_domains, overwrite\.cli\.url: the app's own host names and public URL; .*add the service's run\.app host to trusted_domains/,
      ),
    );
    expect(e).toContainEqual(
      expect.stringMatching(/set 'overwriteprotocol' => 'https' and 'trusted_proxies' => .*http:\/\/ links/),
    );
  });

  it("Moodle-style $CFG: sslproxy", () => {
    const e = edits(
      `{ path: /var/www/moodle/config.php, services: [php-fpm], ownHost: [{ section: $CFG, key: wwwroot }] }`,
    );
    expect(e).toContainEqual(expect.stringMatching(/^\[\$CFG\] wwwroot: the app's own host names and public URL/));
    expect(e).toContainEqual(expect.stringMatching(/set \$CFG->sslproxy = true/));
  });

  it("no such key: no such edit", () => {
    const e = edits(`{ path: /var/www/app/config.php, services: [php-fpm] }`);
    expect(e.join("\n")).not.toMatch(/front end|own host/);
  });
});
