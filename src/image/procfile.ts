// A Procfile (Heroku, Dokku, foreman): one `type: command` line per process type. The one parser of
// the format: detect/procfile.ts turns the types into services, cicd/run-once-steps.ts the
// `release:` line (a command run once per deploy, https://devcenter.heroku.com/articles/release-phase)
// into a deploy step.

export interface ProcfileEntry {
  type: string;
  command: string;
  /** 1-based line number. */
  line: number;
}

export function procfileEntries(text: string): ProcfileEntry[] {
  const out: ProcfileEntry[] = [];
  for (const [index, raw] of text.split(/\r?\n/).entries()) {
    const m = /^([A-Za-z0-9_-]+)\s*:\s*(.+)$/.exec(raw.trim());
    if (m) out.push({ type: m[1]!, command: m[2]!.trim(), line: index + 1 });
  }
  return out;
}

/** The `release:` command: the first such line, as Heroku reads one process type once. */
export function procfileRelease(text: string): string | undefined {
  return procfileEntries(text).find((e) => e.type === "release")?.command;
}
