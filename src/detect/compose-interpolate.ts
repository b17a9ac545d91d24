// Compose's variable interpolation, for the fields init reads as facts (published ports, volume
// paths, image tags): `published: ${APP_PORT:-8080}` is port 8080 unless the project's .env sets
// APP_PORT, and `media:${MEDIA_ROOT:-/app/media}` mounts at /app/media. Without it, a port read
// as `0.0.0.0:${APP_PORT:-8080}` made the whole inventory invalid, and a mount target split at the
// `:` of `:-` was lost. Commands are not interpolated: a variable there is a fact about the command,
// and values from the .env (secrets among them) have no business in the inventory.
// https://docs.docker.com/reference/compose-file/interpolation/

/** `${NAME}` with an operator and its word (`:-`, `-`, `:?`, `?`, `:+`, `+`), innermost first. */
const BRACED = /\$\{([A-Za-z_][A-Za-z0-9_]*)(?:(:?[-?+])((?:[^{}$]|\$(?!\{))*))?\}/;
const BARE = /\$([A-Za-z_][A-Za-z0-9_]*)/g;
/** Stands for `$$` (a literal `$`) while the variables are replaced. */
const DOLLAR = "\u0000";

/**
 * The text as `docker compose` would see it with `vars` (the project's .env) and an empty shell
 * environment: an unset variable without a default is empty, as compose makes it (with a warning).
 * `keepUnset`: such a variable stays as written instead (a script's `$PORT` is a fact, not "").
 */
export function interpolate(
  text: string,
  vars: Readonly<Record<string, string>>,
  { keepUnset = false }: { keepUnset?: boolean } = {},
): string {
  if (!text.includes("$")) return text;
  let out = text.replaceAll("$$", DOLLAR);
  const value = (name: string): string | undefined => (Object.hasOwn(vars, name) ? vars[name] : undefined);
  // Innermost first, so a default may itself hold a variable: `${A:-${B:-x}}`.
  for (let guard = 0; guard < 20; guard++) {
    const m = BRACED.exec(out);
    if (!m) break;
    const [whole, name, op, word = ""] = m as unknown as [string, string, string | undefined, string | undefined];
    const set = value(name!);
    const present = op?.startsWith(":") ? Boolean(set) : set !== undefined;
    let replacement: string;
    if (op?.endsWith("-")) replacement = present ? set! : word;
    else if (op?.endsWith("+")) replacement = present ? word : "";
    else replacement = set ?? (keepUnset ? `${DOLLAR}{${name!}}` : "");
    out = out.slice(0, m.index) + replacement + out.slice(m.index + whole.length);
  }
  return out.replace(BARE, (whole, name: string) => value(name) ?? (keepUnset ? whole : "")).replaceAll(DOLLAR, "$");
}
