// Apache's configuration as httpd reads it: the main file (Debian's apache2.conf, RHEL's
// conf/httpd.conf), with every Include / IncludeOptional taken in where it stands, globs relative
// to ServerRoot (https://httpd.apache.org/docs/2.4/mod/core.html#include); a file that includes one
// it is being read from stops there. Each directive keeps its file, line and the sections around
// it (<VirtualHost>, <Directory>, <IfModule>), so a reader can ask "which site sets this"
// (apache.ts for sites, php_value readers for PHP limits). A host copy without the main file (the
// sites alone) is read as the distribution's stock file would include it.
// templates/host/read-host.sh follows the same Includes over ssh: keep the two in step.
import { type ConfigSource, expandInclude, hostSource, includePattern } from "./include-paths.js";

export { includePattern } from "./include-paths.js";

/** The main file of Debian's apache2 and of RHEL's httpd, host-root-relative; the first found is read. */
export const APACHE_MAIN_CONFIGS = ["etc/apache2/apache2.conf", "etc/httpd/conf/httpd.conf"];
/** What the stock main file includes, in its order, for a host copy without it (ServerRoot-relative). */
const STOCK_INCLUDES: Record<string, string[]> = {
  "etc/apache2": [
    "mods-enabled/*.load",
    "mods-enabled/*.conf",
    "ports.conf",
    "conf-enabled/*.conf",
    "sites-enabled/*.conf",
  ],
  "etc/httpd": ["conf.modules.d/*.conf", "conf.d/*.conf"],
};
/** More reads than any real server needs: a runaway glob or include tree stops here. */
const MAX_FILES = 400;

export interface ApacheSection {
  /** Lowercase: virtualhost, directory, ifmodule, location… */
  name: string;
  args: string[];
  file: string;
  line: number;
}

export interface ApacheDirective {
  /** Lowercase, as Apache matches names: documentroot, proxypass, php_value… */
  name: string;
  /** Words, quotes taken off. */
  args: string[];
  /** Absolute path on the host (shown as evidence). */
  file: string;
  line: number;
  /** Enclosing sections, outermost first; the same object for every directive of one section. */
  sections: ApacheSection[];
}

export interface ApacheConfigFile {
  /** Host-root-relative path. */
  file: string;
  shown: string;
  text: string;
  /** The main file (apache2.conf / httpd.conf): its <Directory> blocks are the distribution's. */
  main: boolean;
}

export interface ApacheConfig {
  /** Host-root-relative ServerRoot (etc/apache2, etc/httpd): where relative Includes start. */
  serverRoot: string;
  /** Every file read, in the order httpd reads them. */
  files: ApacheConfigFile[];
  directives: ApacheDirective[];
}

/** Apache's words: "quoted strings" and 'quoted' stay one word, without their quotes. */
export function apacheWords(text: string): string[] {
  return [...text.matchAll(/"((?:[^"\\]|\\.)*)"|'([^']*)'|(\S+)/g)].map((m) => m[1] ?? m[2] ?? m[3]!);
}

/** A file's directives and sections, without following Includes (`within`: sections around the file). */
export function parseApacheDirectives(text: string, shown: string, within: ApacheSection[] = []): ApacheDirective[] {
  const out: ApacheDirective[] = [];
  const stack = [...within];
  const lines = text.split(/\r?\n/);
  for (let i = 0; i < lines.length; i++) {
    const line = i + 1;
    let raw = lines[i]!;
    // A line ending in a backslash goes on with the next one.
    while (/\\$/.test(raw) && i + 1 < lines.length) raw = raw.slice(0, -1) + " " + lines[++i]!;
    const trimmed = raw.trim();
    if (!trimmed || trimmed.startsWith("#")) continue;
    const close = /^<\/([A-Za-z0-9_]+)\s*>/.exec(trimmed);
    if (close) {
      const name = close[1]!.toLowerCase();
      let at = stack.length - 1;
      while (at >= within.length && stack[at]!.name !== name) at--;
      if (at >= within.length) stack.length = at;
      continue;
    }
    const open = /^<([A-Za-z0-9_]+)(\s[^>]*)?>/.exec(trimmed);
    if (open) {
      stack.push({ name: open[1]!.toLowerCase(), args: apacheWords(open[2] ?? ""), file: shown, line });
      continue;
    }
    const words = apacheWords(trimmed);
    out.push({ name: words[0]!.toLowerCase(), args: words.slice(1), file: shown, line, sections: [...stack] });
  }
  return out;
}

