// Supervisor (supervisord) programs on a VM: `/etc/supervisor/conf.d/*.conf` on Debian/Ubuntu,
// `/etc/supervisord.d/*.ini` on RHEL, `[program:x]` sections in supervisord.conf itself. Many
// single-VM deploys run gunicorn, Celery, RQ or Laravel's queue:work under supervisor rather than
// systemd; each program is a service like a unit's ExecStart. Format and expansions as documented
// in supervisor's configuration reference (http://supervisord.org/configuration.html): INI with `;`
// comments (inline after white space), continuation lines indented, `%(name)s` expansions, and
// `environment=KEY="val",KEY2="val2"`.
import path from "node:path";
import { classifyCommand } from "./command.js";
import { sanitiseName } from "./procfile.js";
import { attachEnvValues } from "./systemd.js";
import { readSupervisorIni } from "../image/supervisor-ini.js";
import type { ServiceFinding } from "./types.js";

/** Host folders and files supervisor reads its programs from (relative to the host root). */
export const SUPERVISOR_DIRS = ["etc/supervisor/conf.d", "etc/supervisord.d"];
export const SUPERVISOR_FILES = ["etc/supervisor/supervisord.conf", "etc/supervisord.conf"];
export const SUPERVISOR_CANDIDATE =
  /^etc\/(supervisor\/conf\.d\/[^/]+\.conf|supervisord\.d\/[^/]+\.(ini|conf)|supervisor\/supervisord\.conf|supervisord\.conf)$/;

/** `KEY="val",KEY2='v,2',KEY3=plain` → name → value (quotes removed). */
export function supervisorEnvironment(value: string): Record<string, string> {
  const out: Record<string, string> = {};
  const re = /\s*([A-Za-z_][A-Za-z0-9_]*)\s*=\s*("([^"]*)"|'([^']*)'|([^,]*))\s*(,|$)/g;
  for (const m of value.matchAll(re)) out[m[1]!] = (m[3] ?? m[4] ?? m[5] ?? "").trim();
  return out;
}

/** `%(program_name)s`, `%(process_num)02d`, `%(here)s`, `%(ENV_PORT)s`… as the first process sees them. */
function expand(value: string, vars: Record<string, string>): string {
  return value.replace(/%%|%\(([A-Za-z_]+)\)(0?)(\d*)([sd])/g, (whole, key: string, zero: string, width: string) => {
    if (whole === "%%") return "%";
    if (key.startsWith("ENV_")) return `$${key.slice(4)}`;
    const v = vars[key];
    if (v === undefined) return whole;
    return zero && width ? v.padStart(Number(width), "0") : v;
  });
}

/** Each `[program:x]` (and `[fcgi-program:x]`) of a supervisor config file as a service finding. */
export function parseSupervisorConfig(text: string, file: string): ServiceFinding[] {
  const out: ServiceFinding[] = [];
  const sections = readSupervisorIni(text);
  // Programs inherit supervisord's own environment= (their own entries win).
  const inherited = supervisorEnvironment(
    sections.find((s) => s.name === "supervisord")?.keys.get("environment")?.value ?? "",
  );
  for (const section of sections) {
    const m = /^(?:fcgi-)?program:(.+)$/.exec(section.name);
    const command = section.keys.get("command");
    if (!m || !command?.value) continue;
    const program = m[1]!.trim();
    const numprocs = section.keys.get("numprocs")?.value ?? "1";
    const vars: Record<string, string> = {
      program_name: program,
      group_name: program,
      process_num: section.keys.get("numprocs_start")?.value ?? "0",
      numprocs,
      here: path.posix.dirname(file),
      host_node_name: "localhost",
    };
    const commandLine = expand(command.value, vars);
    const { software, role, listen, ...process } = classifyCommand(commandLine);
    const directory = section.keys.get("directory")?.value;
    const environment = {
      ...inherited,
      ...supervisorEnvironment(expand(section.keys.get("environment")?.value ?? "", vars)),
    };
    const finding: ServiceFinding = {
      name: sanitiseName(program) || "program",
      role,
      software,
      command: commandLine,
      listen: listen ? [listen] : [],
      ...(Object.keys(environment).length ? { env: Object.keys(environment).sort() } : {}),
      // The VM file scripts/setup-secrets.sh --from-vm reads the values from (it reads environment=).
      ...(Object.keys(environment).length && file.startsWith("/") ? { envFile: file } : {}),
      ...(directory?.startsWith("/") ? { workingDirectory: expand(directory, vars) } : {}),
      ...(Object.keys(process).length ? { process } : {}),
      supervisorProgram: `${file}:${program}`,
      source: file,
      line: command.line,
    };
    attachEnvValues(finding, environment);
    out.push(finding);
  }
  return out;
}
