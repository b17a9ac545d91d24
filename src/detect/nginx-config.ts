// nginx's configuration on the VM as nginx reads it: nginx.conf's http{} level with its includes
// spliced (nginx-include.ts), and each site with its own. What one file defines counts for the
// others where nginx says so: an upstream in conf.d/upstreams.conf serves every site's proxy_pass
// (upstream names are global in http{}), a client_max_body_size in a conf.d file is the http{}
// level's. Sites are the files in sites-enabled and conf.d (as today), plus those nginx.conf's
// http{} includes from elsewhere (`include /srv/app/deploy/nginx.conf;`), each read once. A copy
// without nginx.conf is read as the stock one includes: conf.d/*.conf, then sites-enabled/*.
import path from "node:path";
import { type BodyLimit, NGINX_MAIN, nginxHttpBodyLimit } from "./body-limit.js";
import { resolveInRoot } from "./host.js";
import { type ConfigSource, hostSource } from "./include-paths.js";
import { NGINX_PREFIX, type SplicedNginx, type SpliceState, spliceNginx } from "./nginx-include.js";
import { nginxUpstreams } from "./nginx.js";

/** The folders whose files are sites (host.ts HOST_DIRS: one level deep). */
export const NGINX_SITE_DIRS = [`${NGINX_PREFIX}/sites-enabled`, `${NGINX_PREFIX}/conf.d`];
const STOCK_MAIN = "http {\n    include conf.d/*.conf;\n    include sites-enabled/*;\n}\n";

export interface NginxConfig {
  /** nginx.conf's http{}-level client_max_body_size (its included files at that level too). */
  httpLimit?: BodyLimit;
  /** Upstreams of the http{} level and of every site, by name: ports of their servers. */
  upstreams: Map<string, number[]>;
  /** Sites nginx.conf's http{} includes from outside sites-enabled and conf.d, host-root-relative. */
  extraSites: string[];
  /** A site (host-root-relative) with its includes spliced; undefined when it cannot be read. */
  site: (file: string) => Promise<SplicedNginx | undefined>;
  /** Includes nginx would follow that were not read (missing, too large, too many). */
  warnings: () => string[];
}

/** The http{} blocks of a text, their braces cut. */
function httpBlocks(text: string): string {
  let out = "";
  const re = /(?<=^|[;{}\s])http\s*\{/g;
  for (let m = re.exec(text); m; m = re.exec(text)) {
    let depth = 1;
    let i = m.index + m[0].length;
    for (; i < text.length && depth > 0; i++) depth += text[i] === "{" ? 1 : text[i] === "}" ? -1 : 0;
    out += `${text.slice(m.index + m[0].length, i - 1)}\n`;
    re.lastIndex = i;
  }
  return out;
}

export async function readNginxConfig(
  hostRoot: string,
  source: ConfigSource = hostSource(hostRoot),
): Promise<NginxConfig> {
  const state: SpliceState = { source, warnings: new Set() };
  const sites = new Map<string, Promise<SplicedNginx | undefined>>();
  const site = (file: string) => {
    if (!sites.has(file))
      sites.set(
        file,
        source.read(file).then((text) => (text === undefined ? undefined : spliceNginx(file, text, state, ["http"]))),
      );
    return sites.get(file)!;
  };
  const listed: string[] = [];
  for (const dir of NGINX_SITE_DIRS)
    for (const e of await source.list(dir)) if (!e.dir) listed.push(`${dir}/${e.name}`);
  const mainText = await source.read(NGINX_MAIN);
  if (mainText === undefined && !listed.length)
    return { upstreams: new Map(), extraSites: [], site, warnings: () => [...state.warnings] };
  const main = await spliceNginx(NGINX_MAIN, mainText ?? STOCK_MAIN, state, [], "http");
  const http = httpBlocks(main.text.replace(/#.*$/gm, ""));
  const upstreams = nginxUpstreams(http);
  // Each site once, by the file its links lead to (sites-enabled/app -> sites-available/app).
  const seen = new Set(await Promise.all(listed.map((f) => resolveInRoot(hostRoot, f))));
  const extraSites: string[] = [];
  for (const file of main.httpLevel) {
    const target = await resolveInRoot(hostRoot, file);
    if (seen.has(target) || NGINX_SITE_DIRS.includes(path.posix.dirname(file))) continue;
    seen.add(target);
    if (/\bserver\s*\{/.test((await site(file))?.text.replace(/#.*$/gm, "") ?? "")) extraSites.push(file);
  }
  for (const file of listed) {
    const text = (await site(file))?.text.replace(/#.*$/gm, "") ?? "";
    for (const [name, ports] of nginxUpstreams(text)) if (!upstreams.has(name)) upstreams.set(name, ports);
  }
  return {
    httpLimit: nginxHttpBodyLimit(main.text),
    upstreams,
    extraSites,
    site,
    warnings: () => [...state.warnings],
  };
}
