// supervisord's INI dialect, as supervisor reads its configuration files
// (http://supervisord.org/configuration.html): `key=value` or `key: value`, `;`/`#` comment lines,
// `;` inline comments only after white space, continuation lines indented. Read for a VM's
// programs (detect/supervisor.ts) and for what an image's supervisord starts (image/supervised.ts).

export interface Section {
  name: string;
  line: number;
  keys: Map<string, { value: string; line: number }>;
}

/** INI sections as supervisor reads them: `key=value` or `key: value`, `;`/`#` comments, continuations. */
export function readSupervisorIni(text: string): Section[] {
  const sections: Section[] = [];
  let current: Section | undefined;
  let last: { value: string; line: number } | undefined;
  text.split(/\r?\n/).forEach((raw, index) => {
    const line = index + 1;
    if (/^\s*([;#]|$)/.test(raw)) return;
    if (/^\s/.test(raw) && last) {
      last.value += ` ${stripComment(raw).trim()}`;
      return;
    }
    const header = /^\[([^\]]+)\]/.exec(raw);
    if (header) {
      current = { name: header[1]!.trim(), line, keys: new Map() };
      sections.push(current);
      last = undefined;
      return;
    }
    const pair = /^([A-Za-z_][\w.-]*)\s*[=:]\s*(.*)$/.exec(raw);
    if (!pair || !current) return;
    last = { value: stripComment(pair[2]!).trim(), line };
    current.keys.set(pair[1]!.toLowerCase(), last);
  });
  return sections;
}

// Supervisor treats `;` as an inline comment only after white space (`a;b` stays).
const stripComment = (value: string) => value.replace(/\s;.*$/, "");
