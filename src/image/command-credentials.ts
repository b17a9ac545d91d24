// A credential on a process's command line (`rake … password=S3cret`, `--password=…`, `mysql -pS3cret`)
// is redacted when the inventory is read: the command keeps `<redacted:password>` in its place.
// Read as shell words, `<` is an input redirection and the marker vanishes, leaving `password=`:
// a job deployed like that runs on schedule and fails to log in, silently. So the marker becomes
// a word of its own (CREDENTIAL), and the deploy carries the value as a Secret Manager secret in
// an env var named for the process and the argument. Cloud Run's container args are not expanded
// ("Variable references are not supported in Cloud Run"), so the command goes through `sh -c`,
// which reads the variable: https://cloud.google.com/run/docs/reference/rest/v1/Container
const MARKER = /<redacted:[a-z-]+>/g;

/** What a redacted credential becomes in a command's words: a plain word no real argument holds. */
export const CREDENTIAL = "%CREDENTIAL%";

/** The command with each redaction marker as CREDENTIAL, so shell parsing keeps its place. */
export const markCredentials = (command: string): string => command.replace(MARKER, CREDENTIAL);

export const carriesCredential = (argv: readonly string[]): boolean => argv.some((w) => w.includes(CREDENTIAL));

/** A word of the command that sh passes on as it is. */
const PLAIN = /^[A-Za-z0-9_.:=/@%+,-]{1,200}$/;

export type CarriedCommand =
  { ok: true; argv: string[]; secrets: string[]; shown: string } | { ok: false; reason: string };

const envPart = (text: string): string =>
  text
    .toUpperCase()
    .replace(/[^A-Z0-9]+/g, "_")
    .replace(/^_+|_+$/g, "");

/** The argument a credential is the value of: `password=X`, `--password=X`, `--password X`, `-pX` (mysql's password). */
function argumentName(argv: readonly string[], i: number): string | undefined {
  const word = argv[i]!;
  const at = word.indexOf(CREDENTIAL);
  const before = word.slice(0, at);
  const assigned = /^-{0,2}([A-Za-z][\w.-]*)[=:]$/.exec(before);
  if (assigned) return assigned[1];
  const short = /^-([A-Za-z])$/.exec(before);
  if (short) return short[1] === "p" ? "password" : short[1];
  if (before === "" && word === CREDENTIAL) {
    const flag = /^--?([A-Za-z][\w-]*)$/.exec(argv[i - 1] ?? "");
    if (flag && i > 1) return flag[1] === "p" ? "password" : flag[1];
  }
  return undefined;
}

/**
 * The argv that runs `argv` with each credential read from its env var: `["sh", "-c", "exec …
 * password=\"$JOB_PASSWORD\""]`. The secrets are the env var names (the Secret Manager ids).
 * Not carried (a reason instead) when a credential is not an argument's value or a word needs quoting.
 */
export function carryCredentials(processName: string, argv: readonly string[]): CarriedCommand {
  const secrets: string[] = [];
  const words: string[] = [];
  for (let i = 0; i < argv.length; i++) {
    const word = argv[i]!;
    if (!word.includes(CREDENTIAL)) {
      if (!PLAIN.test(word)) return { ok: false, reason: `"${word}" would need quoting inside sh -c` };
      words.push(word);
      continue;
    }
    const name = i > 0 && word.split(CREDENTIAL).length === 2 ? argumentName(argv, i) : undefined;
    if (!name)
      return { ok: false, reason: `its redacted credential in "${word}" is not the value of a named argument` };
    const env = `${envPart(processName)}_${envPart(name)}`.slice(0, 120);
    if (!secrets.includes(env)) secrets.push(env);
    words.push(word.replace(CREDENTIAL, `"$${env}"`));
  }
  if (secrets.length === 0) return { ok: false, reason: "it carries no redacted credential" };
  const script = `exec ${words.join(" ")}`;
  return { ok: true, argv: ["sh", "-c", script], secrets, shown: words.join(" ") };
}
