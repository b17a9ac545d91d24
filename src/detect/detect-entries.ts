// The files detectRepo reads, in order: the repository's, then the VM's (units with their
// drop-ins, sites, crontabs, pm2's saved process lists), then, as units and programs name them,
// the app folders' dependency files and ecosystem files. The list grows while it is walked.
import { ecosystemFilesIn, listPm2Dumps } from "./pm2-host.js";
import { HOST_APP_FILES, listHostFiles, readHostFile } from "./host.js";
import { RELEASE_LINK } from "./release-dir.js";
import { readSmallText } from "./walk.js";

export interface Entry {
  /** Path used to recognise the file: repo-relative, or host-root-relative (etc/nginx/…). */
  file: string;
  /** Path shown as evidence and kept as a service's source: repo-relative, or absolute on the host. */
  shown: string;
  atRoot: boolean;
  /** False for a host unit reached through a link (a distribution's unit): see HostFile. */
  own: boolean;
  /** Read from the machine (`--from-host`), not from the repository. */
  host: boolean;
  /** A unit read with its drop-ins after it. */
  dropIns?: boolean;
  /** A template unit's enabled instances (host.ts HostFile.instances). */
  instances?: string[];
  /** pm2's saved process list, an ecosystem file a pm2 unit starts, or one found in an app folder. */
  pm2?: "dump" | "launched" | "app-folder";
  read: () => Promise<string | undefined>;
}

export class DetectEntries {
  /** Absolute folders on the VM where the app's processes run (WorkingDirectory, directory=, pm_cwd). */
  readonly appDirs = new Set<string>();

  private constructor(
    readonly list: Entry[],
    private readonly hostRoot: string | undefined,
  ) {}

  static async create(root: string, files: string[], hostRoot: string | undefined): Promise<DetectEntries> {
    const list: Entry[] = [
      ...files.map((file) => ({
        file,
        shown: file,
        atRoot: !file.includes("/"),
        own: true,
        host: false,
        read: () => readSmallText(root, file),
      })),
      ...(hostRoot ? await listHostFiles(hostRoot) : []).map(({ file, own, dropIns = [], instances }) => ({
        file,
        shown: `/${file}`,
        atRoot: false,
        own,
        host: true,
        ...(dropIns.length ? { dropIns: true } : {}),
        ...(instances?.length ? { instances } : {}),
        // A unit is read with its drop-ins after it, as systemd applies them (an empty ExecStart= resets).
        read: async () => {
          const texts = await Promise.all([file, ...dropIns].map((f) => readHostFile(hostRoot!, f)));
          return texts[0] === undefined ? undefined : texts.filter((t) => t !== undefined).join("\n");
        },
      })),
    ];
    const entries = new DetectEntries(list, hostRoot);
    if (hostRoot) for (const dump of await listPm2Dumps(hostRoot)) entries.addPm2(dump, "dump");
    return entries;
  }

  /** A pm2 file on the VM (absolute path); pm2-host.ts reads it, with its size checked. */
  addPm2(file: string, kind: NonNullable<Entry["pm2"]>): void {
    this.list.push({
      file: file.slice(1),
      shown: file,
      atRoot: false,
      own: true,
      host: true,
      pm2: kind,
      read: async () => undefined,
    });
  }

  /** The app's own unit, program or pm2 app names where the code lives: its dependency files say the frameworks. */
  async addAppDir(workdir: string | undefined): Promise<void> {
    const hostRoot = this.hostRoot;
    if (!hostRoot || !workdir?.startsWith("/") || this.appDirs.has(workdir)) return;
    this.appDirs.add(workdir);
    for (const ecosystem of await ecosystemFilesIn(hostRoot, workdir)) this.addPm2(ecosystem, "app-folder");
    // A release layout's code is in current/ (release-dir.ts): its manifests are read there too.
    const dirs = [workdir.replace(/\/+$/, ""), `${workdir.replace(/\/+$/, "")}/${RELEASE_LINK}`];
    for (const dependencyFile of HOST_APP_FILES.flatMap((f) => dirs.map((d) => `${d}/${f}`))) {
      const onHost = dependencyFile;
      this.list.push({
        file: dependencyFile.slice(dependencyFile.lastIndexOf("/") + 1),
        shown: onHost,
        atRoot: true,
        own: true,
        host: true,
        read: () => readHostFile(hostRoot, onHost.slice(1)),
      });
    }
  }
}
