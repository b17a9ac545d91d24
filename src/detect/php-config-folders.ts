// The folder of user files a PHP app's installer wrote into its config file: Nextcloud's and
// ownCloud's config/config.php (`'datadirectory' => '/srv/nextcloud-data'`, every user's files),
// Moodle's config.php (`$CFG->dataroot = '/var/moodledata';`), apps that `define('UPLOAD_DIR', …)`.
// The folder is often outside the web root (the install guides say so, to keep it unreachable over
// HTTP), so no upload-folder convention in the app's folder finds it, and the app reads the path as
// written: the mount keeps that path (absoluteSetting), or the file's value is edited with it.
// https://docs.nextcloud.com/server/latest/admin_manual/configuration_server/config_sample_php_parameters.html#datadirectory
// https://docs.moodle.org/en/Installing_Moodle#Create_the_(moodledata)_data_directory

/** PHP config files an installer writes in the app's folder, read as its settings. */
export const PHP_CONFIG_FILE = /(^|\/)config(\.inc)?\.php$/;

/**
 * A key that names the folder of the app's data or uploads: `datadirectory`, `dataroot`,
 * `data_dir`, `upload_path`, `UPLOAD_DIR`, `files_root`, `media_root`, `attachment_dir`.
 */
const FOLDER_KEY = /^(user_?)?(data|uploads?|files|media|attachments?|documents?)_?(dir(ectory)?|root|path|folder)$/i;

/**
 * `'key' => 'value'` (an array entry), `$CFG->key = 'value'` or `$key = 'value'` (an assignment),
 * `define('KEY', 'value')`: a literal string value, quoted. A value built in code (`__DIR__ . '/data'`,
 * `getenv(…)`) is no literal and is left alone.
 */
const ENTRY =
  /(?:['"]([\w.-]+)['"]\s*=>\s*|\$(?:\w+->)?(\w+)\s*=\s*|\bdefine\(\s*['"](\w+)['"]\s*,\s*)(['"])(\/[^'"\n]*)\4\s*[,;)]/g;

/**
 * A key that names the app's whole data directory, not a folder of uploads: Nextcloud's and
 * ownCloud's `datadirectory`, Moodle's `dataroot`, `data_dir`. The app manages that tree as a
 * filesystem (per-user folders, renamed folders, chunked uploads assembled by rename, lock files,
 * a permission check: Nextcloud wants 0770), which a Cloud Storage mount cannot carry: it is
 * written in place (`inPlace` kind `files`, storage-in-place.ts). An upload folder (`upload_path`,
 * `media_root`) holds files written once, which a bucket carries.
 */
export const DATA_DIRECTORY_KEY = /^(user_?)?data_?(dir(ectory)?|root)$/i;

/** The absolute folders a PHP config file's literal settings name for user files, with their keys. */
export function phpConfigFolders(text: string): { key: string; path: string }[] {
  const found = new Map<string, string>();
  for (const line of text.split(/\r?\n/)) {
    if (/^\s*(\/\/|#|\*|\/\*)/.test(line)) continue;
    for (const m of line.matchAll(ENTRY)) {
      const key = m[1] ?? m[2] ?? m[3] ?? "";
      const folder = m[5]!.replace(/\/+$/, "");
      if (!FOLDER_KEY.test(key) || !folder || /\.\.|\/(tmp|temp|cache|logs?)(\/|$)/i.test(folder)) continue;
      if (!found.has(folder)) found.set(folder, key);
    }
  }
  return [...found].map(([path, key]) => ({ key, path }));
}
