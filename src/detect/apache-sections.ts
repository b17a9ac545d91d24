// An Apache config file as its nested sections (<VirtualHost>, <Location>, <Proxy>…), each with
// the directives written directly inside it. Routes and logins depend on which section a line sits
// in: a one-argument ProxyPass takes its path from the <Location> around it, and AuthType Basic
// guards only the URLs its section matches.
// https://httpd.apache.org/docs/2.4/sections.html

export interface ApacheSection {
  /** The section's name in lower case (`virtualhost`, `location`); "" for the file itself. */
  kind: string;
  /** What follows the name in the opening tag, quotes kept. */
  arg: string;
  /** The directives directly inside it, one per line, trimmed, comments left out. */
  own: string[];
  children: ApacheSection[];
}

/**
 * Sections evaluated once at start-up: their contents count as written where the section stands
 * (whether the module is loaded or the define is set cannot be told from the file).
 */
const TRANSPARENT = new Set(["ifmodule", "ifdefine", "ifversion", "ifdirective", "iffile", "ifsection"]);

/** The file's sections; an unclosed section ends with the file, a stray closing tag is ignored. */
export function apacheSections(text: string): ApacheSection {
  const root: ApacheSection = { kind: "", arg: "", own: [], children: [] };
  const stack = [root];
  // A trailing backslash continues a directive on the next line.
  for (const raw of text.replace(/\\\r?\n/g, " ").split(/\r?\n/)) {
    const line = raw.trim();
    if (!line || line.startsWith("#")) continue;
    const open = /^<([A-Za-z]+)\s*([^>]*)>$/.exec(line);
    const close = /^<\/([A-Za-z]+)\s*>$/.exec(line);
    const top = stack[stack.length - 1]!;
    if (open && !TRANSPARENT.has(open[1]!.toLowerCase())) {
      const section: ApacheSection = { kind: open[1]!.toLowerCase(), arg: open[2]!.trim(), own: [], children: [] };
      top.children.push(section);
      stack.push(section);
    } else if (close && !TRANSPARENT.has(close[1]!.toLowerCase())) {
      if (stack.length > 1 && top.kind === close[1]!.toLowerCase()) stack.pop();
    } else if (!open && !close) top.own.push(line);
  }
  return root;
}

/** The sections of one kind under `section`, at any depth, in file order. */
export function sectionsOf(section: ApacheSection, kinds: string[]): ApacheSection[] {
  return section.children.flatMap((c) => [...(kinds.includes(c.kind) ? [c] : []), ...sectionsOf(c, kinds)]);
}

/** The arguments of each `Name …` directive directly in the section, quotes kept. */
export function directiveArgs(section: ApacheSection, name: string): string[] {
  const re = new RegExp(`^${name}\\s+(.+)$`, "i");
  return section.own.flatMap((line) => re.exec(line)?.[1]?.trim() ?? []);
}

export const unquoted = (v: string) => v.replace(/^["']|["']$/g, "");
