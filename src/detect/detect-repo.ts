// detectRepo(dir): everything `init` can propose as a default, read from the files of a repo and,
// with `host`, from the VM itself (host.ts; detect-entries.ts lists the files in reading order).
// What each file says alone is file-findings.ts; here the running machine's own facts (sockets,
// Apache, installed packages, unreadable folders) join them and assemble.ts makes the services.
// Read-only and bounded (see walk.ts); a missing or odd file is simply not evidence.
import { readFile } from "node:fs/promises";
import path from "node:path";
import { attachFirewallPorts, FIREWALL_FILES, firewallInForce, parseFirewall } from "./firewall.js";
import { readDependencies } from "./dependencies.js";
import { parseGithubRemote, readGitRemote } from "./git-remote.js";
import { appPathOnHost, assemble, configReader, dirLister, readAppContext } from "./assemble.js";
import { apacheFindings } from "./apache.js";
import { scheduleTimedUnits } from "./systemd-timer.js";
import { DetectEntries } from "./detect-entries.js";
import { describeFinding, FileFindings } from "./file-findings.js";
import {
  listenerFindings,
  parseListeners,
  readHostFacts,
  readHostFile,
  readListeners,
  unreadableHostDirs,
} from "./host.js";
import { applyHostPackages, readHostPackages } from "./host-packages.js";
import { readLocalMta } from "./local-mta.js";
import { addFpmPoolEnv } from "./fpm-env.js";
import { addPhpLimits } from "./php-ini.js";
import { redactDeep } from "../inventory/redact.js";
import type { DetectedFacts, Evidence } from "./types.js";
import type { SecretFile, Storage } from "../inventory/schema.js";
import { listRepoFiles } from "./walk.js";
import { splitStorage } from "./storage-split.js";
import { withInPlace } from "./storage-in-place.js";
import { buildInputsOn } from "./build-inputs.js";
import { gitOverSystemSsh } from "./git-over-ssh.js";
import { detectSecretFiles, ignoredSettingsWithCredentials } from "./secret-files.js";
import ignore from "ignore";
import { jsonSettingsSecrets, settingsSecretFiles } from "./settings-file.js";
import { codeSettingsFiles } from "./code-settings-file.js";
import { phpConfigSecretFiles } from "./php-config-file.js";
import { projectName } from "./project-name.js";

export interface DetectOptions {
  /** Reads the origin remote URL; defaults to `git remote get-url origin`. Tests pass a stub. */
  readRemote?: (dir: string) => Promise<string | undefined>;
  /** Also read the machine itself (`init --from-host`): `root` is `/` on the VM, a fixture tree in tests. */
  host?: { root: string; readListeners?: () => Promise<string | undefined> };
}

