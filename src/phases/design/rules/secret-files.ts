// A file on the VM that holds a secret the repository lacks (inventory `secretFiles`: wallabag's
// data/site-credentials-secret-key.txt, made at first use) must be the same file on every
// instance, or each makes its own key and cannot read what another encrypted. It becomes a Secret
// Manager secret (scripts/setup-secrets.sh copies the VM's file, never printing it) mounted as a
// file. A secret volume hides whatever the image has at its mount folder, so each file is mounted
// in a folder of its own and the image links the app's path to it (image/code-links.ts).
// https://cloud.google.com/run/docs/configuring/services/secrets#mounting-secrets
import path from "node:path";
import { isAiGatewayTarget, isAiWorkerTarget, SECRET_ID, type DeployTarget } from "../../../contracts/deployment.js";
import { usableSettingsStore } from "../../../contracts/settings-stores.js";
import { secretFileMounts } from "../../../image/code-links.js";
import { jdbcSettingsFileOverPrivateIp } from "./settings-file-db.js";
import type { Draft } from "./draft.js";
import { cleanName } from "./names.js";
import { hostOf } from "../../../inventory/listen.js";

/** A secret id from the file's name (site-credentials-secret-key.txt → site-credentials-secret-key-txt). */
export function secretFileId(file: string, taken: Set<string>): string {
  const base =
    path.posix
      .basename(file)
      .replace(/[^A-Za-z0-9_-]+/g, "-")
      .replace(/^-+|-+$/g, "") || "secret-file";
  let id = base.slice(0, 200);
  for (let i = 2; taken.has(id) || !SECRET_ID.test(id); i++) id = `${base.slice(0, 200)}-${i}`;
  taken.add(id);
  return id;
}

export function planSecretFiles(d: Draft): void {
  const files = d.inv.secretFiles ?? [];
  if (files.length === 0) return;
  // Env secrets share Secret Manager's namespace: a file's id never takes an env secret's.
  const taken = new Set(d.services.flatMap((t) => t.secrets));
  const appTargets = d.services.filter((t) => !isAiWorkerTarget(t) && !isAiGatewayTarget(t));
  const mounts = secretFileMounts(d.inv);
  files.forEach((file, i) => {
    const users = file.services?.length
      ? appTargets.filter((t) => t.replaces.some((r) => file.services!.includes(r)))
      : appTargets;
    if (users.length === 0) return;
    const secret = secretFileId(file.path, taken);
    const sql = users.find((t) => t.cloudSqlInstance)?.cloudSqlInstance;
    // A file the app loads into its own store (settings-stores.ts) is read, never served from: unedited.
    const stored = usableSettingsStore(d.inv, file) !== undefined;
    const edits = stored
      ? []
      : [
          ...listenerEdits(file, users),
          ...folderEdits(d, file),
          ...logEdits(d, file),
          ...redisEdits(d, file),
          ...ownHostEdits(file, users),
          ...(file.database?.urlKey && sql
            ? [
                `${file.database.urlKey} (a JDBC URL${file.database.host ? ` naming ${file.database.host} on the VM` : ""}) becomes ${jdbcSettingsFileOverPrivateIp(d, file) ? `jdbc:${d.database?.engine === "postgres" ? "postgresql" : "mysql"}://PRIVATE_IP:${d.database?.engine === "postgres" ? 5432 : 3306}/DATABASE, the instance's private IP (no Cloud SQL Java connector in the build)` : `the Cloud SQL Java connector's form (cloudSqlInstance=${d.project.id}:${d.inv.target.region}:${sql}, socketFactory)`}, its other parameters kept, with the user and password scripts/setup-database.sh created (in its URL secret)`,
              ]
            : []),
          ...(file.database && !file.database.urlKey && sql
            ? [
                `[${file.database.section}]: the host${file.database.host ? ` (${file.database.host} on the VM)` : ""} becomes the Cloud SQL socket /cloudsql/${d.project.id}:${d.inv.target.region}:${sql}${mysqlSocketKey(d, file.path)}, and the user, password and database name scripts/setup-database.sh created (in its URL secret)`,
              ]
            : []),
        ];
    d.secretFiles.push({
      secret,
      sourcePath: file.path,
      mountPath: mounts[i]!.mountPath,
      targets: users.map((t) => t.name),
      ...(edits.length ? { edits } : {}),
    });
  });
}

