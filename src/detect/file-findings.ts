// What each file says on its own, one reader per kind of file (detect-entries.ts lists them in
// reading order: the repository's, then the VM's, then the app folders its units name): services
// from units, timers, crontabs, Supervisor, pm2, Procfile, compose and nginx sites; the app's
// packages and name; how it is deployed. detect-repo.ts then adds what the running machine says
// (sockets, Apache, installed packages) and assembles the inventory facts.
import path from "node:path";
import { isSearchEngineSoftware } from "../contracts/search-engine.js";
import { execStartOf, onlySleeps, pkgrProcess, pkgrUnitText } from "./pkgr.js";
import { parseCompose } from "./compose.js";
import { resolveComposeProcesses, type RepoRead } from "./compose-process.js";
import { composeFilesUnder, runsDocker, vmComposeFiles } from "./compose-storage.js";
import { uniqueName } from "./merge.js";
import { DEV_FILE } from "./app-context.js";
import { lineOf, looksLikeNginx, parseNginxConfig } from "./nginx.js";
import { NGINX_MAIN, withHttpLevel, type BodyLimit } from "./body-limit.js";
import { type NginxConfig, readNginxConfig } from "./nginx-config.js";
import { APACHE_FILE } from "./apache.js";
import { CADDYFILE, parseCaddyfile } from "./caddy.js";
import { parsePackageJson } from "./node-deps.js";
import { parseProcfile } from "./procfile.js";
import { parsePyproject, parseRequirementsTxt, type PackageVersions } from "./python-deps.js";
import { celeryMultiFindings } from "./celery-multi.js";
import {
  attachEnvValues,
  environmentFileNames,
  environmentFiles,
  environmentFileValues,
  parseSystemdUnit,
  templateInstances,
  readUnitFile,
  unionNames,
} from "./systemd.js";
import { parseSystemdTimer, type TimerFinding } from "./systemd-timer.js";
import { CRONTAB_CANDIDATE, parseCrontab } from "./crontab.js";
import { parseSupervisorConfig, SUPERVISOR_CANDIDATE } from "./supervisor.js";
import { ECOSYSTEM_FILE, parseEcosystem } from "./pm2-ecosystem.js";
import { isPm2Launcher, launcherDump, launcherEcosystem, Pm2Findings } from "./pm2-host.js";
import type { DetectEntries, Entry } from "./detect-entries.js";
import { HOST_APP_SCAN, readHostFile } from "./host.js";
import type { DetectedFacts, Evidence, ServiceFinding } from "./types.js";
import type { ManifestName } from "./project-name.js";

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
/** The env files the ssh read sends from an app folder (names only): the ones a VM compose file's env_file: may name. */
const APP_ENV_FILE = new RegExp(HOST_APP_SCAN.envFiles);
/** The env files read-host.sh sends beside a compose file found in /opt, /srv, /var/www or a home. */
const BESIDE_COMPOSE = /^\.env(\.(production|prod))?$/;
const REQUIREMENTS = /^(requirements[^/]*\.txt|requirements\/[^/]+\.txt)$/;
const NGINX_CANDIDATE = /(^|\/)(nginx[^/]*|sites-(available|enabled)|conf\.d)\/|\.conf$|(^|\/)nginx[^/]*$/;

/** Interpreters an app's code runs on (keep in step with read-host.sh's lib_app_dirs). */
const APP_INTERPRETER = /^(node|nodejs|python[\d.]*|ruby|php[\d.]*|java)$/;
const SYSTEM_DIR = /^\/(usr|lib|lib64|etc|run|proc|sys|boot|bin|sbin)?(\/|$)/;

/**
 * A unit that runs an interpreter, or a program of its own folder, with its working directory in an
 * app folder (/var/www/ghost, /opt/app, /srv/app, /home/app): an installer's or admin's unit for the
 * app, wherever the file lies.
 * Distribution units that run Python (unattended-upgrades, fail2ban) set no such folder.
 */