/** ServerRoot as the main file sets it (host-root-relative), else the layout's own. */
function serverRootOf(main: string, text: string | undefined): string {
  const set = /^\s*ServerRoot\s+("[^"]+"|\S+)/im.exec(text ?? "")?.[1]?.replace(/"/g, "");
  const root = set?.startsWith("/") ? includePattern(set, "") : undefined;
  return root ?? (main.startsWith("etc/httpd/") ? "etc/httpd" : "etc/apache2");
}

/** Apache's whole configuration on the host; undefined when neither apache2 nor httpd is set up there. */
export async function readApacheConfig(
  hostRoot: string,
  source: ConfigSource = hostSource(hostRoot),
): Promise<ApacheConfig | undefined> {
  let main: string | undefined;
  let mainText: string | undefined;
  for (const candidate of APACHE_MAIN_CONFIGS) {
    mainText = await source.read(candidate);
    if (mainText !== undefined) {
      main = candidate;
      break;
    }
  }
  const stockRoot = main ? undefined : (await source.list("etc/apache2")).length ? "etc/apache2" : "etc/httpd";
  if (!main && !(await source.list(stockRoot!)).length) return undefined;
  const serverRoot = main ? serverRootOf(main, mainText) : stockRoot!;
  const config: ApacheConfig = { serverRoot, files: [], directives: [] };
  let reads = 0;
  // `chain`: the files being read (a file that includes one of them would never end); a snippet
  // included by two sites is read for each, as httpd does.
  const follow = async (directives: ApacheDirective[], chain: string[]): Promise<void> => {
    for (const directive of directives) {
      if (directive.name !== "include" && directive.name !== "includeoptional") {
        config.directives.push(directive);
        continue;
      }
      const pattern = includePattern(directive.args[0] ?? "", serverRoot);
      for (const next of pattern ? await expandInclude(pattern, source) : []) {
        if (chain.includes(next) || ++reads > MAX_FILES) continue;
        const text = await source.read(next);
        if (text === undefined) continue;
        if (!config.files.some((f) => f.file === next))
          config.files.push({ file: next, shown: `/${next}`, text, main: false });
        await follow(parseApacheDirectives(text, `/${next}`, directive.sections), [...chain, next]);
      }
    }
  };
  if (main) {
    config.files.push({ file: main, shown: `/${main}`, text: mainText!, main: true });
    await follow(parseApacheDirectives(mainText!, `/${main}`), [main]);
  } else {
    const stock = STOCK_INCLUDES[serverRoot]!.map((p) => `Include ${p}`).join("\n");
    await follow(parseApacheDirectives(stock, `/${serverRoot}`), []);
  }
  return config;
}

/**
 * Modules compiled into Debian's and RHEL's httpd rather than loaded (`httpd -l`): `<IfModule>`
 * holds for them with no LoadModule line.
 */
const STATIC_MODULES = ["core", "so", "http_core", "watchdog", "unixd", "version", "log_config", "logio"];

/**
 * The modules the configuration loads, by both names `<IfModule>` takes
 * (https://httpd.apache.org/docs/2.4/mod/core.html#ifmodule): the identifier (`ssl_module`) and
 * the source file (`mod_ssl.c`). Undefined when no LoadModule line was read (a host copy without
 * the module files): nothing is then known either way.
 */
export function loadedModules(config: ApacheConfig): Set<string> | undefined {
  const ids = config.directives.filter((d) => d.name === "loadmodule").map((d) => d.args[0] ?? "");
  if (!ids.length) return undefined;
  const loaded = new Set<string>();
  for (const id of [...ids, ...STATIC_MODULES.map((m) => `${m}_module`)]) {
    loaded.add(id.toLowerCase());
    loaded.add(`mod_${id.toLowerCase().replace(/_module$/, "")}.c`);
  }
  return loaded;
}

/** Whether a directive's `<IfModule>` sections all hold for the modules loaded (each holds when that is not known). */
export function modulesHold(directive: ApacheDirective, loaded: Set<string> | undefined): boolean {
  return directive.sections.every((s) => {
    if (s.name !== "ifmodule" || !loaded) return true;
    const arg = (s.args[0] ?? "").toLowerCase();
    const negated = arg.startsWith("!");
    return loaded.has(negated ? arg.slice(1) : arg) !== negated;
  });
}
