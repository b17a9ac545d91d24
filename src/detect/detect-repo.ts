// detectRepo(dir): everything `init` can propose as a default, read from the files of a repo and,
// with `host`, from the VM itself (host.ts; detect-entries.ts lists the files in reading order).
// Read-only and bounded (see walk.ts); a missing or odd file is simply not evidence.
import path from "node:path";
import { parseCompose } from "./compose.js";
import { readDependencies } from "./dependencies.js";
import { parseGithubRemote, readGitRemote } from "./git-remote.js";
import { uniqueName } from "./merge.js";
import { appPathOnHost, assemble, configReader, readAppContext } from "./assemble.js";
import { DEV_FILE } from "./app-context.js";
import { lineOf, looksLikeNginx, parseNginxConfig } from "./nginx.js";
import { NGINX_MAIN, nginxHttpBodyLimit, withHttpLevel, type BodyLimit } from "./body-limit.js";
import { APACHE_FILE, apacheFindings } from "./apache.js";
import { parsePackageJson } from "./node-deps.js";
import { parseProcfile } from "./procfile.js";
import { parsePyproject, parseRequirementsTxt, type PackageVersions } from "./python-deps.js";
import {
  attachEnvValues,
  environmentFileNames,
  environmentFiles,
  environmentFileValues,
  parseSystemdUnit,
  readUnitFile,
  unionNames,
} from "./systemd.js";
import { parseSystemdTimer, scheduleTimedUnits, type TimerFinding } from "./systemd-timer.js";
import { CRONTAB_CANDIDATE, parseCrontab } from "./crontab.js";
import { parseSupervisorConfig, SUPERVISOR_CANDIDATE } from "./supervisor.js";
import { ECOSYSTEM_FILE, parseEcosystem } from "./pm2-ecosystem.js";
import { isPm2Launcher, launcherDump, launcherEcosystem, Pm2Findings } from "./pm2-host.js";
import { DetectEntries } from "./detect-entries.js";
import {
  listenerFindings,
  parseListeners,
  readHostFacts,
  readHostFile,
  readListeners,
  unreadableHostDirs,
} from "./host.js";
import { applyHostPackages, readHostPackages } from "./host-packages.js";
import { redactDeep } from "../inventory/redact.js";
import type { DetectedFacts, Evidence, ServiceFinding } from "./types.js";
import { listRepoFiles } from "./walk.js";

export interface DetectOptions {
  /** Reads the origin remote URL; defaults to `git remote get-url origin`. Tests pass a stub. */
  readRemote?: (dir: string) => Promise<string | undefined>;
  /** Also read the machine itself (`init --from-host`): `root` is `/` on the VM, a fixture tree in tests. */
  host?: { root: string; readListeners?: () => Promise<string | undefined> };
}

// /etc/cron.d files that packages install: housekeeping, not the product's jobs.
const DISTRO_CRON = new Set([
  "anacron",
  "certbot",
  "e2scrub_all",
  "mdadm",
  "php",
  "popularity-contest",
  "sysstat",
  "zfsutils-linux",
  ".placeholder",
]);

const COMPOSE_FILES = new Set(["docker-compose.yml", "docker-compose.yaml", "compose.yml", "compose.yaml"]);
const REQUIREMENTS = /^(requirements[^/]*\.txt|requirements\/[^/]+\.txt)$/;
const NGINX_CANDIDATE = /(^|\/)(nginx[^/]*|sites-(available|enabled)|conf\.d)\/|\.conf$|(^|\/)nginx[^/]*$/;

function describe(s: ServiceFinding): string {
  return `${s.role} ${s.name} (${s.software}${s.listen.length ? ` on ${s.listen.join(", ")}` : ""})`;
}

