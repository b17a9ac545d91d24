// pm2 on the VM, for detect-repo: the unit `pm2 startup` writes is pm2 itself (not an app), and says
// where the saved process list is (PM2_HOME, else the home of its User=); the list is read with
// its size checked, so a huge, broken or unreachable file is a notice, never a crash.
import { lstat, readdir } from "node:fs/promises";
import path from "node:path";
import { readHostFile, statInRoot } from "./host.js";
import { ECOSYSTEM_FILE, parseEcosystem } from "./pm2-ecosystem.js";
import { describePm2App, parsePm2Dump, PM2_LAUNCHER, type Pm2Reading } from "./pm2.js";
import { splitCommand } from "./command.js";
import type { ServiceFinding } from "./types.js";
import { MAX_FILE_BYTES } from "./walk.js";

/** A unit whose ExecStart is pm2 itself (`pm2 resurrect`, `pm2-runtime start ecosystem.config.js`). */
export function isPm2Launcher(unit: ServiceFinding): boolean {
  return PM2_LAUNCHER.test(unit.command ?? "");
}

/** The dump file (absolute) a pm2 launcher unit restores: `$PM2_HOME/dump.pm2`, PM2_HOME defaulting to ~/.pm2. */
export function launcherDump(unit: ServiceFinding, service: Map<string, string[]> | undefined): string {
  const home = unit.envValues?.PM2_HOME;
  if (home?.startsWith("/")) return path.posix.join(home, "dump.pm2");
  const user = service?.get("User")?.at(-1);
  return !user || user === "root" ? "/root/.pm2/dump.pm2" : `/home/${user}/.pm2/dump.pm2`;
}

/** The ecosystem file a launcher's command names (`pm2-runtime start ecosystem.config.js`), absolute. */
export function launcherEcosystem(unit: ServiceFinding): string | undefined {
  const file = splitCommand(unit.command ?? "").find((w) => ECOSYSTEM_FILE.test(path.posix.basename(w)));
  if (!file || /[$*?]/.test(file)) return undefined;
  if (file.startsWith("/")) return path.posix.normalize(file);
  return unit.workingDirectory ? path.posix.join(unit.workingDirectory, file) : undefined;
}

/** Reads a pm2 dump or ecosystem file on the host (absolute path); what stops it is a notice. */
export async function readPm2File(hostRoot: string, file: string, ecosystem: boolean): Promise<Pm2Reading> {
  // Links are followed inside the host root, as the VM would (a loop stops after 8 hops).
  const info = await statInRoot(hostRoot, file.slice(1));
  if (!info) {
    const link = await lstat(path.join(hostRoot, file)).then(
      (s) => s.isSymbolicLink(),
      () => false,
    );
    return {
      apps: [],
      notices: [
        link
          ? `${file} is a link that leads nowhere (or back to itself): its apps were not read`
          : `${file} was not found or not readable (pm2 saves its process list there with \`pm2 save\`; read it as root, or add the apps with --service)`,
      ],
    };
  }
  if (!info.isFile()) return { apps: [], notices: [`${file} is not a file: its apps were not read`] };
  if (info.size > MAX_FILE_BYTES)
    return {
      apps: [],
      notices: [
        `${file} is ${(Number(info.size) / 1024 / 1024).toFixed(1)} MiB, over the ${MAX_FILE_BYTES / 1024} KiB limit: its apps were not read`,
      ],
    };
  const text = await readHostFile(hostRoot, file.slice(1), MAX_FILE_BYTES);
  if (text === undefined) return { apps: [], notices: [`${file} could not be read: its apps were not read`] };
  return ecosystem ? parseEcosystem(text, file) : parsePm2Dump(text, file);
}

/** Ecosystem files at the top of an app folder on the host (absolute paths), sorted. */
export async function ecosystemFilesIn(hostRoot: string, dir: string): Promise<string[]> {
  const names = await readdir(path.join(hostRoot, dir)).catch(() => [] as string[]);
  return names
    .filter((n) => ECOSYSTEM_FILE.test(n))
    .sort()
    .map((n) => path.posix.join(dir, n));
}

/** `dump.pm2` of root and of each user with the default PM2_HOME (absolute paths), links included. */
export async function listPm2Dumps(hostRoot: string): Promise<string[]> {
  const users = await readdir(path.join(hostRoot, "home")).catch(() => [] as string[]);
  const candidates = ["/root/.pm2/dump.pm2", ...users.sort().map((u) => `/home/${u}/.pm2/dump.pm2`)];
  const found: string[] = [];
  for (const file of candidates)
    if (
      await lstat(path.join(hostRoot, file)).then(
        () => true,
        () => false,
      )
    )
      found.push(file);
  return found;
}

/** What pm2 runs on the host, gathered while detect-repo walks its files. */
export class Pm2Findings {
  readonly apps: ServiceFinding[] = [];
  readonly notices: string[] = [];
  /** Dump and ecosystem files already read (absolute): each once. */
  readonly read = new Set<string>();

  /** Reads one file; its apps become services (`asServices`) or only evidence (an app folder's ecosystem file). */
  async add(
    hostRoot: string,
    file: string,
    kind: "dump" | "ecosystem",
    asServices: boolean,
    evidence: { file: string; found: string }[],
  ): Promise<ServiceFinding[]> {
    if (this.read.has(file)) return [];
    this.read.add(file);
    const reading = await readPm2File(hostRoot, file, kind === "ecosystem");
    for (const notice of reading.notices) {
      evidence.push({ file, found: notice });
      if (asServices) this.notices.push(notice);
    }
    if (!asServices) {
      if (reading.apps.length)
        evidence.push({
          file,
          found: `pm2 ecosystem file declaring ${reading.apps.map((a) => a.name).join(", ")}: what runs is pm2's saved process list`,
        });
      return [];
    }
    for (const app of reading.apps) {
      app.onHost = true;
      // An ecosystem file's relative paths are relative to where pm2 is started: its own folder here.
      if (kind === "ecosystem") app.workingDirectory ??= path.posix.dirname(file);
      evidence.push({ file, found: describePm2App(app) });
      this.apps.push(app);
    }
    return reading.apps;
  }
}