export async function detectRepo(dir: string, options: DetectOptions = {}): Promise<DetectedFacts> {
  const root = path.resolve(dir);
  const files = await listRepoFiles(root);
  const evidence: Evidence[] = [];
  const hostRoot = options.host?.root;
  const entries = await DetectEntries.create(root, files, hostRoot);
  const found = await FileFindings.read(entries, hostRoot, evidence);
  const { systemd, pm2, compose, nginx, cron, procfile } = found;
  let { deployMethod } = found;

  // What listens where: data stores and the proxy, with their real addresses.
  // Sockets belong to the machine we run on: only read them when the host root is this machine's `/`.
  const listenersOf = options.host?.readListeners ?? (hostRoot === "/" ? readListeners : undefined);
  const warnings: string[] = [...pm2.notices, ...found.warnings];
  // The app runs under pm2 (no unit of the admins' runs app code): deploys are `pm2 reload`.
  if (pm2.apps.length && !found.ownAppUnit) deployMethod = "ssh-pm2";
  const socketsText = listenersOf ? await listenersOf() : undefined;
  if (listenersOf && socketsText === undefined)
    warnings.push("ss could not be run on this machine: listening ports were not read (install iproute2)");
  const sockets = parseListeners(socketsText ?? "");
  const listening = listenerFindings(sockets).map((l) => ({ ...l, onHost: true }));
  const apache = hostRoot
    ? await apacheFindings({
        hostRoot,
        units: systemd,
        listeners: sockets,
        proxiedPorts: new Set(nginx.filter((n) => n.onHost).flatMap((n) => n.proxiesToPorts ?? [])),
        evidence,
        warnings,
      })
    : [];
  // The PHP app Apache serves: its folder's composer.json says the framework, its .env the settings.
  for (const site of apache) await entries.addAppDir(site.workingDirectory);
  for (const l of listening) evidence.push({ file: "ss -ltnp", found: describeFinding(l) });
  const host = hostRoot ? await readHostFacts(hostRoot) : undefined;
  for (const dir of hostRoot ? await unreadableHostDirs(hostRoot) : []) {
    evidence.push({ file: dir, found: "not readable as this user: run init with sudo to include it" });
    warnings.push(`${dir} is not readable as this user: run init with sudo to include it`);
  }
  if (hostRoot === "/" && listening.length === 0 && process.getuid?.() !== 0)
    evidence.push({
      file: "ss -ltnp",
      found: "no process names without root: run init with sudo to see who listens where",
    });
  if (host && Object.keys(host).length)
    evidence.push({
      file: "host",
      found: Object.entries(host)
        .map(([k, v]) => `${k} ${v}`)
        .join(", "),
    });

  scheduleTimedUnits(systemd, found.timers, evidence);
  const deps = readDependencies(found.packages);
  if (deps.frameworks.length)
    evidence.push({ file: "dependencies", found: `frameworks: ${deps.frameworks.join(", ")}` });
  const findings = [
    ...systemd,
    ...pm2.apps,
    ...compose,
    ...found.vmCompose,
    ...found.ecosystemApps,
    ...(procfile?.services ?? []),
    ...nginx,
    ...apache,
    ...cron,
    ...listening,
  ];
  // The VM's package database says which server a unit or socket really is (MariaDB) and its version.
  const packages = hostRoot ? await readHostPackages(hostRoot) : undefined;
  if (packages)
    applyHostPackages(
      findings.filter((f) => f.onHost),
      packages,
      evidence,
    );
  // A mail server on the VM (its unit is a distribution's, dropped below): the app's mail may go through it.
  const mta = hostRoot ? await readLocalMta(hostRoot, findings, packages!.packages, packages!.source) : undefined;
  if (mta)
    evidence.push({
      file: mta.source,
      found: `${mta.name}: a mail server on the VM, which stays behind at the cut-over`,
    });
  // PHP caps uploads, memory and time again behind the web front: its limits on the VM (php-ini.ts).
  if (hostRoot) await addPhpLimits(hostRoot, findings, found.nginxHostTexts, evidence);
  // PHP-FPM passes the app only its pool's env[] (fpm-env.ts).
  if (hostRoot) await addFpmPoolEnv(hostRoot, findings, found.nginxHostTexts, evidence);
  const hostRead =
    hostRoot !== undefined &&
    [...systemd, ...pm2.apps, ...nginx, ...apache, ...cron, ...listening].some((f) => f.onHost);
  const app = await readAppContext(root, files, hostRoot, entries.appDirs);
  const {
    services,
    database,
    storage: folders,
  } = await assemble({
    findings,
    deps,
    nodeStart: found.nodeStart,
    app,
    hostRead,
    appPath: appPathOnHost(root, hostRoot),
    evidence,
    readConfig: configReader(root, hostRoot),
    listDir: dirLister(hostRoot),
    mta,
  });
  // A folder of user files that also holds code is mounted per subfolder of user files (storage-split.ts).
  const appDirs = [appPathOnHost(root, hostRoot), ...entries.appDirs].filter((d): d is string => d !== undefined);
  const split = hostRoot ? await Promise.all(folders.map((s) => splitStorage(s, hostRoot, appDirs))) : folders;
  // What a folder keeps in place (git repositories, indexes, SQLite) is never mounted from a bucket.
  const storage = await Promise.all(split.map((s) => withInPlace(s, hostRoot)));
  for (const s of storage.filter((x) => x.inPlace?.length))
    evidence.push({
      file: s.path,
      found: `written in place (${s.inPlace!.map((p) => `${p.path}: ${p.kind}`).join(", ")}): a Cloud Storage mount cannot carry it${s.uploadFolders ? `; only ${s.uploadFolders.join(", ") || "no subfolder"} can be mounted` : ""}`,
    });
  const secretFiles = hostRoot ? secretFilesOf(root, hostRoot, files, app.vmFiles ?? [], appDirs, storage) : [];
  for (const f of secretFiles)
    evidence.push({ file: f.path, found: "a secret file the repository lacks: every instance needs the VM's copy" });
  // Settings files git ignores that set credentials (Rails' config/database.yml): the VM's copy only.
  if (hostRoot)
    for (const f of await ignoredSecretSettings(root, hostRoot, files, app, appDirs, storage)) {
      if (secretFiles.some((s) => s.path === f.path)) continue;
      secretFiles.push(f);
      const sets = [
        ...(f.database ? [`its database entry ([${f.database.section}])`] : []),
        ...(f.server ? [`the app's listener ([${f.server.section}] ${f.server.addrKey ?? f.server.portKey})`] : []),
      ];
      evidence.push({
        file: f.path,
        found: `settings the repository's .gitignore leaves out that set a credential of their own${sets.length ? `, ${sets.join(" and ")}` : ""}: a secret file, not part of the image; every instance needs the VM's copy`,
      });
    }
  // A settings file a process names (--config /etc/gitea/app.ini) that holds secrets (settings-file.ts).
  if (hostRoot) {
    const processes = services.filter((s) => !STORE_ROLES.has(s.role));
    const read = (file: string) => readHostFile(hostRoot, file.slice(1));
    for (const { file, secrets } of await settingsSecretFiles(processes, appDirs, read)) {
      if (secretFiles.some((f) => f.path === file.path)) continue;
      secretFiles.push(file);
      evidence.push({
        file: file.path,
        found: `settings ${file.services!.join(", ")} names on its command line, outside the repository, holding secrets (${someOf(secrets)}): a secret file, not part of the image`,
      });
    }
    // A settings file the app's code reads at a fixed path (pretix's settings.py: /etc/pretix/pretix.cfg).
    for (const { file, namedIn, secrets, redisUses } of await codeSettingsFiles(
      app.configTexts,
      processes,
      read,
      storage.map((s) => s.path),
    )) {
      // What the file points at Redis for joins what the app's code and workers said.
      for (const r of services.filter((s) => s.software === "redis" && redisUses.length)) {
        const uses = [...(r.usedFor ?? [])];
        for (const u of redisUses) if (!uses.includes(u)) uses.push(u);
        r.usedFor = uses;
        if (uses.includes("broker")) r.role = "broker";
      }
      if (secretFiles.some((f) => f.path === file.path)) continue;
      secretFiles.push(file);
      const holds = [
        ...(secrets.length ? [`secrets (${someOf(secrets)})`] : []),
        ...(file.database ? [`its database connection ([${file.database.section}])`] : []),
      ];
      evidence.push({
        file: file.path,
        found: `settings ${namedIn} reads at this fixed path, outside the repository, holding ${holds.join(" and ")}: a secret file of ${file.services!.join(", ")}, not part of the image`,
      });
    }
  }
  // A JSON settings file in the app's folder (Mattermost's config/config.json) that holds secrets.
  if (hostRoot)
    for (const json of app.jsonSettings) {
      // nconf's per-environment files (Ghost) take their secrets from the environment instead.
      const own = json.path.startsWith("/") && json.path.endsWith("/config/config.json");
      const facts = own ? jsonSettingsSecrets(json.values) : undefined;
      if (!facts?.secrets.length || secretFiles.some((f) => f.path === json.path)) continue;
      if (!/^\/[A-Za-z0-9._@+/-]+$/.test(json.path)) continue;
      const folder = json.path.replace(/\/config\/config\.json$/, "");
      const readers = services.filter((s) => !STORE_ROLES.has(s.role) && (s.command ?? "").includes(`${folder}/`));
      if (!readers.length) continue;
      secretFiles.push({
        path: json.path,
        services: readers.map((s) => s.name),
        ...(facts.database ? { database: facts.database } : {}),
      });
      evidence.push({
        file: json.path,
        found: `settings ${readers.map((s) => s.name).join(", ")} reads from its folder, outside the repository, holding secrets (${someOf(facts.secrets)})${facts.database ? ` and its database connection ([${facts.database.section}])` : ""}: a secret file, not part of the image`,
      });
    }
  // The config.php a PHP app's installer wrote in its folder on the VM (php-config-file.ts).
  if (hostRoot)
    for (const { file, facts } of phpConfigSecretFiles(
      app.configTexts,
      appPathOnHost(root, hostRoot),
      files.includes(".gitignore") ? (app.gitignore ?? "") : undefined,
      services,
    )) {
      for (const r of services.filter((s) => s.software === "redis" && facts.redisUses.length))
        r.usedFor = [...new Set([...(r.usedFor ?? []), ...facts.redisUses])];
      const at = secretFiles.findIndex((f) => f.path === file.path);
      if (at >= 0) secretFiles[at] = { ...secretFiles[at], ...file };
      else secretFiles.push(file);
      evidence.push({
        file: file.path,
        found: `the config file ${file.services!.join(", ")} read${file.services!.length > 1 ? "" : "s"}, written by the app's installer and in no checkout, setting credentials${file.database ? ` and its database host (${file.database.host})` : ""}: a secret file, not part of the image`,
      });
    }
  for (const s of storage.filter((x) => x.codeFolders?.length))
    evidence.push({
      file: s.path,
      found: `code beside the user files (${s.codeFolders!.join(", ")}): only ${s.uploadFolders?.join(", ") || "no subfolder"} will be mounted`,
    });
  // Git over the VM's own sshd (authorized_keys lines forcing the app's binary): a raw TCP listener
  // on port 22 beside HTTP, decided like the app's own SSH server (git-over-ssh.ts).
  if (hostRoot)
    for (const f of findings) {
      const s = services.find((x) => x.name === f.name && x.role === "web");
      if (!s || !(await gitOverSystemSsh(hostRoot, f))) continue;
      if (!s.listen.some((l) => l.endsWith(":22"))) s.listen = [...s.listen, "0.0.0.0:22"];
      s.protocols = [...new Set([...(s.protocols ?? ["http"]), "tcp" as const])];
      evidence.push({
        file: f.source,
        found: `git over SSH: the VM's sshd hands ${f.unitUser ?? "its user"}'s authorized_keys sessions to ${f.command!.split(/\s+/)[0]} (port 22, raw TCP)`,
      });
    }
  // Ports the VM's firewall opens that nothing else explains: the app's raw listeners (firewall.ts).
  if (hostRoot) {
    const read = await Promise.all(FIREWALL_FILES.map(async (f) => ({ f, text: await readHostFile(hostRoot, f) })));
    const open = firewallInForce(read)
      .filter((r) => r.text)
      .map((r) => ({ file: `/${r.f}`, ports: parseFirewall(r.text!) }));
    const files = open.filter((o) => o.ports.length).map((o) => o.file);
    if (files.length)
      attachFirewallPorts(
        services,
        open.flatMap((o) => o.ports),
        files.join(", "),
        evidence,
        warnings,
      );
  }
  // Folders of installed code (plugins an admin added) the image must carry (build-inputs.ts).
  const buildInputs = hostRoot ? await buildInputsOn(hostRoot, appDirs, storage) : [];
  for (const b of buildInputs)
    evidence.push({
      file: b.path,
      found: `code the app loads (${b.codeFiles ?? 0} file${b.codeFiles === 1 ? "" : "s"} of code): build input the image must carry, not data for a bucket`,
    });
  const remote = await (options.readRemote ?? readGitRemote)(root);
  const github = remote ? parseGithubRemote(remote) : undefined;
  if (github) evidence.push({ file: "git remote origin", found: github });

  // Unit files and compose commands sometimes carry a password inline: facts are shown, printed as
  // JSON and written into the inventory, so they are redacted here, once, at the source.
  return redactDeep<DetectedFacts>({
    dir: root,
    name:
      projectName([...found.names, ...(app.manifestNames ?? [])], services) ??
      github?.split("/")[1] ??
      path.basename(root),
    services,
    ...(database ? { database } : {}),
    ...(deps.llm ? { llm: { provider: deps.llm, source: "dependencies" } } : {}),
    ...(github ? { github } : {}),
    ...(deployMethod ? { deployMethod } : {}),
    frameworks: deps.frameworks,
    ...(host && Object.keys(host).length ? { host } : {}),
    ...(procfile?.releaseCommand ? { releaseCommand: procfile.releaseCommand } : {}),
    ...(storage.length ? { storage } : {}),
    ...(secretFiles.length ? { secretFiles } : {}),
    ...(buildInputs.length ? { buildInputs } : {}),
    evidence,
    ...(warnings.length ? { warnings } : {}),
  }).value;
}

