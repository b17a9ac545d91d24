// Django keeps uploads in MEDIA_ROOT, which a settings file usually builds from the project's base
// folder: `os.path.join(BASE_DIR, "mediafiles")`, `BASE_DIR / "media"`, often as the default of an
// environment variable (`os.getenv("MEDIA_ROOT", …)`). The folder is not always called media/
// (Tandoor's mediafiles/), so the conventional names alone miss it.
// https://docs.djangoproject.com/en/stable/ref/settings/#media-root
import path from "node:path";

const SETTINGS_FILE = /(^|\/)settings(\/[^/]+)?\.py$|(^|\/)settings[^/]*\.py$/;
/** `MEDIA_ROOT = …` at the start of a line: the expression up to the end of the line. */
const MEDIA_ROOT = /^MEDIA_ROOT\s*(?::\s*\w+\s*)?=\s*(.+)$/gm;
/** The variable the expression reads first (`os.getenv("MEDIA_ROOT", …)`, `env("MEDIA_ROOT", default=…)`). */
const ENV_READ = /(?:getenv|environ\.get|\benv(?:\.str|\.path)?)\(\s*["'](\w+)["']/;
const QUOTED = /^\s*["']([\w.-]+(?:\/[\w.-]+)*)\/?["']\s*$/;

/** How many folders above the settings file `NAME = …` points: dirname() calls or `.parent` steps. */
function baseDepth(text: string, name: string): number | undefined {
  const line = new RegExp(`^${name}\\s*(?::\\s*\\w+\\s*)?=\\s*(.+)$`, "m").exec(text)?.[1];
  if (!line || !/__file__/.test(line)) return undefined;
  // os.path.join(os.path.dirname(__file__), "..") climbs one more folder per "..".
  const dirnames = (line.match(/\bdirname\(/g)?.length ?? 0) + (line.match(/["']\.\.["']/g)?.length ?? 0);
  if (dirnames) return dirnames;
  const parents = line.match(/\.parent\b(?!s)/g)?.length ?? 0;
  const indexed = /\.parents\[(\d+)\]/.exec(line);
  const steps = parents + (indexed ? Number(indexed[1]) + 1 : 0);
  return steps || undefined;
}

/** The folder under `NAME` the expression names: `os.path.join(NAME, "a", "b")`, `NAME / "a" / "b"`. */
function underBase(expression: string): { base: string; parts: string[] } | undefined {
  const joined = /os\.path\.join\(\s*(\w+)\s*,([^()]+)\)/.exec(expression);
  if (joined) {
    const parts = joined[2]!.split(",").map((p) => QUOTED.exec(p)?.[1]);
    return parts.every((p) => p !== undefined) ? { base: joined[1]!, parts: parts as string[] } : undefined;
  }
  const divided = /\b([A-Z][A-Z0-9_]*)((?:\s*\/\s*["'][\w.-]+["'])+)/.exec(expression);
  if (!divided) return undefined;
  return { base: divided[1]!, parts: [...divided[2]!.matchAll(/["']([\w.-]+)["']/g)].map((m) => m[1]!) };
}

/**
 * MEDIA_ROOT's folder relative to the app's folder, from each Django settings file that builds it
 * from a base folder defined from `__file__`; none when the deployment's environment sets the
 * variable the setting reads (its absolute value is taken as it is).
 */
export function djangoMediaFolders(
  configTexts: { file: string; text: string }[],
  env: Record<string, string>,
): string[] {
  const folders = new Set<string>();
  for (const { file, text } of configTexts) {
    if (!SETTINGS_FILE.test(file)) continue;
    for (const m of text.matchAll(MEDIA_ROOT)) {
      const expression = m[1]!;
      const variable = ENV_READ.exec(expression)?.[1];
      if (variable && env[variable]) continue;
      const under = underBase(expression);
      const depth = under && baseDepth(text, under.base);
      if (!under || !depth) continue;
      let base = file;
      for (let i = 0; i < depth; i++) base = path.posix.dirname(base);
      const folder = path.posix.normalize(path.posix.join(base, ...under.parts));
      if (folder !== "." && !folder.startsWith("..")) folders.add(folder);
    }
  }
  return [...folders];
}
