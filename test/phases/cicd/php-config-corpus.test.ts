// Nextcloud (test/fixtures/real/nextcloud): the config.php its web installer wrote in the release's
// folder holds the database connection, the instance's secrets, the data directory and the log
// file. The plan mounts the VM's file from Secret Manager for the web service and the cron job,
// keeps it out of the image, invents no DATABASE_URL, and says which of its settings change.
import { existsSync } from "node:fs";
import path from "node:path";
import { describe, expect, it } from "vitest";
import { CICD_PATHS } from "../../../src/phases/cicd/index.js";
import { cicdResultSchema } from "../../../src/phases/cicd/schema.js";
import { renderOffline } from "../../helpers/offline-output.js";
import { ROOT } from "../../helpers/phase-input.js";

const APP = path.join(ROOT, "test/fixtures/real/nextcloud");
const REPO = path.join(APP, "vm/var/www/nextcloud");
const MOUNT = "/secrets/config-php/config.php";

describe.skipIf(!existsSync(APP))("Nextcloud's installer-written config.php", () => {
  it("is mounted for the web service and the cron job, never baked in, and no DATABASE_URL is invented", async () => {
    const { artifacts, results } = await renderOffline(path.join(APP, "inventory.yaml"), REPO);
    // What the CLI checks the offline rules' result against (the repository's composer.json moves
    // composer's bin-dir to lib/composer/bin).
    expect(cicdResultSchema.safeParse(results.cicd).success).toBe(true);
    const workflow = artifacts.find((a) => a.path === CICD_PATHS.workflow)!.content;
    expect(workflow.match(new RegExp(`${MOUNT}=config-php:latest`, "g"))).toHaveLength(2);
    expect(workflow).not.toContain("DATABASE_URL");
    // The job runs the script in the image's copy of the app, not the VM's path.
    expect(workflow).toContain("--args=-f,cron.php");
    const dockerfile = artifacts.find((a) => a.path === "Dockerfile")!.content;
    expect(dockerfile).toContain(`ln -sfn ${MOUNT} /app/config/config.php`);
    expect(dockerfile).toMatch(/install-php-extensions [^\n]*\bapcu\b[^\n]*\bredis\b/);
    expect(artifacts.find((a) => a.path === ".dockerignore")!.content).toMatch(/^config\/config\.php$/m);
  });

  it("says how its database host and its log file change", async () => {
    const { artifacts } = await renderOffline(path.join(APP, "inventory.yaml"), REPO);
    const plan = artifacts.find((a) => a.path === "docs/migration/README.md")!.content;
    expect(plan).toMatch(/\[\$CONFIG\]: the host \(localhost on the VM\) becomes the Cloud SQL socket \/cloudsql\//);
    expect(plan).toContain(
      "[$CONFIG] logfile (/srv/nextcloud-data/nextcloud.log on the VM) is a log file inside /srv/nextcloud-data, mounted from gs://",
    );
  });
});
