// Nextcloud (test/fixtures/real/nextcloud): the config.php its web installer wrote in the release's
// folder holds the database connection, the instance's secrets, the data directory and the log
// file. The plan mounts the VM's file from Secret Manager for the web service and the cron job,
// keeps it out of the image, invents no DATABASE_URL, and says which of its settings change. Its
// data directory is a tree Nextcloud manages as a filesystem (inPlace kind files): no bucket, an
// open decision that holds the services until it is taken; taken (Filestore), they deploy.
import { existsSync, mkdtempSync, readFileSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { describe, expect, it } from "vitest";
import { CICD_PATHS } from "../../../src/phases/cicd/index.js";
import { cicdResultSchema } from "../../../src/phases/cicd/schema.js";
import { renderOffline } from "../../helpers/offline-output.js";
import { ROOT } from "../../helpers/phase-input.js";

const APP = path.join(ROOT, "test/fixtures/real/nextcloud");
const REPO = path.join(APP, "vm/var/www/nextcloud");
const MOUNT = "/secrets/config-php/config.php";

/** The inventory with the data directory's open decision taken: a Filestore share. */
function withFilestore(): string {
  const text = readFileSync(path.join(APP, "inventory.yaml"), "utf8");
  const taken = text.replace(/(\n {8}kind: files\n)/, "$1    inPlaceHome: filestore\n");
  expect(taken).not.toBe(text);
  const file = path.join(mkdtempSync(path.join(tmpdir(), "nextcloud-")), "inventory.yaml");
  writeFileSync(file, taken);
  return file;
}

describe.skipIf(!existsSync(APP))("Nextcloud's installer-written config.php", () => {
  it("its data directory is no bucket: an open decision holds web and cron until it is taken", async () => {
    const { artifacts } = await renderOffline(path.join(APP, "inventory.yaml"), REPO);
    const mapping = JSON.parse(artifacts.find((a) => a.path === "docs/migration/design/mapping.json")!.content);
    const open = mapping.mapping.find((m: { target: { kind: string; name: string } }) =>
      m.target.name.endsWith("-disk"),
    );
    expect(open.reason).toMatch(/^\/srv\/nextcloud-data keeps all of it written in place: the app's data directory/);
    expect(open.options.map((o: { option: string }) => o.option)).toContain(
      "Object storage as the app's primary storage, if it supports it (not a copy)",
    );
    const workflow = artifacts.find((a) => a.path === CICD_PATHS.workflow)!.content;
    // Its log file is still named among config.php's edits: standard output, not a file in the folder.
    const plan = artifacts.find((a) => a.path === "docs/migration/README.md")!.content;
    expect(plan).toMatch(
      /\[\$CONFIG\] logfile \(\/srv\/nextcloud-data\/nextcloud\.log on the VM\) is a log file inside \/srv\/nextcloud-data, whose home waits for its open decision \([\w-]+-disk\): [^\n]*\/dev\/stdout/,
    );
    expect(workflow).not.toContain("gcsfuse");
    expect(workflow).not.toMatch(/--add-volume=[^\n]*type=cloud-storage/);
  });

  it("is mounted for the web service and the cron job, never baked in, and no DATABASE_URL is invented", async () => {
    const { artifacts, results } = await renderOffline(withFilestore(), REPO);
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
    // The VM's apcu.ini (shared with the CLI) sets apc.enable_cli=1: cron.php caches in APCu too.
    expect(dockerfile).toContain(`RUN echo 'apc.enable_cli = 1' > "$PHP_INI_DIR/conf.d/apcu-cli.ini"`);
    expect(artifacts.find((a) => a.path === ".dockerignore")!.content).toMatch(/^config\/config\.php$/m);
  });

  it("says how its database host, its log file and its proxy settings change", async () => {
    const { artifacts } = await renderOffline(withFilestore(), REPO);
    const plan = artifacts.find((a) => a.path === "docs/migration/README.md")!.content;
    // Its own host names and proxy trust: the front end speaks HTTP to PHP.
    expect(plan).toContain("[$CONFIG] trusted_domains, overwrite.cli.url: the app's own host names and public URL");
    expect(plan).toContain("set 'overwriteprotocol' => 'https' and 'trusted_proxies' =>");
    expect(plan).toMatch(/\[\$CONFIG\]: the host \(localhost on the VM\) becomes the Cloud SQL socket \/cloudsql\//);
    expect(plan).toContain(
      "[$CONFIG] logfile (/srv/nextcloud-data/nextcloud.log on the VM) is a log file inside /srv/nextcloud-data, the Filestore share several instances mount: on Cloud Run the log is each instance's standard output; point it at /dev/stdout",
    );
  });
});
