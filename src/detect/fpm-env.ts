// The env a PHP-FPM pool gives the app: FPM clears the environment of its workers (clear_env
// defaults to yes) and passes only what the pool names with `env[NAME] = value`
// (https://www.php.net/manual/en/install.fpm.configuration.php#clear-env). Apps that are told to
// "export the variables through your web server, PHP-FPM pool, systemd unit" (Symfony's runtime
// without symfony/dotenv, doc.wallabag.org "Parameters") keep their production settings there.
// The pool the web server passes PHP to gives the web process its names (values stay in memory,
// for detection only, as with a unit's Environment=).
import { readdir } from "node:fs/promises";
import path from "node:path";
import { readHostFile } from "./host.js";
import { fastcgiTargets, sameFastcgiAddress } from "./php-ini-parse.js";
import { attachEnvValues } from "./systemd.js";
import type { Evidence, ServiceFinding } from "./types.js";

export interface FpmPoolEnv {
  pool: string;
  listen?: string;
  env: Record<string, string>;
  /** `pm.max_children`: the most PHP processes, so requests, the pool serves at once, whatever `pm` is. */
  maxChildren?: number;
}

const unquote = (v: string) => v.replace(/^"(.*)"$|^'(.*)'$/, "$1$2");

/**
 * The operating system's own variables, which install guides tell admins to pass through the pool
 * because FPM clears them (Nextcloud's admin manual: `env[HOSTNAME] = $HOSTNAME`, `env[PATH] = …`,
 * `env[TMP] = /tmp`): the container's runtime and image set them, so they are no setting of the app
 * to carry (and never a secret).
 */
const SYSTEM_ENV = /^(PATH|HOSTNAME|HOME|USER|LOGNAME|SHELL|PWD|LANG|LANGUAGE|LC_[A-Z]+|TMP|TEMP|TMPDIR)$/;

/** A pool's env without the system's own variables (SYSTEM_ENV). */
export function appEnvOf(env: Record<string, string>): Record<string, string> {
  return Object.fromEntries(Object.entries(env).filter(([name]) => !SYSTEM_ENV.test(name)));
}

/** Each pool of a pool file (`[www]`), with its listen address and its `env[NAME] = value` lines. */
export function parseFpmPoolEnv(text: string): FpmPoolEnv[] {
  const pools: FpmPoolEnv[] = [];
  let current: FpmPoolEnv | undefined;
  for (const line of text.split(/\r?\n/)) {
    if (/^\s*[;#]/.test(line)) continue;
    const section = /^\s*\[([^\]]+)\]/.exec(line);
    if (section) {
      const name = section[1]!.trim();
      current = name.toLowerCase() === "global" ? undefined : { pool: name, env: {} };
      if (current) pools.push(current);
      continue;
    }
    if (!current) continue;
    const listen = /^\s*listen\s*=\s*["']?([^"'\s;]+)/.exec(line);
    if (listen) current.listen = listen[1]!;
    const children = /^\s*pm\.max_children\s*=\s*["']?(\d{1,5})["']?\s*(?:;.*)?$/.exec(line);
    if (children && Number(children[1]) > 0) current.maxChildren = Number(children[1]);
    const env = /^\s*env\s*\[\s*["']?([A-Za-z_][A-Za-z0-9_]*)["']?\s*\]\s*=\s*(.*?)\s*$/.exec(line);
    if (env) current.env[env[1]!] = unquote(env[2]!);
  }
  return pools;
}

const names = (root: string, dir: string) => readdir(path.join(root, dir)).catch(() => [] as string[]);

/** Pool folders on the VM: Debian's per release (the one the command names first), RHEL's one. */
async function poolDirs(root: string, command: string | undefined): Promise<string[]> {
  const release = /php-fpm(\d+\.\d+)|\/etc\/php\/(\d+\.\d+)\//.exec(command ?? "");
  const named = release?.[1] ?? release?.[2];
  const debian = (await names(root, "etc/php")).filter((v) => /^\d+\.\d+$/.test(v) && (!named || v === named));
  return [...debian.map((v) => `etc/php/${v}/fpm/pool.d`), "etc/php-fpm.d"];
}

/**
 * Gives each PHP-FPM web process on the VM the env names its pool sets and its capacity (the
 * pools' pm.max_children): the pools the web server passes PHP to (`siteTexts`: nginx sites,
 * Apache's config), else every pool.
 */
export async function addFpmPoolEnv(
  root: string,
  findings: ServiceFinding[],
  siteTexts: string[],
  evidence: Evidence[],
): Promise<void> {
  const targets = [...new Set(siteTexts.flatMap(fastcgiTargets))];
  for (const finding of findings.filter((f) => f.onHost && f.role === "web" && f.software === "php-fpm")) {
    const pools: (FpmPoolEnv & { file: string })[] = [];
    for (const dir of await poolDirs(root, finding.command))
      for (const file of (await names(root, dir)).filter((n) => n.endsWith(".conf")).sort())
        for (const pool of parseFpmPoolEnv((await readHostFile(root, `${dir}/${file}`)) ?? ""))
          pools.push({ ...pool, file: `/${dir}/${file}` });
    const reached = pools.filter((p) => p.listen && targets.some((t) => sameFastcgiAddress(p.listen!, t)));
    const serving = reached.length ? reached : pools;
    // Each child serves one request at a time: the pools' max_children are the requests the VM
    // served at once (https://www.php.net/manual/en/install.fpm.configuration.php#pm.max-children).
    const sized = serving.filter((p) => p.maxChildren);
    if (sized.length && sized.length === serving.length) {
      finding.capacity = { workers: sized.reduce((n, p) => n + p.maxChildren!, 0), threads: 1 };
      evidence.push({
        file: sized[0]!.file,
        found: `PHP-FPM pool${sized.length > 1 ? "s" : ""} ${sized.map((p) => `[${p.pool}]`).join(", ")} serve${sized.length > 1 ? "" : "s"} ${finding.name} with pm.max_children = ${finding.capacity.workers}: at most ${finding.capacity.workers} PHP request(s) at once`,
      });
    }
    const system = [...new Set(serving.flatMap((p) => Object.keys(p.env).filter((n) => !(n in appEnvOf(p.env)))))];
    if (system.length)
      evidence.push({
        file: serving[0]!.file,
        found: `PHP-FPM passes ${finding.name} the system's own ${system.sort().join(", ")}: the container's runtime and image set them, not carried as settings`,
      });
    const chosen = serving.map((p) => ({ ...p, env: appEnvOf(p.env) })).filter((p) => Object.keys(p.env).length > 0);
    if (chosen.length === 0) continue;
    const values = Object.assign({}, ...chosen.map((p) => p.env)) as Record<string, string>;
    finding.env = [...new Set([...(finding.env ?? []), ...Object.keys(values)])].sort();
    attachEnvValues(finding, values);
    // The file scripts/setup-secrets.sh --from-vm reads the values from (it reads env[NAME] lines).
    finding.envFile ??= chosen[0]!.file;
    for (const p of chosen)
      evidence.push({
        file: p.file,
        found: `PHP-FPM pool [${p.pool}] passes ${finding.name} ${Object.keys(p.env).length} env setting(s): ${Object.keys(p.env).sort().join(", ")}`,
      });
  }
}
