// A crontab line or a timer's ExecStart, as the argv of a Cloud Run job running the app's image.
// On the VM such commands lean on the VM: `cd /srv/app && .venv/bin/python manage.py x >> /var/log/x.log 2>&1`.
// In the image the working directory is the image's WORKDIR, the virtualenv's tools are on PATH
// and stdout is the log, so those parts are dropped. What is left must be a plain argv (the
// deploy workflow passes it through a strict pattern); anything else (pipes, variables, quotes,
// several commands) is reported instead of guessed.
import path from "node:path";
import { safeArgv } from "./draft.js";
import { markCredentials } from "../../../image/command-credentials.js";
import { APP_DIR, inImagePath } from "../../../image/app-root.js";

export type CronArgv = { ok: true; argv: string[]; dropped: string[] } | { ok: false; reason: string };

// An interpreter or a tool installed into a virtualenv / system bin directory: in the image it is on PATH.
const ON_PATH =
  /^(?:\/[^\s]*)?\/(?:\.?venv|virtualenv|env)\/bin\/([\w.-]+)$|^\/usr(?:\/local)?\/bin\/(python[\d.]*|node|npm|npx|bash|sh|ruby|php|perl)$|^(?:\.\/)?\.?venv\/bin\/([\w.-]+)$/;
const REDIRECT = /^(?:\d?>>?|&>>?)(\S*)$/;

/**
 * `root`: the app's folder on the VM (image/app-root.ts). An argument naming it or a path under it
 * (wp-cli's `--path=/var/www/html`) names the same place in the image, relative to its WORKDIR
 * (APP_DIR), as process-argv.ts does for the image's own processes.
 */
export function cronArgv(command: string | undefined, root?: string): CronArgv {
  // A redacted credential stays a word (image/command-credentials.ts), never a redirection.
  const text = markCredentials((command ?? "").trim());
  if (!text) return { ok: false, reason: "no command" };
  const dropped: string[] = [];
  // `cd DIR && …` / `cd DIR; …`: the image's WORKDIR plays that part.
  let rest = text;
  const cd = /^cd\s+(\S+)\s*(?:&&|;)\s*/.exec(rest);
  if (cd) {
    dropped.push(`cd ${cd[1]}`);
    rest = rest.slice(cd[0].length);
  }
  const tokens = rest.split(/\s+/).filter(Boolean);
  const kept: string[] = [];
  for (let i = 0; i < tokens.length; i++) {
    const token = tokens[i]!;
    if (token === "2>&1" || token === "1>&2") {
      dropped.push(token);
      continue;
    }
    const redirect = REDIRECT.exec(token);
    if (redirect) {
      // `>> file` or `>>file`: Cloud Run keeps stdout and stderr as logs.
      const target = redirect[1] || tokens[++i];
      dropped.push(`${token}${redirect[1] ? "" : ` ${target ?? ""}`}`.trim());
      continue;
    }
    kept.push(token);
  }
  if (kept.length === 0) return { ok: false, reason: "nothing left to run" };
  const assignment = /^([A-Za-z_]\w*)=/.exec(kept[0]!);
  if (assignment)
    return { ok: false, reason: `it sets ${assignment[1]} inline; give that as an environment variable of the job` };
  const shell = kept.find((t) => /[|&;<>`$"'(){}*?~\\]/.test(t));
  if (shell)
    return { ok: false, reason: `"${shell}" needs a shell (pipes, variables, quotes, globs or several commands)` };
  const head = ON_PATH.exec(kept[0]!);
  if (head) {
    const tool = head[1] ?? head[2] ?? head[3]!;
    dropped.push(`${kept[0]} → ${tool}`);
    kept[0] = tool;
  }
  const argv = safeArgv(root ? [kept[0]!, ...kept.slice(1).map((w) => inImageWord(w, root))] : kept);
  return argv
    ? { ok: true, argv, dropped }
    : { ok: false, reason: "a token has characters the deploy workflow does not pass through" };
}

/** `/var/www/html` or `--path=/var/www/html/wp-content` under the app's root, as the image's path from its WORKDIR. */
function inImageWord(word: string, root: string): string {
  const m = /^(--?[\w-]+=)?(\/[^\s]*)$/.exec(word);
  if (!m || !(m[2] === root || m[2]!.startsWith(`${root}/`))) return word;
  return `${m[1] ?? ""}${path.posix.relative(APP_DIR, inImagePath(m[2]!, root)) || "."}`;
}