/**
 * MySQL clients configured from YAML or JSON take a socket under a key of its own, not as the host:
 * Rails' mysql2 reads `socket:` (a host is dialled over TCP), Sequelize `dialectOptions.socketPath`.
 * INI-style files (Gitea's [database] HOST, Django's HOST) take a path starting with / as the socket.
 */
function mysqlSocketKey(d: Draft, file: string): string {
  return d.database?.engine === "mysql" && /\.(ya?ml|json)$/i.test(file)
    ? " (for MySQL in the client's socket key, with the host removed: Rails' mysql2 `socket:`, Sequelize's `dialectOptions.socketPath`)"
    : "";
}

/**
 * A setting of the file that names a folder of user files on the VM, or the folder holding one
 * (pretix's [pretix] datadir=/var/pretix/data, whose media/ is the uploads folder): in the container
 * the bucket is mounted elsewhere, and the app would write its uploads to the instance's own disk,
 * lost when it stops. The value becomes the folder the mount sits in, by the same relative path.
 */
function folderEdits(d: Draft, file: NonNullable<Draft["inv"]["secretFiles"]>[number]): string[] {
  const edits: string[] = [];
  for (const p of file.paths ?? []) {
    const plan = (d.notes.storage ?? []).find(
      (n) => n.storage.path.replace(/\/+$/, "") === p.value || n.storage.path.startsWith(`${p.value}/`),
    );
    if (!plan) continue;
    const rel = plan.storage.path.replace(/\/+$/, "").slice(p.value.length);
    if (!plan.mountPath.endsWith(rel)) continue;
    const target = plan.mountPath.slice(0, plan.mountPath.length - rel.length);
    if (target && target !== p.value)
      edits.push(
        `[${p.section}] ${p.key} (${p.value} on the VM) becomes ${target}${rel ? `, the folder gs://${plan.bucket} is mounted in (at ${plan.mountPath})` : `, where gs://${plan.bucket} is mounted`}; left as it is, uploads would go to the instance's own disk and be lost with it`,
      );
  }
  return edits;
}

/**
 * A setting of the file naming a log file inside a folder the plan mounts from a bucket (Nextcloud's
 * `logfile` in its data directory): Cloud Storage FUSE uploads the whole object again whenever the
 * file is closed after an append, and instances appending to the same object overwrite each other's
 * lines. On Cloud Run standard output is the log (Cloud Logging keeps every instance's lines).
 * https://cloud.google.com/storage/docs/cloud-storage-fuse/overview#differences-and-limitations
 */
function logEdits(d: Draft, file: NonNullable<Draft["inv"]["secretFiles"]>[number]): string[] {
  const edits: string[] = [];
  for (const l of file.logFiles ?? []) {
    const inside = (n: { storage: { path: string } }) => l.value.startsWith(`${n.storage.path.replace(/\/+$/, "")}/`);
    const plan = (d.notes.storage ?? []).find(inside);
    // A folder written in place (an app's data directory, in-place-decision.ts) is no bucket, but
    // the log is still one file per folder: on Cloud Run each instance's standard output is the log.
    const kept = plan ? undefined : (d.notes.inPlace ?? []).find(inside);
    if (kept) {
      const home = kept.decided
        ? "the Filestore share several instances mount"
        : `whose home waits for its open decision (${cleanName(`${kept.services[0] ?? d.base}-disk`, 62)})`;
      edits.push(
        `[${l.section}] ${l.key} (${l.value} on the VM) is a log file inside ${kept.storage.path}, ${home}: on Cloud Run the log is each instance's standard output; point it at /dev/stdout (or the app's own stderr or syslog log type) so Cloud Logging keeps every instance's lines`,
      );
      continue;
    }
    if (!plan) continue;
    edits.push(
      `[${l.section}] ${l.key} (${l.value} on the VM) is a log file inside ${plan.storage.path}, mounted from gs://${plan.bucket}: every appended line would upload the whole object again and instances would overwrite each other's lines; point it at /dev/stdout (or the app's own stderr or syslog log type) so Cloud Logging keeps every instance's lines`,
    );
  }
  return edits;
}