export function runsAppFolder(unit: ServiceFinding): boolean {
  const exe = (unit.command ?? "").trim().split(/\s+/)[0] ?? "";
  const dir = unit.workingDirectory?.replace(/\/+$/, "");
  if (!dir || SYSTEM_DIR.test(dir)) return false;
  // Or the program itself lies in that folder: a release tarball's binary (/opt/mattermost/bin/mattermost
  // with WorkingDirectory=/opt/mattermost, the unit Mattermost's docs put in /lib/systemd/system).
  return APP_INTERPRETER.test(exe.slice(exe.lastIndexOf("/") + 1)) || exe.startsWith(`${dir}/`);
}

export function describeFinding(s: ServiceFinding): string {
  return `${s.role} ${s.name} (${s.software}${s.listen.length ? ` on ${s.listen.join(", ")}` : ""})`;
}

export class FileFindings {
  readonly packages: PackageVersions = new Map();
  readonly systemd: ServiceFinding[] = [];
  readonly timers: TimerFinding[] = [];
  readonly cron: ServiceFinding[] = [];
  readonly compose: ServiceFinding[] = [];
  /** The services of the compose file on the VM a unit running `docker compose` starts (compose-storage.ts). */
  readonly vmCompose: ServiceFinding[] = [];
  readonly nginx: ServiceFinding[] = [];
  readonly ecosystemApps: ServiceFinding[] = [];
  readonly pm2 = new Pm2Findings();
  procfile: ReturnType<typeof parseProcfile> | undefined;
  /** Names the manifests give the project, in reading order (project-name.ts picks one). */
  readonly names: ManifestName[] = [];
  nodeStart: string | undefined;
  deployMethod: DetectedFacts["deployMethod"];
  /** A unit of the admins' own runs app code (not a database, cache, broker or proxy). */
  ownAppUnit = false;
  /** What kept the reading incomplete (an nginx include that was not there). */
  readonly warnings: string[] = [];
  private readonly nginxHostSites = new Map<ServiceFinding, string>();
  private nginxHttpLimit: BodyLimit | undefined;
  private nginxConfig: NginxConfig | undefined;

  /** The VM's nginx sites as written: where they pass PHP to names the PHP-FPM pool (php-ini.ts). */
  get nginxHostTexts(): string[] {
    return [...this.nginxHostSites.values()];
  }

  private constructor(
    private readonly entries: DetectEntries,
    private readonly hostRoot: string | undefined,
    private readonly evidence: Evidence[],
  ) {}

  /** Reads every entry, the ones added while reading (app folders, pm2 files) included. */
  static async read(entries: DetectEntries, hostRoot: string | undefined, evidence: Evidence[]): Promise<FileFindings> {
    const found = new FileFindings(entries, hostRoot, evidence);
    // nginx's files with their includes spliced in, and what nginx.conf's http{} level sets for all sites.
    const nginx = hostRoot ? await readNginxConfig(hostRoot) : undefined;
    found.nginxConfig = nginx;
    found.nginxHttpLimit = nginx?.httpLimit;
    for (const entry of entries.list) await found.readEntry(entry);
    if (hostRoot && !found.vmCompose.length) await found.discoverVmCompose(hostRoot);
    for (const file of nginx?.extraSites ?? [])
      await found.nginxSite({ file, shown: `/${file}`, atRoot: false, own: true, host: true, read: async () => "" });
    found.warnings.push(...(nginx?.warnings() ?? []));
    // nginx.conf's http{} level is the upload limit of every site that sets none of its own.
    for (const [site, text] of found.nginxHostSites) {
      const limit = withHttpLevel(text, found.nginxHttpLimit);
      if (limit !== undefined) site.maxRequestBodyMiB = limit;
    }
    return found;
  }

