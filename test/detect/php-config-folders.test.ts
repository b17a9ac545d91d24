// A PHP app's installer writes the folder of its users' files into its config.php, often outside
// the web root: Nextcloud's `'datadirectory' => …`, Moodle's `$CFG->dataroot = …`.
import { describe, expect, it } from "vitest";
import { DATA_DIRECTORY_KEY, PHP_CONFIG_FILE, phpConfigFolders } from "../../src/detect/php-config-folders.js";

describe("folders of user files a PHP config file names", () => {
  it.each([
    // Nextcloud's and ownCloud's config/config.php, as the installer writes it.
    [
      "<?php\n$CONFIG = array (\n  'instanceid' => 'oc1',\n  'datadirectory' => '/srv/nextcloud-data',\n  'dbhost' => 'localhost',\n);\n",
      [{ key: "datadirectory", path: "/srv/nextcloud-data" }],
    ],
    // Moodle's config.php: an assignment to $CFG; the trailing slash is not the folder's.
    [
      "<?php\n$CFG->dataroot  = '/var/moodledata/';\n$CFG->wwwroot = 'https://m.example.org';\n",
      [{ key: "dataroot", path: "/var/moodledata" }],
    ],
    // define() of a constant and a plain variable, double quotes.
    [
      '<?php\ndefine("UPLOAD_DIR", "/data/uploads");\n$files_path = "/srv/files";\n',
      [
        { key: "UPLOAD_DIR", path: "/data/uploads" },
        { key: "files_path", path: "/srv/files" },
      ],
    ],
    // Not a folder of user files: logs, temp, caches, other keys; a value built in code; a comment.
    [
      "<?php\n$CONFIG = [\n 'logfile' => '/srv/nc/nextcloud.log',\n 'tempdirectory' => '/tmp/nc',\n 'data_path' => '/var/cache/app',\n 'datadirectory' => __DIR__ . '/data',\n // 'datadirectory' => '/old/data',\n 'apps_paths' => [['path' => '/var/www/nextcloud/apps']],\n];\n",
      [],
    ],
    // A relative value is not read here (a folder in the app's folder is found by its own rules).
    ["<?php\n$conf['savedir'] = './data';\n$CONFIG = ['datadirectory' => 'data'];\n", []],
  ])("%j", (text, folders) => {
    expect(phpConfigFolders(text)).toEqual(folders);
  });

  it.each([
    ["config/config.php", true],
    ["config.php", true],
    ["config.inc.php", true],
    ["config/config.sample.php", false],
    ["app/config/database.php", false],
    ["lib/config.py", false],
  ])("%s is a PHP config file: %s", (file, yes) => {
    expect(PHP_CONFIG_FILE.test(file)).toBe(yes);
  });
});

describe("the key that names the app's whole data directory (a tree it manages as a filesystem)", () => {
  it.each([
    ["datadirectory", true],
    ["dataroot", true],
    ["data_dir", true],
    ["DATA_ROOT", true],
    ["user_data_directory", true],
    // Folders of uploads hold files written once: a bucket carries them.
    ["upload_path", false],
    ["UPLOAD_DIR", false],
    ["media_root", false],
    ["files_path", false],
    ["data_path", false],
  ])("%s: %s", (key, data) => {
    expect(DATA_DIRECTORY_KEY.test(key)).toBe(data);
  });
});
