// The config.php a PHP app's installer writes in its folder: a secret file of its PHP processes,
// with the database host, data folders and Redis settings the move changes.
import { describe, expect, it } from "vitest";
import { phpConfigFacts, phpConfigSecretFiles } from "../../src/detect/php-config-file.js";

const NEXTCLOUD = `<?php
$CONFIG = array (
  'passwordsalt' => 'FAKE-salt',
  'datadirectory' => '/srv/nextcloud-data',
  'dbtype' => 'mysql',
  'dbhost' => 'localhost',
  'dbpassword' => 'FAKE-db',
  'trusted_domains' => array ( 0 => 'localhost', 1 => 'cloud.example.org' ),
  'overwrite.cli.url' => 'https://cloud.example.org',
  'logfile' => '/srv/nextcloud-data/nextcloud.log',
  'memcache.local' => '\\\\OC\\\\Memcache\\\\APCu',
  'memcache.locking' => '\\\\OC\\\\Memcache\\\\Redis',
  'memcache.distributed' => '\\\\OC\\\\Memcache\\\\Redis',
  'redis' => array ( 'host' => '/run/redis/redis-server.sock', 'port' => 0 ),
);
`;
const MOODLE = `<?php
unset($CFG);
global $CFG;
$CFG = new stdClass();
$CFG->dbhost    = 'db.internal:3306';
$CFG->dbpass    = 'FAKE-pass';
$CFG->dataroot  = '/var/moodledata';
$CFG->wwwroot   = 'https://moodle.example.org';
$CFG->sslproxy  = true;
`;

describe("what a PHP config file sets that the move changes", () => {
  it.each([
    [
      NEXTCLOUD,
      {
        section: "$CONFIG",
        database: { section: "$CONFIG", host: "localhost" },
        paths: [{ section: "$CONFIG", key: "datadirectory", value: "/srv/nextcloud-data" }],
        redis: [{ section: "redis", key: "host" }],
        redisUses: ["locks", "cache"],
        logFiles: [{ section: "$CONFIG", key: "logfile", value: "/srv/nextcloud-data/nextcloud.log" }],
        // The app's own host names and public URL: behind Cloud Run its proxy settings change.
        ownHost: [
          { section: "$CONFIG", key: "trusted_domains" },
          { section: "$CONFIG", key: "overwrite.cli.url" },
        ],
      },
    ],
    [
      MOODLE,
      {
        section: "$CFG",
        database: { section: "$CFG", host: "db.internal:3306" },
        paths: [{ section: "$CFG", key: "dataroot", value: "/var/moodledata" }],
        redis: [],
        redisUses: [],
        logFiles: [],
        ownHost: [
          { section: "$CFG", key: "wwwroot" },
          { section: "$CFG", key: "sslproxy" },
        ],
      },
    ],
    // Commented settings are not the file's.
    [
      "<?php\n$CONFIG = [\n// 'dbhost' => 'old',\n];\n",
      { section: "$CONFIG", paths: [], redis: [], redisUses: [], logFiles: [], ownHost: [] },
    ],
  ])("%#", (text, facts) => {
    expect(phpConfigFacts(text)).toEqual(facts);
  });
});

describe("an installer-written config.php as a secret file", () => {
  const services = [
    { name: "php-fpm", role: "web", software: "php-fpm", runtime: "php" },
    { name: "cron", role: "cron", software: "php", runtime: "php" },
    { name: "redis", role: "cache", software: "redis" },
  ];
  const texts = [{ file: "config/config.php", text: NEXTCLOUD }];

  it("is read by the PHP processes when the folder is a release (no .gitignore)", () => {
    const [found] = phpConfigSecretFiles(texts, "/var/www/nextcloud", undefined, services);
    expect(found!.file).toMatchObject({
      path: "/var/www/nextcloud/config/config.php",
      services: ["php-fpm", "cron"],
      database: { section: "$CONFIG", host: "localhost" },
    });
  });

  it.each([
    ["a checkout's .gitignore leaves it out", "/config/config.php\n", "/var/www/nextcloud", 1],
    ["a checkout tracks it (the image has it)", "/data\n", "/var/www/nextcloud", 0],
    ["the repository is not the VM's folder", undefined, undefined, 0],
  ])("%s", (_why, gitignore, appPath, count) => {
    expect(phpConfigSecretFiles(texts, appPath, gitignore, services)).toHaveLength(count);
  });

  it("needs a credential of the file's own", () => {
    const env = [{ file: "config.php", text: "<?php\n$CONFIG = ['dbpassword' => getenv('DB_PASS')];\n" }];
    expect(phpConfigSecretFiles(env, "/var/www/app", undefined, services)).toEqual([]);
  });
});
