// A crontab line that runs a tool the VM installed outside the app's folder (WordPress's wp-cron
// through wp-cli, /usr/local/bin/wp): no image of ours holds it, so the job would fail at start. It
// is held (the deploy skips it, the VM keeps running it) with a decision that says to install the
// program in the image; once the Dockerfile the deploy builds names it, the job deploys. The VM's
// app folder in its arguments (--path=/var/www/html) becomes the image's (its WORKDIR, /app).
import { afterAll, describe, expect, it } from "vitest";
import { vmAppRoot } from "../../../src/image/app-root.js";
import { parseInventory } from "../../../src/inventory/load.js";
import { designPhase } from "../../../src/phases/design/index.js";
import { designResultSchema } from "../../../src/phases/design/schema.js";
import { offlineCicd } from "../../../src/phases/cicd/offline.js";
import { renderCicd } from "../../../src/phases/cicd/render.js";
import { chainYaml } from "../../helpers/chain.js";
import { TempTrees } from "../../helpers/file-tree.js";
import { designInputFromYaml } from "./design-input.js";

const inventory = (cron: string) => `apiVersion: infra-migrate/v1
kind: Inventory
metadata: { name: blog }
services:
  - { name: apache, role: web, software: apache2, runtime: php, framework: wordpress, listen: ["0.0.0.0:80"], dependsOn: [mysql] }
  - { name: wp-cron, role: cron, software: cron, schedule: "*/5 * * * *", command: "${cron}", dependsOn: [mysql] }
  - { name: mysql, role: database, software: mysql, version: "8.0", listen: ["127.0.0.1:3306"] }
data: [{ service: mysql, engine: mysql, version: "8.0", sizeGiB: 2 }]
storage: [{ path: /var/www/html/wp-content/uploads, sizeGiB: 20 }]
deploy: { method: manual }
target: { project: blog-prod, region: us-east1, service: blog }
`;
const WP_CLI = "/usr/local/bin/wp --path=/var/www/html cron event run --due-now";

const trees = new TempTrees("foreign-program-");
afterAll(() => trees.removeAll());

function design(cron: string, repoDir?: string) {
  const input = designInputFromYaml(inventory(cron));
  return designResultSchema.parse(designPhase.offline(repoDir ? { ...input, repoDir } : input));
}
const job = (r: ReturnType<typeof design>) => r.deployment.services.find((t) => t.replaces.includes("wp-cron"))!;

describe("a job whose program the VM installed outside the app's folder", () => {
  it("the folder wp-cli's --path names, holding the uploads, is the app's root", () => {
    expect(vmAppRoot(parseInventory(inventory(WP_CLI), "inventory.yaml").inventory)).toBe("/var/www/html");
    // An object store's data folder holding a storage folder is the store's, not the app's.
    const minio = inventory("/usr/local/bin/wp cron event run --due-now").replace(
      "  - { name: mysql,",
      "  - { name: minio, role: other, software: minio, command: /usr/local/bin/minio server /srv/minio }\n  - { name: mysql,",
    );
    const inv = parseInventory(minio.replace("/var/www/html/wp-content/uploads", "/srv/minio/scans"), "i.yaml");
    expect(vmAppRoot(inv.inventory)).toBeUndefined();
  });

  it("is held with a decision to install the program in the image; its --path is the image's", () => {
    const r = design(WP_CLI);
    const t = job(r);
    expect(t.command).toEqual(["/usr/local/bin/wp", "--path=.", "cron", "event", "run", "--due-now"]);
    expect(t.heldFor).toMatchObject({ decision: "wp-cron-command", topic: "command" });
    expect(t.held).toContain(
      "/usr/local/bin/wp, a program the VM has installed outside the app's folder (/var/www/html)",
    );
    expect(t.held).toContain("would fail at start");
    const decision = r.mapping.find((m) => m.target.name === "wp-cron-command")!;
    expect(decision.options![0]!.option).toBe("Install /usr/local/bin/wp in the app's image (recommended)");
    expect(decision.reason).not.toContain("web server");
  });

  it("the deploy's hold step says what it waits for: the program, not a command", async () => {
    const { input } = chainYaml(inventory(WP_CLI));
    const artifacts = renderCicd(offlineCicd(input), input);
    const workflow = artifacts.find((a) => a.path === ".github/workflows/deploy.yml")!.content;
    expect(workflow).toContain("Hold blog-wp-cron: not deployed until its image has the program its command runs");
    expect(workflow).not.toContain("would run the web server");
  });

  it("deploys once the Dockerfile the deploy builds installs it", async () => {
    const repo = await trees.make({
      Dockerfile:
        "FROM wordpress:6-php8.2-apache\nRUN curl -fsSL -o /usr/local/bin/wp https://raw.githubusercontent.com/wp-cli/builds/gh-pages/phar/wp-cli.phar && chmod +x /usr/local/bin/wp\n",
      "wp-config-sample.php": "<?php\ndefine( 'DB_NAME', 'database_name_here' );\n",
    });
    expect(job(design(WP_CLI, repo)).held).toBeUndefined();
  });

  it.each([
    ["a distribution's program", "/usr/bin/find /var/www/html/wp-content/cache -mtime +7 -delete"],
    ["PHP's CLI on the app's own file", "php /var/www/html/wp-cron.php"],
  ])("%s is not held", (_name, cron) => {
    expect(job(design(cron)).held).toBeUndefined();
  });
});
