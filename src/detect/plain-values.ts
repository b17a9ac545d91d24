// Which settings hold a plain value on the VM: a flag, a small number, a mode, a host name, a path,
// a URL with nothing but a scheme and a host. Such a value goes to Cloud Run as a plain env var (the
// team copies it into deploy/cloud-run.env, a committed file) instead of a Secret Manager secret.
// A wrong "plain" puts a secret in git, so both the name and the value must say so: any name that
// hints at a credential stays secret, whatever its value, and so does any other value.
//
// Only values the ssh read sends unchanged are judged (templates/host/read-host.sh, plain():
// lowercase words, short numbers, addresses, paths, dotted names, single words, and a URL whole
// only when nothing was cut from it), so a disk read and an ssh read agree on every name.
import { SECRET_NAME } from "../contracts/secret-names.js";
import { hasPackage, type AppContext } from "./app-context.js";
import { settingsOf } from "./enrich.js";
import type { ServiceFinding } from "./types.js";

const SHAPES: readonly [RegExp, number][] = [
  // Booleans and modes: true, 0, production, smtp, systemd, prod,mysql; host names without digits.
  [/^[a-z][a-z._,-]*$/, 64],
  [/^[0-9]{1,5}$/, 5],
  // A single capitalised word or a short acronym: Mailgun, SMTP, True.
  [/^[A-Z][a-z]+$/, 16],
  [/^[A-Z]{2,8}$/, 8],
  // Addresses: 127.0.0.1, 0.0.0.0:8000, localhost:25, ::.
  [/^([0-9]+(\.[0-9]+){3}|localhost|\[::1?\])?:[0-9]{1,5}$/, 32],
  [/^([0-9]+(\.[0-9]+){1,3}|::|::1|\[::1?\])$/, 15],
  // An absolute path (a folder the app writes, a socket), possibly with the placeholders a launcher
  // fills in (celery multi's CELERYD_PID_FILE=/run/celery/weblate-%n.pid, systemd's %i).
  [/^\/(?:[A-Za-z0-9._/-]|%[A-Za-z])*$/, 200],
  // A path relative to the working directory that says so (.local-storage, ./uploads, ../data).
  [/^\.\.?\/?[A-Za-z0-9_-][A-Za-z0-9._/-]*$/, 200],
  // A URL with a scheme and a host only (the site's own address): no user, password, path or query.
  [/^[a-z][a-z0-9+.-]*:\/\/[A-Za-z0-9.-]+(:[0-9]+)?\/?$/, 200],
];

// A server's flags (GUNICORN_CMD_ARGS="--bind=127.0.0.1:8000 --workers=3"): flags whose names hint
// at no credential, each value a number, an address, a lowercase word or module:name, a path or "-",
// up to 400 characters (CELERYD_OPTS gives each of celery multi's nodes its own flags).
// Keep in step with read-host.sh's plain() (sv, sf).
const FLAG_VALUE = String.raw`([0-9]{1,5}|[0-9.]*:[0-9]+|[0-9]+[.][0-9]+[.][0-9]+[.][0-9]+|[a-z][a-z._-]*(:[a-z][a-z_]*)?|/[A-Za-z0-9._/-]*|-)`;
// A flag may be scoped to some of `celery multi`'s nodes (`--queues:notify=notify`, `-c:1-3`).
const FLAG = String.raw`--?[a-z][a-z-]*(:[a-z0-9][a-z0-9,-]*)?(=${FLAG_VALUE})?`;
const SERVER_FLAGS = new RegExp(String.raw`^${FLAG}( +(${FLAG}|${FLAG_VALUE}))*$`);
const CREDENTIAL_WORD = /passw|pwd|pass|secret|token|key|credential|auth|salt|cert|dsn/i;

/** Whether `value` is plain by its shape alone (not looking at the name). */
export function plainShape(value: string): boolean {
  if (value.length <= 400 && SERVER_FLAGS.test(value) && !CREDENTIAL_WORD.test(value)) return true;
  return SHAPES.some(([shape, max]) => value.length <= max && shape.test(value));
}

/**
 * The node names `celery multi start` takes from CELERYD_NODES (Celery's daemonizing guide): lowercase
 * words and spaces, judged plain only under such a name (words and spaces elsewhere could be a passphrase).
 */
const NODE_LIST_NAME = /(^|_)NODES$/;
const NODE_LIST = /^[a-z][a-z0-9_-]*( +[a-z][a-z0-9_-]*)*$/;

/** Whether a setting named `name` holding `value` on the VM is a plain setting, not a secret. */
export const isPlainValue = (name: string, value: string): boolean =>
  value !== "" &&
  !SECRET_NAME.test(name) &&
  (plainShape(value) || (NODE_LIST_NAME.test(name) && value.length <= 200 && NODE_LIST.test(value)));

/**
 * The names of `finding.env` whose value on the VM is plain: its unit's values over the app's env
 * files' over the JSON settings nconf reads (the environment wins in nconf, as in systemd).
 */
export function plainEnvOf(finding: ServiceFinding, app: AppContext): string[] {
  const json = hasPackage(app, "node", "nconf") ? settingsOf(finding, app)?.values : undefined;
  const values: Record<string, string> = { ...json, ...app.env, ...finding.envValues };
  return (finding.env ?? []).filter((name) => name in values && isPlainValue(name, values[name]!));
}