/**
 * Settings through which a PHP app knows its own address (ownHost: host names it answers to, its
 * public URL, proxy trust). On Cloud Run the request reaches the container over HTTP from Google's
 * front end, with the client's scheme and address in X-Forwarded-Proto and X-Forwarded-For: without
 * the app's proxy settings it builds http:// links and sees every client as the front end, and a
 * host list refuses any name it does not hold (the run.app URL).
 * https://docs.nextcloud.com/server/latest/admin_manual/configuration_server/reverse_proxy_configuration.html
 * https://docs.moodle.org/en/Configuration_file (sslproxy)
 */
function ownHostEdits(file: NonNullable<Draft["inv"]["secretFiles"]>[number], users: DeployTarget[]): string[] {
  const keys = file.ownHost ?? [];
  if (!keys.length || !users.some((t) => t.kind === "api")) return [];
  const section = keys[0]!.section;
  const has = (re: RegExp) => keys.filter((k) => re.test(k.key)).map((k) => k.key);
  const hosts = has(/^(trusted_(domains|hosts)|allowed_hosts)$/i);
  const urls = has(/^(overwrite\.cli\.url|overwritehost|wwwroot|base_?url|site_?url|app_?url)$/i);
  const edits: string[] = [];
  if (hosts.length || urls.length)
    edits.push(
      `[${section}] ${[...hosts, ...urls].join(", ")}: the app's own host names and public URL; keep the domain users reach (the load balancer's), https://, and add the service's run.app host to ${hosts.length ? hosts.join(", ") : "them"} if it is reached there, since any other Host is refused`,
    );
  // Moodle sets one flag; Nextcloud and ownCloud force the scheme and name the proxies they trust.
  const proxy =
    section === "$CFG" || has(/^(sslproxy|reverseproxy)$/i).length
      ? "$CFG->sslproxy = true"
      : "'overwriteprotocol' => 'https' and 'trusted_proxies' => the addresses requests arrive from on Cloud Run (only Google's front end reaches the container)";
  edits.push(
    `[${section}]: the request reaches PHP over HTTP from Google's front end; set ${proxy}, or the app builds http:// links and sees every client as the proxy`,
  );
  return edits;
}

/**
 * Settings of the file holding a Redis URL (pretix's [redis] location, [celery] broker and
 * backend): the VM's Redis is gone, and an env var cannot change a file, so the stored version must
 * name Memorystore's private address (setup-network.sh prints it).
 */
function redisEdits(d: Draft, file: NonNullable<Draft["inv"]["secretFiles"]>[number]): string[] {
  const cache = d.caches.find((c) => c.engine === "redis");
  if (!file.redis?.length || !cache) return [];
  const keys = file.redis.map((r) => `[${r.section}] ${r.key}`).join(", ");
  return [
    `${keys}: each Redis URL's host becomes the private IP of Memorystore ${cache.name} (setup-network.sh prints it), port 6379, keeping the database number after the slash`,
  ];
}

/**
 * A settings file that sets the app's listener (Gitea's [server] HTTP_ADDR, HTTP_PORT): Cloud Run
 * reaches the container on its own address, not its loopback, and on the port the service names.
 * https://cloud.google.com/run/docs/container-contract#port
 */
function listenerEdits(file: NonNullable<Draft["inv"]["secretFiles"]>[number], users: DeployTarget[]): string[] {
  const server = file.server;
  const web = users.find((t) => t.kind === "api");
  if (!server || !web) return [];
  const edits: string[] = [];
  // One `host:port` value (listmonk's [app] address = "localhost:9000"): one edit gives both.
  if (server.addrKey && server.addrKey === server.portKey) {
    const host = server.addr ? hostOf(server.addr) : "";
    if (/^(127\.|localhost$|::1$|\[::1\]$)/.test(host) || server.port !== web.port)
      edits.push(
        `[${server.section}] ${server.addrKey} (${server.addr} on the VM) becomes 0.0.0.0:${web.port}, the address and port Cloud Run sends requests to`,
      );
    return edits;
  }
  if (server.addrKey && server.addr && /^(127\.|localhost$|::1$|\[::1\]$)/.test(server.addr))
    edits.push(`[${server.section}] ${server.addrKey} (${server.addr} on the VM, the loopback) becomes 0.0.0.0`);
  if (server.portKey && server.port && server.port !== web.port)
    edits.push(
      `[${server.section}] ${server.portKey} (${server.port} on the VM) becomes ${web.port}, the port Cloud Run sends requests to`,
    );
  return edits;
}
