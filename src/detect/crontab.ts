// crontab files checked into the repo (`deploy/crontab`, `ops/app.cron`, `cron.d/shop`): one
// `cron` service per scheduled line, with its schedule and command. Files under a `cron.d/`
// folder (and a file named `crontab` under `etc/`) use the system format, with a user field
// between the schedule and the command.
import { serviceSchema } from "../inventory/schema.js";
import { basename, classifyCommand, mainStatement, splitCommand } from "./command.js";
import { uniqueName } from "./merge.js";
import { sanitiseName } from "./procfile.js";
import type { ServiceFinding } from "./types.js";

export const CRONTAB_CANDIDATE =
  /(^|\/)(crontab|[^/]+\.(cron|crontab))$|(^|\/)cron\.d\/[^/.]+$|(^|\/)spool\/cron\/crontabs\/[^/.]+$/;

export interface CrontabFacts {
  jobs: ServiceFinding[];
  /** Lines that were not taken, with the reason: shown as evidence. */
  skipped: string[];
}

const NICKNAME = /^@(yearly|annually|monthly|weekly|daily|midnight|hourly|reboot)$/;

export function parseCrontab(text: string, file: string): CrontabFacts {
  const systemFormat = /(^|\/)cron\.d\//.test(file) || /(^|\/)etc\/crontab$/.test(file);
  const jobs: ServiceFinding[] = [];
  const skipped: string[] = [];
  const taken = new Set<string>();
  text.split(/\r?\n/).forEach((raw, index) => {
    const line = raw.trim();
    // Comments, blank lines and variable lines (MAILTO=…, PATH=…, SHELL=…).
    if (!line || line.startsWith("#") || /^[A-Za-z_]\w*\s*=/.test(line)) return;
    const words = line.split(/\s+/);
    const nickname = NICKNAME.test(words[0]!);
    const fieldCount = nickname ? 1 : 5;
    const schedule = words.slice(0, fieldCount).join(" ");
    const rest = words.slice(fieldCount + (systemFormat ? 1 : 0));
    const where = `line ${index + 1}`;
    if (words[0] === "@reboot") {
      skipped.push(`${where}: @reboot runs at boot, not on a schedule`);
      return;
    }
    if (rest.length === 0 || !serviceSchema.shape.schedule.safeParse(schedule).success) {
      skipped.push(`${where}: not a crontab entry`);
      return;
    }
    // A bare % is a newline (stdin) in crontab: such a command cannot be taken as written; \% is a literal %.
    const written = rest.join(" ");
    if (/(^|[^\\])%/.test(written)) {
      skipped.push(`${where}: "%" in the command feeds stdin in crontab; move the command into a script`);
      return;
    }
    const command = written.replace(/\\%/g, "%");
    const name = uniqueName(jobName(command) || "cron-job", taken);
    taken.add(name);
    const software = jobSoftware(command);
    // A job the Python interpreter runs (`python -m pkg cmd`) is Python's even when the package is unknown.
    const runtime = classifyCommand(jobCore(command)).runtime ?? (software === "python" ? "python" : undefined);
    jobs.push({
      name,
      role: "cron",
      software,
      command,
      schedule,
      listen: [],
      source: file,
      line: index + 1,
      scheduled: true,
      ...(runtime ? { process: { runtime } } : {}),
    });
  });
  return { jobs, skipped };
}

const CD_PREFIX = /^cd\s+\S+\s*(&&|;)\s*/;

/**
 * The statement that does the job's work: a line that first sets up its shell (`export
 * PATH=/srv/app/venv/bin:$PATH && cd /srv/app && python -m app runperiodic`, as pretix's docs write
 * it) runs its last statement that is not an export, a cd or an assignment (command.ts mainStatement).
 */
function jobCore(command: string): string {
  const core = /;|&&|\|\||\n/.test(command) ? mainStatement(command) : command;
  return core.replace(CD_PREFIX, "");
}

/** What runs the job: django for manage.py, python for scripts and modules, bash for shell scripts. */
export function jobSoftware(command: string): string {
  const stripped = jobCore(command);
  const facts = classifyCommand(stripped);
  if (facts.software === "django" || facts.software === "celery") return facts.software;
  const words = splitCommand(stripped);
  const exe = (words[0] ?? "").slice((words[0] ?? "").lastIndexOf("/") + 1);
  if (/^python[\d.]*$/.test(exe) || exe.endsWith(".py")) return "python";
  if (exe.endsWith(".sh") || /^(ba|da)?sh$/.test(exe)) return "bash";
  return facts.software;
}

/** A readable name from the command: `manage.py send_report` → send-report, `-m app.jobs.cleanup` → cleanup, `bin/backup-db.sh` → backup-db. */
export function jobName(command: string): string {
  const words = splitCommand(jobCore(command));
  const manage = words.findIndex((w) => w.endsWith("manage.py") || w.endsWith("artisan"));
  if (manage >= 0 && words[manage + 1]) return sanitiseName(words[manage + 1]!.replace(/_/g, "-"));
  const module = words.indexOf("-m");
  // `python -m app runperiodic`: a package run as a program with a subcommand (its __main__ calls
  // Django's command line) is named by the subcommand, as manage.py's are.
  const sub = words[module + 2];
  if (module >= 0 && words[module + 1] && sub && /^[a-z][a-z0-9_]*$/.test(sub) && !words[module + 1]!.includes("."))
    return sanitiseName(sub.replace(/_/g, "-"));
  if (module >= 0 && words[module + 1]) return sanitiseName(words[module + 1]!.split(".").at(-1)!.replace(/_/g, "-"));
  const script = words.find((w) => /\.(py|sh|js|rb|php|pl)$/.test(w));
  if (script)
    return sanitiseName(
      basename(script)
        .replace(/\.[a-z]+$/, "")
        .replace(/_/g, "-"),
    );
  // A program with subcommands says what the job does in them: `tootctl media remove` and
  // `tootctl preview_cards remove` are two jobs, not tootctl and tootctl-2; `bundle exec rake
  // maintenance:cleanup` is the rake task. VAR=value prefixes and `bundle exec` only launch it.
  let at = 0;
  while (at < words.length && /^[A-Za-z_]\w*=/.test(words[at]!)) at++;
  if (words[at] === "bundle" && words[at + 1] === "exec") at += 2;
  const program = words[at] ?? "";
  const subcommands: string[] = [];
  for (const word of words.slice(at + 1)) {
    if (subcommands.length === 2 || !/^[a-z][a-z0-9_:-]*$/.test(word)) break;
    subcommands.push(word);
  }
  return sanitiseName([basename(program), ...subcommands].join("-").replace(/[_:]/g, "-"));
}
