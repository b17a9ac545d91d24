// Django copies every app's static files into STATIC_ROOT (`manage.py collectstatic`) for the front
// server to serve at STATIC_URL: files built from the code at each release, never user files,
// wherever the folder sits. Weblate's settings put it in its data directory
// (`STATIC_ROOT = os.path.join(CACHE_DIR, "static")`, `CACHE_DIR = f"{DATA_DIR}/cache"`,
// `DATA_DIR = "/home/weblate/data"`), where its nginx serves /static/ from: read as the data
// directory's files, the folder would be copied and mounted as state.
// https://docs.djangoproject.com/en/stable/ref/settings/#static-root
// https://docs.djangoproject.com/en/stable/ref/contrib/staticfiles/#collectstatic
import path from "node:path";

const SETTINGS_FILE = /(^|\/)settings(\/[^/]+)?\.py$|(^|\/)settings[^/]*\.py$/;
/** `NAME = …` at the start of a line (a type annotation allowed): the expression to the line's end. */
const ASSIGNMENT = /^([A-Z][A-Z0-9_]*)\s*(?::\s*[\w.[\]]+\s*)?=\s*(.+?)\s*$/gm;
const STRING = /^(["'])([^"'\\{}]*)\1$/;
const F_STRING = /^f(["'])([^"'\\]*)\1$/;
/** A call's name and its arguments, when the arguments hold no call or bracket of their own. */
const CALL = /^([\w.]+)\((.*)\)$/;
const ENV_READS = new Set(["os.getenv", "os.environ.get", "getenv", "environ.get", "env", "env.str", "env.path"]);

/** The words of a flat argument list split at its commas (none inside quotes or brackets). */
function splitArgs(args: string): string[] | undefined {
  const out: string[] = [];
  let depth = 0;
  let quote = "";
  let start = 0;
  for (let i = 0; i < args.length; i++) {
    const c = args[i]!;
    if (quote) {
      if (c === quote) quote = "";
    } else if (c === '"' || c === "'") quote = c;
    else if ("([{".includes(c)) depth++;
    else if (")]}".includes(c)) depth--;
    else if (c === "," && depth === 0) {
      out.push(args.slice(start, i).trim());
      start = i + 1;
    }
    if (depth < 0) return undefined;
  }
  if (quote || depth) return undefined;
  const last = args.slice(start).trim();
  if (last) out.push(last);
  return out;
}

/**
 * The folder a `__file__`-based expression names: `os.path.dirname(os.path.abspath(__file__))`
 * climbs once per dirname(), `Path(__file__).resolve().parent.parent` once per parent.
 */
function fileBase(expression: string, file: string): string | undefined {
  if (!/__file__/.test(expression)) return undefined;
  const dirnames = expression.match(/\bdirname\(/g)?.length ?? 0;
  const parents = expression.match(/\.parent\b(?!s)/g)?.length ?? 0;
  const indexed = /\.parents\[(\d+)\]/.exec(expression);
  const steps = dirnames + parents + (indexed ? Number(indexed[1]) + 1 : 0);
  if (!steps) return undefined;
  let base = file;
  for (let i = 0; i < steps; i++) base = path.posix.dirname(base);
  return base;
}

/**
 * The value of a settings expression built from strings and names already set: a string, an
 * f-string of names, `os.path.join(…)`, `A / "b"`, `str(…)`/`Path(…)`, an environment read with
 * its default; undefined for anything else.
 */
function evaluate(
  expression: string,
  names: ReadonlyMap<string, string>,
  file: string,
  env: Record<string, string>,
): string | undefined {
  const e = expression.replace(/\s+#[^"']*$/, "").trim();
  const literal = STRING.exec(e);
  if (literal) return literal[2];
  const f = F_STRING.exec(e);
  if (f) {
    let unknown = false;
    const value = f[2]!.replace(/\{([A-Za-z_]\w*)\}/g, (_, name: string) => names.get(name) ?? ((unknown = true), ""));
    return unknown || /[{}]/.test(value) ? undefined : value;
  }
  if (/^[A-Za-z_]\w*$/.test(e)) return names.get(e);
  const divided = /^([A-Za-z_]\w*)((?:\s*\/\s*["'][\w.-]+["'])+)$/.exec(e);
  if (divided) {
    const start = names.get(divided[1]!);
    const parts = [...divided[2]!.matchAll(/["']([\w.-]+)["']/g)].map((m) => m[1]!);
    return start === undefined ? undefined : path.posix.join(start, ...parts);
  }
  const call = CALL.exec(e);
  const args = call ? splitArgs(call[2]!) : undefined;
  if (!call || !args?.length) return fileBase(e, file);
  const fn = call[1]!;
  if (fn === "str" || fn === "Path" || fn === "pathlib.Path" || fn === "os.path.abspath" || fn === "os.path.normpath")
    return args.length === 1 ? evaluate(args[0]!, names, file, env) : undefined;
  if (fn === "os.path.join") {
    const values = args.map((a) => evaluate(a, names, file, env));
    if (values.some((v) => v === undefined)) return undefined;
    // os.path.join starts again at an absolute part, as path.posix.resolve does.
    return path.posix.resolve("/", ...(values as string[]));
  }
  if (ENV_READS.has(fn)) {
    const name = STRING.exec(args[0]!)?.[2];
    if (!name) return undefined;
    if (env[name]) return env[name];
    const fallback = args[1]?.replace(/^default\s*=\s*/, "");
    return fallback === undefined ? undefined : evaluate(fallback, names, file, env);
  }
  return fileBase(e, file);
}

/**
 * The absolute folder each Django settings file sets STATIC_ROOT to, its names read top to bottom
 * (the last assignment wins, as in Python); `appPath` is where the files were read on the VM
 * (`file` relative to it), for settings built from `__file__`. Only an absolute folder counts.
 */
export function djangoStaticRoots(
  configTexts: { file: string; text: string }[],
  appPath: string | undefined,
  env: Record<string, string> = {},
): string[] {
  const roots = new Set<string>();
  for (const { file, text } of configTexts) {
    if (!SETTINGS_FILE.test(file)) continue;
    const onVm = path.posix.join(appPath ?? "/", file);
    const names = new Map<string, string>();
    for (const m of text.matchAll(ASSIGNMENT)) {
      const value = evaluate(m[2]!, names, onVm, env);
      if (value === undefined) names.delete(m[1]!);
      else names.set(m[1]!, value);
    }
    const root = names.get("STATIC_ROOT");
    // Relative to what, when the settings were read without the VM's path, is not known.
    if (root?.startsWith("/") && (appPath || !/__file__/.test(text)))
      roots.add(path.posix.normalize(root).replace(/(.)\/+$/, "$1"));
  }
  return [...roots];
}