  private async readEntry(entry: Entry): Promise<void> {
    const { file, shown, atRoot } = entry;
    const base = file.slice(file.lastIndexOf("/") + 1);
    if (entry.pm2 && this.hostRoot) await this.pm2File(entry, this.hostRoot);
    else if (atRoot && !entry.host && ECOSYSTEM_FILE.test(base)) {
      // The repository's ecosystem file: its apps, like a Procfile's processes.
      const reading = parseEcosystem((await entry.read()) ?? "", shown);
      for (const app of reading.apps) this.evidence.push({ file: shown, found: describeFinding(app) });
      for (const notice of reading.notices) this.evidence.push({ file: shown, found: notice });
      this.ecosystemApps.push(...reading.apps);
    } else if (REQUIREMENTS.test(file) || (atRoot && base === "pyproject.toml")) await this.pythonPackages(entry, base);
    else if (atRoot && base === "package.json") await this.packageJson(entry);
    else if (atRoot && base === "Procfile") {
      this.procfile = parseProcfile((await entry.read()) ?? "", shown);
      for (const s of this.procfile.services) this.evidence.push({ file: shown, found: describeFinding(s) });
      if (this.procfile.releaseCommand)
        this.evidence.push({ file: shown, found: `release command: ${this.procfile.releaseCommand}` });
    } else if (atRoot && COMPOSE_FILES.has(base) && this.compose.length === 0) {
      const services = parseCompose((await entry.read()) ?? "", shown);
      await resolveComposeProcesses(services, this.repoRead);
      this.compose.push(...services);
      for (const s of this.compose) this.evidence.push({ file: shown, found: describeFinding(s) });
      if (this.compose.length) this.deployMethod ??= "containers";
    } else if (entry.host && SUPERVISOR_CANDIDATE.test(file)) await this.supervisor(entry);
    else if (base.endsWith(".service")) await this.unit(entry);
    else if (base.endsWith(".timer")) {
      // The distribution's timers (apt-daily, logrotate, fstrim…) are housekeeping, not the product's jobs.
      if (!entry.own) return;
      const timer = parseSystemdTimer((await entry.read()) ?? "", shown);
      if (timer) this.timers.push(timer);
    } else if (CRONTAB_CANDIDATE.test(file)) await this.crontab(entry, base);
    else if (entry.host && APACHE_FILE.test(file)) {
      // Apache's files are read with their Includes once the units and sockets say whether Apache runs (apache.ts).
      return;
    } else if (entry.host && file === NGINX_MAIN) {
      // nginx.conf is read with its includes for the http{} level (nginx-config.ts), not as a site.
      return;
    } else if (entry.host && file === CADDYFILE) this.caddySite(entry, await entry.read());
    else if (NGINX_CANDIDATE.test(file)) await this.nginxSite(entry);
  }

  /**
   * No unit names the compose folder: compose's own files one or two folders into /opt, /srv,
   * /var/www and each home (read-host.sh sends the same). Taken only when one folder has one.
   */
  private async discoverVmCompose(hostRoot: string): Promise<void> {
    if (!runsDocker(this.systemd)) return;
    const found = await composeFilesUnder(hostRoot);
    if (found.length > 1)
      this.evidence.push({
        file: found[0]!,
        found: `compose files in several folders on the VM (${found.join(", ")}): none is taken as what runs; run init with the app's own (a unit that runs docker compose names it)`,
      });
    if (found.length === 1) await this.readVmCompose(found, hostRoot, true);
  }

  /** The compose file a unit running `docker compose` starts, read on the VM: its services are what runs. */
  private async vmComposeFile(unit: ServiceFinding, hostRoot: string, shown: string): Promise<void> {
    if (this.vmCompose.length) return;
    const { candidates, elsewhere } = vmComposeFiles(unit);
    for (const file of elsewhere)
      this.evidence.push({
        file: shown,
        found: `runs docker compose with ${file}, outside its WorkingDirectory: not read`,
      });
    await this.readVmCompose(candidates, hostRoot, false);
  }

