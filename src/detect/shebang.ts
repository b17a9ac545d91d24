// A unit's program that is a script names its interpreter on its first line: the Debian package's
// /usr/bin/odoo starts `#!/usr/bin/env python3`, a gem's or a package's bin script `#!/usr/bin/env
// ruby` or `node`. That is the runtime its process needs when neither the command's words nor the
// app's manifests say (a packaged program in /usr/bin is no checkout's bin/ and no known server).
import type { Runtime } from "../inventory/schema.js";

const INTERPRETERS: [RegExp, Runtime][] = [
  [/^python(\d+(\.\d+)?)?$/, "python"],
  [/^ruby(\d+(\.\d+)?)?$/, "ruby"],
  [/^(node|nodejs)$/, "node"],
  [/^php(\d+(\.\d+)?)?$/, "php"],
];

/**
 * The runtime a script's `#!` line names: `#!/usr/bin/python3`, `#!/usr/bin/env python3`,
 * `#!/usr/bin/env -S node --max-old-space-size=4096`; undefined for a shell or a binary.
 */
export function shebangRuntime(text: string): Runtime | undefined {
  const line = /^#!\s*(\S+)([^\n]*)/.exec(text.slice(0, 300));
  if (!line) return undefined;
  const words = [line[1]!, ...line[2]!.trim().split(/\s+/)].filter(Boolean);
  const first = words[0]!.slice(words[0]!.lastIndexOf("/") + 1);
  const program = first === "env" ? words.slice(1).find((w) => !w.startsWith("-") && !w.includes("=")) : first;
  if (!program) return undefined;
  return INTERPRETERS.find(([re]) => re.test(program))?.[1];
}
