// What an image starts when its start command is supervisord: the programs of the configuration
// file it names, read from the repository files the team's Dockerfile copies to those places. An
// all-in-one start (pretix's `pretix all`: nginx, gunicorn AND a Celery worker under supervisord)
// deployed as the web service would run one more copy of a worker the plan deploys on its own in
// every web instance; the image often has a start without it (`pretix web`), which is what the web
// service should run (design/rules/supervised-start.ts).
// supervisord's options and [include]: http://supervisord.org/running.html (-c, and the files it
// looks for without one) and http://supervisord.org/configuration.html ([include] `files`, relative
// to the including file, globs allowed; [program:x] `command`).
import path from "node:path";
import { REPO_PATH, resolveIn } from "./dockerfile-parse.js";
import { shellTokens } from "./shell-words.js";
import { readSupervisorIni } from "./supervisor-ini.js";

export interface SupervisedProgram {
  /** The `[program:x]` name. */
  name: string;
  /** Its `command`, split as supervisor splits it (shlex). */
  argv: string[];
  /** The repository file that defines it. */
  file: string;
}

/** The image's files as far as COPYs of the repository's own files put them: image path → repository path. */
export interface ImageFiles {
  read(imagePath: string): { file: string; text: string } | undefined;
  /** The names of the files in an image folder that a COPY fills from a repository folder. */
  list(imageDir: string): string[];
}

/**
 * The image's view of the repository: `copied` (dockerfile-parse.ts copiedFiles: each COPY's
 * destination → its source) for a file copied to a path or into a folder, and for a path below a
 * folder a COPY filled (`COPY deployment/docker/supervisord /etc/supervisord`: the longest such
 * destination); else a path under the folder the repository is copied to whole (`appDir`).
 */
export function imageFiles(
  copied: ReadonlyMap<string, string>,
  appDir: string | undefined,
  read: (file: string) => string | undefined,
  list: (dir: string) => string[] | undefined,
): ImageFiles {
  const repoPath = (imagePath: string): string | undefined => {
    const p = resolveIn("/", imagePath);
    let found = copied.get(p);
    if (found === undefined) {
      let dest = "";
      for (const [to, from] of copied)
        if (p.startsWith(`${to}/`) && to.length > dest.length)
          [dest, found] = [to, `${from}/${p.slice(to.length + 1)}`];
    }
    if (found === undefined && appDir && p.startsWith(`${appDir}/`)) found = p.slice(appDir.length + 1);
    const rel = found?.replace(/^\.\//, "");
    return rel !== undefined && REPO_PATH.test(rel) && !rel.split("/").includes("..") ? rel : undefined;
  };
  return {
    read: (imagePath) => {
      const file = repoPath(imagePath);
      const text = file !== undefined ? read(file) : undefined;
      return file !== undefined && text !== undefined ? { file, text } : undefined;
    },
    list: (imageDir) => {
      const dir = repoPath(imageDir);
      return dir === undefined ? [] : (list(dir) ?? []);
    },
  };
}

/** Words that may run supervisord for the start command: sudo (and its flags), env, exec. */
const WRAPPER = /^((\/usr)?\/bin\/)?(sudo|env|exec)$|^-[A-Za-z]+$/;
/**
 * The files supervisord reads without `-c`, those an image can hold (running.html: `../etc/` and
 * `../` of its own folder, the working folder, then these). Debian's and Ubuntu's package ship
 * /etc/supervisor/supervisord.conf with `files = /etc/supervisor/conf.d/*.conf`: an image that
 * installs the package and COPYs only its programs into conf.d has no copy of that file of its own.
 */
const DEFAULT_CONFIGS = ["/etc/supervisord.conf", "/etc/supervisor/supervisord.conf"];
const PACKAGED: Record<string, string> = { "/etc/supervisor/supervisord.conf": "/etc/supervisor/conf.d/*.conf" };

/** supervisord's configuration file in a start command (`sudo -E supervisord -n -c FILE`); undefined when it runs no supervisord. */
export function supervisordConfigs(argv: readonly string[]): string[] | undefined {
  const at = argv.findIndex((w) => /(^|\/)supervisord$/.test(w));
  if (at < 0 || !argv.slice(0, at).every((w) => WRAPPER.test(w))) return undefined;
  for (let i = at + 1; i < argv.length; i++) {
    const word = argv[i]!;
    if ((word === "-c" || word === "--configuration") && argv[i + 1]) return [argv[i + 1]!];
    const joined = /^(?:-c|--configuration=)(.+)$/.exec(word);
    if (joined) return [joined[1]!];
  }
  return DEFAULT_CONFIGS;
}

/** `*`, `?` and `[…]` of a glob's last part as a RegExp (supervisor's glob.glob). */
function globPart(pattern: string): RegExp {
  const body = pattern
    .replace(/[.+^${}()|\\]/g, "\\$&")
    .replace(/\*/g, "[^/]*")
    .replace(/\?/g, "[^/]");
  return new RegExp(`^${body}$`);
}

/**
 * The programs supervisord runs for a start command, from its configuration file and the files
 * that file includes, in the order supervisor reads them. Undefined when the command runs no
 * supervisord or its configuration is not among the image's files from the repository.
 */
export function supervisedPrograms(argv: readonly string[], files: ImageFiles): SupervisedProgram[] | undefined {
  const configs = supervisordConfigs(argv);
  if (!configs) return undefined;
  const programs: SupervisedProgram[] = [];
  const seen = new Set<string>();
  let found = false;
  const readConfig = (imagePath: string, depth: number): void => {
    if (seen.has(imagePath) || depth > 4) return;
    seen.add(imagePath);
    const got = files.read(imagePath);
    const includes: string[] = [];
    if (got) {
      found = true;
      for (const section of readSupervisorIni(got.text)) {
        const program = /^(?:fcgi-)?program:(.+)$/.exec(section.name)?.[1]?.trim();
        const command = section.keys.get("command")?.value;
        if (program && command) {
          const words = shellTokens(command).filter((t): t is string => typeof t === "string");
          if (words.length) programs.push({ name: program, argv: words, file: got.file });
        }
        if (section.name === "include") includes.push(...(section.keys.get("files")?.value.split(/\s+/) ?? []));
      }
    } else if (PACKAGED[imagePath] && depth === 0) includes.push(PACKAGED[imagePath]);
    for (const pattern of includes.filter(Boolean)) {
      const full = resolveIn(path.posix.dirname(imagePath), pattern);
      const dir = path.posix.dirname(full);
      const base = path.posix.basename(full);
      if (!/[*?[]/.test(base)) readConfig(full, depth + 1);
      else
        for (const name of files
          .list(dir)
          .filter((n) => globPart(base).test(n))
          .sort())
          readConfig(`${dir}/${name}`, depth + 1);
    }
  };
  for (const config of configs) {
    readConfig(config, 0);
    if (found || programs.length) break;
  }
  return found || programs.length ? programs : undefined;
}