  /** The first of `candidates` found on the VM: its services, with their env_file: names. */
  private async readVmCompose(candidates: string[], hostRoot: string, discovered: boolean): Promise<void> {
    for (const file of candidates) {
      const text = await readHostFile(hostRoot, file.slice(1));
      if (text === undefined) continue;
      const dir = path.posix.dirname(file);
      // Compose fills the file's `${…}` from the .env in its folder (ports, volume paths, image tags).
      const vars = environmentFileValues((await readHostFile(hostRoot, `${dir.slice(1)}/.env`)) ?? "");
      const services = parseCompose(text, file, vars).map((s) => ({ ...s, vmCompose: true }));
      // The repository is the checkout the compose file sits in when it has that compose file at its top.
      if (this.entries.list.some((e) => !e.host && e.file === path.posix.basename(file)))
        await resolveComposeProcesses(services, this.repoRead);
      // Its services' env_file: in its folder (the names only: values stay on the VM, as the ssh read sends them).
      for (const s of services)
        for (const envFile of (s.composeEnvFiles ?? []).map((e) => path.posix.join(dir, e))) {
          const name = path.posix.basename(envFile);
          if (path.posix.dirname(envFile) !== dir || !(discovered ? BESIDE_COMPOSE : APP_ENV_FILE).test(name)) continue;
          const names = environmentFileNames((await readHostFile(hostRoot, envFile.slice(1))) ?? "");
          if (!names.length) continue;
          s.env = unionNames(s.env, names);
          s.envFile ??= envFile;
        }
      this.vmCompose.push(...services);
      for (const s of services) this.evidence.push({ file, found: describeFinding(s) });
      return;
    }
  }

  /** Reads a file of the repository (its own files, as detectRepo listed them). */
  private readonly repoRead: RepoRead = async (file) =>
    this.entries.list.find((e) => !e.host && e.file === file)?.read();

  /** pm2's apps: services like a unit's ExecStart, deployed by `pm2 reload`. */
  private async pm2File(entry: Entry, hostRoot: string): Promise<void> {
    const kind = entry.pm2 === "dump" ? "dump" : "ecosystem";
    const taken = new Set([...this.systemd, ...this.pm2.apps].map((s) => s.name));
    for (const app of await this.pm2.add(hostRoot, entry.shown, kind, entry.pm2 !== "app-folder", this.evidence)) {
      app.name = uniqueName(app.name, taken);
      taken.add(app.name);
      await this.entries.addAppDir(app.workingDirectory);
    }
  }

  private async pythonPackages(entry: Entry, base: string): Promise<void> {
    const { file, shown } = entry;
    const text = await entry.read();
    if (text === undefined) return;
    // requirements-dev.txt, requirements/test.txt: what tests need, never what production runs.
    if (DEV_FILE.test(file)) {
      this.evidence.push({ file: shown, found: "development or test requirements: not used to decide what runs" });
      return;
    }
    const parsed =
      base === "pyproject.toml" ? parsePyproject(text) : { name: undefined, packages: parseRequirementsTxt(text) };
    if (parsed.name) this.names.push({ ecosystem: "python", name: parsed.name, host: entry.host });
    // The repository's pin wins over another checkout's on the VM (taiga-protected pins an older gunicorn).
    for (const [pkg, version] of parsed.packages)
      if (!this.packages.has(pkg) || (version && !(entry.host && this.packages.get(pkg))))
        this.packages.set(pkg, version);
    this.evidence.push({ file: shown, found: `${parsed.packages.size} Python package(s)` });
  }

  private async packageJson(entry: Entry): Promise<void> {
    const parsed = parsePackageJson((await entry.read()) ?? "");
    if (!parsed) return;
    if (parsed.name) this.names.push({ ecosystem: "node", name: parsed.name, host: entry.host });
    this.nodeStart = parsed.startCommand;
    for (const [pkg, version] of parsed.packages) this.packages.set(pkg, version);
    this.evidence.push({
      file: entry.shown,
      found: `${parsed.packages.size} npm package(s)${this.nodeStart ? `, start: ${this.nodeStart}` : ""}`,
    });
  }