export async function detectRepo(dir: string, options: DetectOptions = {}): Promise<DetectedFacts> {
  const root = path.resolve(dir);
  const files = await listRepoFiles(root);
  const evidence: Evidence[] = [];
  const packages: PackageVersions = new Map();
  const systemd: ServiceFinding[] = [];
  const timers: TimerFinding[] = [];
  const cron: ServiceFinding[] = [];
  const compose: ServiceFinding[] = [];
  const nginx: ServiceFinding[] = [];
  const nginxHostSites = new Map<ServiceFinding, string>();
  let nginxHttpLimit: BodyLimit | undefined;
  let procfile: ReturnType<typeof parseProcfile> | undefined;
  let name: string | undefined;
  let nodeStart: string | undefined;
  let deployMethod: DetectedFacts["deployMethod"];
  const pm2 = new Pm2Findings();
  const ecosystemApps: ServiceFinding[] = [];
  let ownAppUnit = false;

  const hostRoot = options.host?.root;
  const entries = await DetectEntries.create(root, files, hostRoot);
  const readAppDir = (workdir: string | undefined) => entries.addAppDir(workdir);
  for (const entry of entries.list) {
    const { file, shown, atRoot } = entry;
    const base = file.slice(file.lastIndexOf("/") + 1);
    if (entry.pm2 && hostRoot) {
      // pm2's apps: services like a unit's ExecStart, deployed by `pm2 reload`.
      const kind = entry.pm2 === "dump" ? "dump" : "ecosystem";
      const taken = new Set([...systemd, ...pm2.apps].map((s) => s.name));
      for (const app of await pm2.add(hostRoot, shown, kind, entry.pm2 !== "app-folder", evidence)) {
        app.name = uniqueName(app.name, taken);
        taken.add(app.name);
        await readAppDir(app.workingDirectory);
      }
    } else if (atRoot && !entry.host && ECOSYSTEM_FILE.test(base)) {
      // The repository's ecosystem file: its apps, like a Procfile's processes.
      const reading = parseEcosystem((await entry.read()) ?? "", shown);
      for (const app of reading.apps) evidence.push({ file: shown, found: describe(app) });
      for (const notice of reading.notices) evidence.push({ file: shown, found: notice });
      ecosystemApps.push(...reading.apps);
    } else if (REQUIREMENTS.test(file) || (atRoot && base === "pyproject.toml")) {
      const text = await entry.read();
      if (text === undefined) continue;
      // requirements-dev.txt, requirements/test.txt: what tests need, never what production runs.
      if (DEV_FILE.test(file)) {
        evidence.push({ file: shown, found: "development or test requirements: not used to decide what runs" });
        continue;
      }
      const parsed =
        base === "pyproject.toml" ? parsePyproject(text) : { name: undefined, packages: parseRequirementsTxt(text) };
      name ??= parsed.name;
      for (const [pkg, version] of parsed.packages) if (!packages.has(pkg) || version) packages.set(pkg, version);
      evidence.push({ file: shown, found: `${parsed.packages.size} Python package(s)` });
    } else if (atRoot && base === "package.json") {
      const parsed = parsePackageJson((await entry.read()) ?? "");
      if (!parsed) continue;
      name ??= parsed.name;
      nodeStart = parsed.startCommand;
      for (const [pkg, version] of parsed.packages) packages.set(pkg, version);
      evidence.push({
        file: shown,
        found: `${parsed.packages.size} npm package(s)${nodeStart ? `, start: ${nodeStart}` : ""}`,
      });
    } else if (atRoot && base === "Procfile") {
      procfile = parseProcfile((await entry.read()) ?? "", shown);
      for (const s of procfile.services) evidence.push({ file: shown, found: describe(s) });
      if (procfile.releaseCommand) evidence.push({ file: shown, found: `release command: ${procfile.releaseCommand}` });
    } else if (atRoot && COMPOSE_FILES.has(base) && compose.length === 0) {
      compose.push(...parseCompose((await entry.read()) ?? "", shown));
      for (const s of compose) evidence.push({ file: shown, found: describe(s) });
      if (compose.length) deployMethod ??= "containers";
    } else if (entry.host && SUPERVISOR_CANDIDATE.test(file)) {
      // Supervisor's programs: services like a unit's ExecStart, deployed by `supervisorctl restart`.
      for (const program of parseSupervisorConfig((await entry.read()) ?? "", shown)) {
        program.onHost = true;
        await readAppDir(program.workingDirectory);
        systemd.push(program);
        evidence.push({ file: shown, found: describe(program) });
        deployMethod ??= "ssh-supervisorctl";
      }
    } else if (base.endsWith(".service")) {
      const text = (await entry.read()) ?? "";
      const unit = parseSystemdUnit(text, shown);
      if (!unit) continue;
      // A distribution's unit (sshd, cron, snapd…) is not part of the product unless we know what it
      // runs, or it runs the app itself (a .deb of the app installs its unit in /lib): assemble decides.
      if (!entry.own && unit.role === "other") unit.packaged = true;
      // `pm2 startup`'s unit is pm2 itself: its apps are in the process list it restores.
      if (hostRoot && entry.host && isPm2Launcher(unit)) {
        const dump = launcherDump(unit, readUnitFile(text).get("Service"));
        const ecosystem = launcherEcosystem(unit);
        evidence.push({ file: shown, found: `pm2 itself: starts the apps in ${ecosystem ?? dump}` });
        if (ecosystem) entries.addPm2(ecosystem, "launched");
        else entries.addPm2(dump, "dump");
        continue;
      }
      // On the host, EnvironmentFile= points at a file we can read: its variable names (never values).
      if (hostRoot && entry.host) {
        const service = readUnitFile(text).get("Service");
        if (entry.own) await readAppDir(unit.workingDirectory);
        for (const envFile of environmentFiles(service)) {
          const text = (await readHostFile(hostRoot, envFile.slice(1))) ?? "";
          const names = environmentFileNames(text);
          if (names.length) {
            unit.env = unionNames(unit.env, names);
            unit.envFile ??= envFile;
          }
          attachEnvValues(unit, { ...environmentFileValues(text), ...unit.envValues });
        }
      }
      unit.onHost = entry.host;
      // A drop-in can replace ExecStart: the line is only certain in a unit read alone.
      if (!entry.dropIns) Object.assign(unit, lineOf(text, /^\s*ExecStart\s*=\s*\S/));
      systemd.push(unit);
      if (!unit.packaged) evidence.push({ file: shown, found: describe(unit) });
      if (entry.own) deployMethod = "ssh-systemctl";
      if (entry.own && !["database", "cache", "broker", "reverse-proxy"].includes(unit.role)) ownAppUnit = true;
    } else if (base.endsWith(".timer")) {
      // The distribution's timers (apt-daily, logrotate, fstrim…) are housekeeping, not the product's jobs.
      if (!entry.own) continue;
      const timer = parseSystemdTimer((await entry.read()) ?? "", shown);
      if (timer) timers.push(timer);
    } else if (CRONTAB_CANDIDATE.test(file)) {
      if (!entry.own || DISTRO_CRON.has(base)) continue;
      const tab = parseCrontab((await entry.read()) ?? "", shown);
      // /etc/crontab's run-parts lines drive cron.daily & co: the distribution's housekeeping.
      tab.jobs = tab.jobs.filter((job) => !/\brun-parts\b|\banacron\b/.test(job.command ?? ""));
      for (const job of tab.jobs)
        evidence.push({ file: shown, found: `cron ${job.name} "${job.schedule}": ${job.command}` });
      for (const line of tab.skipped) evidence.push({ file: shown, found: `skipped ${line}` });
      // Crontab names are unique within a file; across files the first keeps the name.
      const names = new Set([...cron, ...systemd].map((s) => s.name));
      for (const job of tab.jobs) {
        const name = uniqueName(job.name, names);
        names.add(name);
        cron.push({ ...job, name, onHost: entry.host });
      }
    } else if (entry.host && APACHE_FILE.test(file)) {
      // Apache's files are read with their Includes once the units and sockets say whether Apache runs (apache.ts).
      continue;
    } else if (entry.host && file === NGINX_MAIN) {
      nginxHttpLimit = nginxHttpBodyLimit((await entry.read()) ?? "");
    } else if (NGINX_CANDIDATE.test(file)) {
      const text = await entry.read();
      if (!text || !looksLikeNginx(text)) continue;
      const site = parseNginxConfig(text, shown);
      if (!site) continue;
      site.onHost = entry.host;
      nginx.push(site);
      if (entry.host) nginxHostSites.set(site, text);
      evidence.push({
        file: shown,
        found: `${describe(site)}${site.proxiesToPorts?.length ? `, proxies to port ${site.proxiesToPorts.join(", ")}` : ""}`,
      });
    }
  }
  // nginx.conf's http{} level is the upload limit of every site that sets none of its own.
  for (const [site, text] of nginxHostSites) {
    const limit = withHttpLevel(text, nginxHttpLimit);
    if (limit !== undefined) site.maxRequestBodyMiB = limit;
  }

  // What listens where: data stores and the proxy, with their real addresses.
  // Sockets belong to the machine we run on: only read them when the host root is this machine's `/`.
  const listenersOf = options.host?.readListeners ?? (hostRoot === "/" ? readListeners : undefined);
  const warnings: string[] = [...pm2.notices];
  // The app runs under pm2 (no unit of the admins' runs app code): deploys are `pm2 reload`.
  if (pm2.apps.length && !ownAppUnit) deployMethod = "ssh-pm2";
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
  for (const site of apache) await readAppDir(site.workingDirectory);
  for (const l of listening) evidence.push({ file: "ss -ltnp", found: describe(l) });
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

  scheduleTimedUnits(systemd, timers, evidence);
  const deps = readDependencies(packages);
  if (deps.frameworks.length)
    evidence.push({ file: "dependencies", found: `frameworks: ${deps.frameworks.join(", ")}` });
  const findings = [
    ...systemd,
    ...pm2.apps,
    ...compose,
    ...ecosystemApps,
    ...(procfile?.services ?? []),
    ...nginx,
    ...apache,
    ...cron,
    ...listening,
  ];
  // The VM's package database says which server a unit or socket really is (MariaDB) and its version.
  if (hostRoot)
    applyHostPackages(
      findings.filter((f) => f.onHost),
      await readHostPackages(hostRoot),
      evidence,
    );
  const hostRead =
    hostRoot !== undefined &&
    [...systemd, ...pm2.apps, ...nginx, ...apache, ...cron, ...listening].some((f) => f.onHost);
  const { services, database, storage } = await assemble({
    findings,
    deps,
    nodeStart,
    app: await readAppContext(root, files, hostRoot, entries.appDirs),
    hostRead,
    appPath: appPathOnHost(root, hostRoot),
    evidence,
    readConfig: configReader(root, hostRoot),
  });
  const remote = await (options.readRemote ?? readGitRemote)(root);
  const github = remote ? parseGithubRemote(remote) : undefined;
  if (github) evidence.push({ file: "git remote origin", found: github });

  // Unit files and compose commands sometimes carry a password inline: facts are shown, printed as
  // JSON and written into the inventory, so they are redacted here, once, at the source.
  return redactDeep<DetectedFacts>({
    dir: root,
    name: name ?? github?.split("/")[1] ?? path.basename(root),
    services,
    ...(database ? { database } : {}),
    ...(deps.llm ? { llm: { provider: deps.llm, source: "dependencies" } } : {}),
    ...(github ? { github } : {}),
    ...(deployMethod ? { deployMethod } : {}),
    frameworks: deps.frameworks,
    ...(host && Object.keys(host).length ? { host } : {}),
    ...(procfile?.releaseCommand ? { releaseCommand: procfile.releaseCommand } : {}),
    ...(storage.length ? { storage } : {}),
    evidence,
    ...(warnings.length ? { warnings } : {}),
  }).value;
}