/**
 * The app folders' secret files on the VM: those of the folder init reads as the repository (then
 * the VM's own copy), and of the other app folders read from the VM, where a file the local
 * checkout also holds is tracked (the image has it).
 */
function secretFilesOf(
  root: string,
  hostRoot: string,
  files: string[],
  vmFiles: string[],
  appDirs: string[],
  storage: Storage[],
): SecretFile[] {
  const own = appPathOnHost(root, hostRoot);
  const found = own
    ? detectSecretFiles(
        own,
        files.map((f) => `${own}/${f}`),
        storage,
      )
    : [];
  const local = new Set(files);
  const tracked = (rel: string) => !own && local.has(rel);
  for (const dir of appDirs) if (dir !== own) found.push(...detectSecretFiles(dir, vmFiles, storage, tracked));
  return [...new Map(found.map((f) => [f.path, f])).values()];
}

/**
 * The app folders' settings files on the VM that the repository's .gitignore leaves out and that set
 * credentials (secret-files.ts): read from the folder init reads as the repository when that is the
 * VM's own, else from the VM's copy of each app folder, for files the local checkout lacks.
 */
async function ignoredSecretSettings(
  root: string,
  hostRoot: string,
  files: string[],
  app: { gitignore?: string; vmFiles?: string[] },
  appDirs: string[],
  storage: Storage[],
): Promise<SecretFile[]> {
  // The repository's .gitignore as readAppContext read it (the repository's folder is read first).
  if (!files.includes(".gitignore")) return [];
  const rules = ignore().add(app.gitignore ?? "");
  const vmFiles = app.vmFiles ?? [];
  const own = appPathOnHost(root, hostRoot);
  const found: SecretFile[] = [];
  if (own)
    found.push(
      ...(await ignoredSettingsWithCredentials(
        own,
        files.map((f) => `${own}/${f}`),
        storage,
        (rel) => rules.ignores(rel),
        (file) => readFile(path.join(root, file.slice(own.length + 1)), "utf8").catch(() => undefined),
      )),
    );
  const local = new Set(files);
  for (const dir of appDirs.filter((d) => d !== own))
    found.push(
      ...(await ignoredSettingsWithCredentials(
        dir,
        vmFiles,
        storage,
        (rel) => !local.has(rel) && rules.ignores(rel),
        (file) => readHostFile(hostRoot, file.slice(1)),
      )),
    );
  return [...new Map(found.map((f) => [f.path, f])).values()];
}

/** Roles that run no app code of the team's: their settings are not the app's. */
const STORE_ROLES = new Set(["database", "cache", "broker", "reverse-proxy"]);

function someOf(names: string[]): string {
  return names.length > 4 ? `${names.slice(0, 4).join(", ")} and ${names.length - 4} more` : names.join(", ");
}