  /** Supervisor's programs: services like a unit's ExecStart, deployed by `supervisorctl restart`. */
  private async supervisor(entry: Entry): Promise<void> {
    for (const program of parseSupervisorConfig((await entry.read()) ?? "", entry.shown)) {
      program.onHost = true;
      await this.entries.addAppDir(program.workingDirectory);
      this.systemd.push(program);
      this.evidence.push({ file: entry.shown, found: describeFinding(program) });
      this.deployMethod ??= "ssh-supervisorctl";
    }
  }

  private async unit(entry: Entry): Promise<void> {
    const { shown } = entry;
    const hostRoot = this.hostRoot;
    const written = (await entry.read()) ?? "";
    const execStart = execStartOf(written);
    // A unit that only sleeps is a placeholder others hang from (pkgr's <app>.service): no process.
    if (execStart && onlySleeps(execStart)) {
      this.evidence.push({ file: shown, found: `only sleeps (${execStart.trim()}): a placeholder, no process` });
      return;
    }
    // pkgr's `/usr/bin/<app> run <process>`: the unit as its launcher runs it (pkgr.ts).
    const pkgr = hostRoot && entry.host && execStart ? await pkgrProcess(execStart, hostRoot) : undefined;
    if (pkgr)
      this.evidence.push({
        file: shown,
        found: `${pkgr.launcher} is pkgr's launcher: it runs ${pkgr.from} (${pkgr.command}) in ${pkgr.home}${pkgr.envFiles.length ? ` with ${pkgr.envFiles.join(", ")}` : ""}`,
      });
    const text = pkgr ? pkgrUnitText(written, pkgr) : written;
    const unit = parseSystemdUnit(text, shown);
    if (!unit) return;
    // A unit in /lib that runs an interpreter in an app folder was written by the app's installer
    // (ghost-cli writes /lib/systemd/system/ghost_<site>.service): the admins' app, not the distribution's.
    const own = entry.own || runsAppFolder(unit);
    // A distribution's unit (sshd, cron, snapd…) is not part of the product unless we know what it
    // runs, or it runs the app itself (a .deb of the app installs its unit in /lib): assemble decides.
    // A search engine's package (Elastic's deb puts its unit in /usr/lib) is one we know: a store the app uses.
    if (!own && unit.role === "other" && !isSearchEngineSoftware(unit.software)) unit.packaged = true;
    // `pm2 startup`'s unit is pm2 itself: its apps are in the process list it restores.
    if (hostRoot && entry.host && isPm2Launcher(unit)) {
      const dump = launcherDump(unit, readUnitFile(text).get("Service"));
      const ecosystem = launcherEcosystem(unit);
      this.evidence.push({ file: shown, found: `pm2 itself: starts the apps in ${ecosystem ?? dump}` });
      if (ecosystem) this.entries.addPm2(ecosystem, "launched");
      else this.entries.addPm2(dump, "dump");
      return;
    }
    if (hostRoot && entry.host && own) await this.vmComposeFile(unit, hostRoot, shown);
    // On the host, EnvironmentFile= points at a file we can read: its variable names (never values).
    if (hostRoot && entry.host) {
      const service = readUnitFile(text).get("Service");
      if (own) await this.entries.addAppDir(unit.workingDirectory);
      for (const envFile of environmentFiles(service)) {
        const text = (await readHostFile(hostRoot, envFile.slice(1))) ?? "";
        const names = environmentFileNames(text);
        if (names.length) {
          unit.env = unionNames(unit.env, names);
          unit.envFile ??= envFile;
          // systemd lets EnvironmentFile= override Environment=: the file holds those values.
          const inUnit = unit.unitEnv?.filter((n) => !names.includes(n));
          if (inUnit?.length) unit.unitEnv = inUnit;
          else delete unit.unitEnv;
        }
        attachEnvValues(unit, { ...environmentFileValues(text), ...unit.envValues });
      }
    }
    unit.onHost = entry.host;
    // A drop-in can replace ExecStart: the line is only certain in a unit read alone.
    if (!entry.dropIns) Object.assign(unit, lineOf(text, /^\s*ExecStart\s*=\s*\S/));
    // A template enabled as @1, @2: N processes of one kind, or one kind each when ExecStart names %i.
    // `celery multi start` (its nodes in the unit's environment): one worker per node.
    for (const one of celeryMultiFindings(unit) ?? templateInstances(unit, entry.instances ?? [])) {
      this.systemd.push(one);
      if (!one.packaged)
        this.evidence.push({
          file: shown,
          found: `${describeFinding(one)}${one.instances ? `, enabled ${one.instances} times (${entry.instances!.map((i) => unit.systemdUnit!.replace("@.", `@${i}.`)).join(", ")})` : ""}`,
        });
    }
    if (own) this.deployMethod = "ssh-systemctl";
    if (own && !["database", "cache", "broker", "reverse-proxy"].includes(unit.role)) this.ownAppUnit = true;
  }

