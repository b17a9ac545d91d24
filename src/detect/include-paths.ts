// The files an `include` line of a web server's configuration names: a path or a glob (in any
// folder of the path), relative to a base folder, read from a host root (a disk copy, the copy an
// ssh read leaves, or `/`). Apache's Include (apache-config.ts) and nginx's include (nginx-config.ts)
// both expand this way; templates/host/read-host.sh expands the same patterns with sh's globs.
import path from "node:path";
import { readdir } from "node:fs/promises";
import { readHostFile, statInRoot } from "./host.js";

export interface ConfigSource {
  read: (file: string) => Promise<string | undefined>;
  /** Names in a host-root-relative folder, with whether each is a folder; [] when there is none. */
  list: (dir: string) => Promise<{ name: string; dir: boolean }[]>;
}

/** Reads through links resolved inside the host root; a folder's names sorted as `sh` sorts them under LC_ALL=C. */
export function hostSource(hostRoot: string): ConfigSource {
  return {
    read: (file) => readHostFile(hostRoot, file),
    list: async (dir) => {
      const names = (await readdir(path.join(hostRoot, dir)).catch(() => [] as string[])).sort();
      const out: { name: string; dir: boolean }[] = [];
      for (const name of names) {
        const info = await statInRoot(hostRoot, `${dir}/${name}`);
        if (info) out.push({ name, dir: info.isDirectory() });
      }
      return out;
    },
  };
}

const GLOB = /[*?[]/;
export const isGlob = (pattern: string): boolean => GLOB.test(pattern);

function globSegment(segment: string): RegExp {
  const body = segment
    .replace(/[.+^${}()|\\]/g, "\\$&")
    .replace(/\*/g, "[^/]*")
    .replace(/\?/g, "[^/]");
  return new RegExp(`^${body}$`);
}

/**
 * The files a pattern names, host-root-relative, sorted as httpd, nginx's glob() and `sh` under
 * LC_ALL=C sort them. `folders`: a folder named without a glob means the files in it (Apache's
 * rule; nginx cannot include a folder).
 */
export async function expandInclude(pattern: string, source: ConfigSource, folders = true): Promise<string[]> {
  let paths = [""];
  const segments = pattern.split("/").filter(Boolean);
  for (const [index, segment] of segments.entries()) {
    const last = index === segments.length - 1;
    const next: string[] = [];
    for (const base of paths) {
      const entries = await source.list(base);
      if (GLOB.test(segment)) {
        const re = globSegment(segment);
        // Hidden files are left out, as `sh` globs leave them (read-host.sh expands the same patterns).
        for (const e of entries)
          if (!e.name.startsWith(".") && re.test(e.name) && (last ? !e.dir : e.dir)) next.push(`${base}/${e.name}`);
      } else {
        const e = entries.find((x) => x.name === segment);
        if (!e) continue;
        if (last && e.dir) {
          if (folders)
            for (const f of await source.list(`${base}/${segment}`))
              if (!f.dir) next.push(`${base}/${segment}/${f.name}`);
        } else if (last || e.dir) next.push(`${base}/${segment}`);
      }
    }
    paths = next;
  }
  return paths.map((p) => p.replace(/^\//, ""));
}

/** An include's argument as a host-root-relative pattern; undefined for one resolved at run time (${VAR}, $var). */
export function includePattern(arg: string, base: string): string | undefined {
  if (!arg || arg.includes("$") || /\s/.test(arg)) return undefined;
  const joined = path.posix.normalize(arg.startsWith("/") ? arg.slice(1) : `${base}/${arg}`);
  return joined.startsWith("..") ? undefined : joined.replace(/\/+$/, "");
}