  private async crontab(entry: Entry, base: string): Promise<void> {
    const { shown } = entry;
    if (!entry.own || DISTRO_CRON.has(base)) return;
    const tab = parseCrontab((await entry.read()) ?? "", shown);
    // /etc/crontab's run-parts lines drive cron.daily & co: the distribution's housekeeping.
    tab.jobs = tab.jobs.filter((job) => !/\brun-parts\b|\banacron\b/.test(job.command ?? ""));
    for (const job of tab.jobs)
      this.evidence.push({ file: shown, found: `cron ${job.name} "${job.schedule}": ${job.command}` });
    for (const line of tab.skipped) this.evidence.push({ file: shown, found: `skipped ${line}` });
    // Crontab names are unique within a file; across files the first keeps the name.
    const names = new Set([...this.cron, ...this.systemd].map((s) => s.name));
    for (const job of tab.jobs) {
      const name = uniqueName(job.name, names);
      names.add(name);
      this.cron.push({ ...job, name, onHost: entry.host });
    }
  }

  /** Caddy's sites: a reverse proxy like nginx's, listed with the VM's proxies (caddy.ts). */
  private caddySite(entry: Entry, text: string | undefined): void {
    const site = text ? parseCaddyfile(text, entry.shown) : undefined;
    if (!site) return;
    site.onHost = true;
    this.nginx.push(site);
    this.evidence.push({
      file: entry.shown,
      found: `${describeFinding(site)}${site.proxiesToPorts?.length ? `, proxies to port ${site.proxiesToPorts.join(", ")} (websockets pass without a setting)` : ""}`,
    });
  }

  private async nginxSite(entry: Entry): Promise<void> {
    const spliced = entry.host ? await this.nginxConfig?.site(entry.file) : undefined;
    const text = spliced?.text ?? (await entry.read());
    if (!text || !looksLikeNginx(text)) return;
    const site = parseNginxConfig(text, entry.shown, {
      ...(this.nginxConfig ? { upstreams: this.nginxConfig.upstreams } : {}),
      ...(spliced ? { origin: spliced.origin } : {}),
    });
    if (!site) return;
    site.onHost = entry.host;
    this.nginx.push(site);
    if (entry.host) this.nginxHostSites.set(site, text);
    this.evidence.push({
      file: entry.shown,
      found: `${describeFinding(site)}${site.proxiesToPorts?.length ? `, proxies to port ${site.proxiesToPorts.join(", ")}` : ""}`,
    });
    for (const file of spliced?.included ?? [])
      this.evidence.push({ file: `/${file}`, found: `included by ${entry.shown}: read where it stands` });
  }
}
