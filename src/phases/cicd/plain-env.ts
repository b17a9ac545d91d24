// Plain settings carried from the VM (the design's `plainEnv`: DEBUG, RAILS_ENV, ALLOWED_HOSTS…)
// are not secrets, so they do not go through Secret Manager: their values live in
// deploy/cloud-run.env, a file the team fills from the VM's env file and reviews like code. The
// deploy workflow reads it in one step, checks every value, and passes each as a plain env var.
import type { Deployment } from "../../contracts/deployment.js";

export const PLAIN_ENV_FILE = "deploy/cloud-run.env";

/** Every plain setting some target reads, sorted. */
export function plainEnvNames(deployment: Deployment): string[] {
  return [...new Set(deployment.services.flatMap((s) => s.plainEnv ?? []))].sort();
}

/**
 * Public settings the app image's build takes (the design's `buildArgs`: NEXT_PUBLIC_*, VITE_*,
 * REACT_APP_*, which the bundler inlines into the browser code), sorted. Targets built from their
 * own Dockerfile are not the app image.
 */
export function buildArgNames(deployment: Deployment): string[] {
  return [...new Set(deployment.services.filter((s) => !s.source).flatMap((s) => s.buildArgs ?? []))].sort();
}

/**
 * An ERE that `grep -ohE` prints each plain setting's `NAME=value` with, from the VM's files in any
 * of the formats setup-secrets.sh reads: `NAME=value` lines, a PHP-FPM pool's `env[NAME] = value`,
 * a Supervisor program's `environment=A="1",NAME="v"` (the name follows the line start, `[`, `,`,
 * `=` or a space). Only the named settings' values are printed, never the secrets beside them.
 */
export const plainSettingsPattern = (names: readonly string[]): string =>
  `(^|[[,=[:space:]])(${names.join("|")})]?[[:space:]]*=[[:space:]]*[^,;[:space:]]*`;

/**
 * The plan's command that prints each plain setting as `NAME=value`, to copy into
 * deploy/cloud-run.env: the VM's env files (comment lines left out: `# NAME=old` is not a value)
 * and the units' `Environment=` lines, which `systemctl show` prints merged with drop-ins, space
 * between entries (a value holding a space shows as `[unprintable]`, so it never half-prints).
 * The match is cut down to `NAME=value` whatever the format (`env[NAME] = v`, `NAME="v"`).
 * https://www.freedesktop.org/software/systemd/man/latest/systemctl.html (show --property --value)
 */
export function plainSettingsCommand(
  host: string,
  names: readonly string[],
  files: readonly string[],
  units: readonly string[],
): string {
  const reads = [
    ...(files.length ? [`sudo cat -- ${files.join(" ")}`] : []),
    ...(units.length ? [`systemctl show --property=Environment --value ${units.join(" ")} | tr ' ' '\\n'`] : []),
  ];
  const cut = `sed -E 's/^[^A-Za-z_]+//; s/\\]?[[:space:]]*=[[:space:]]*/=/; s/["'"'"']//g'`;
  return `ssh USER@${host} "${reads.join("; ")}" | grep -vE '^[[:space:]]*[#;]' | grep -oE '${plainSettingsPattern(names)}' | ${cut}`;
}

/**
 * The workflow variable ($GITHUB_ENV) that carries each plain setting to the deploy steps: upper
 * case, as shellcheck takes only upper-case names for variables set outside the script (SC2154). A
 * name in the app's own case (Ghost's `url`, `mail__options__host`) gets `PLAIN__`, so that it
 * cannot meet an upper-case name's variable. Names that still meet one (`url` and `Url`, `foo`
 * and `_FOO`: the app reads two settings) get `_2`, `_3`… in sorted order, so each keeps its own.
 */
export function plainEnvVars(names: readonly string[]): Map<string, string> {
  const vars = new Map<string, string>();
  const taken = new Set<string>();
  for (const name of [...new Set(names)].sort()) {
    const base = /[a-z]/.test(name) ? `PLAIN__${name.toUpperCase()}` : `PLAIN_${name}`;
    let variable = base;
    for (let i = 2; taken.has(variable); i++) variable = `${base}_${i}`;
    taken.add(variable);
    vars.set(name, variable);
  }
  return vars;
}

/**
 * Reads deploy/cloud-run.env into $GITHUB_ENV. A missing or empty value stops the deploy: the app
 * would start with the wrong mode or no allowed host. Only characters gcloud and canary.sh take in
 * a flag pass (no spaces, quotes, `*` or `|`, the list delimiter the deploy uses); `*` as a host
 * list is refused on purpose (name the hosts).
 */
export function loadPlainEnvStep(names: readonly string[]): { name: string; run: string } {
  const run = `file=${PLAIN_ENV_FILE}
[[ -f $file ]] || { echo "::error::$file is missing: create it with the VM's values (docs/migration/README.md)"; exit 1; }
load() {
  local value
  value="$(grep -E "^$1=" "$file" | tail -n 1 | cut -d= -f2-)" || true
  [[ -n $value ]] || { echo "::error file=$file::$1 has no value: copy it from the VM's env file"; exit 1; }
  [[ $value =~ ^[A-Za-z0-9_.:=/@%+,-]+$ ]] ||
    { echo "::error file=$file::$1: a plain env var may hold letters, digits and _ . : = / @ % + , - only"; exit 1; }
  echo "$2=$value" >> "$GITHUB_ENV"
}
${[...plainEnvVars(names)].map(([name, variable]) => `load ${name} ${variable}`).join("\n")}
`;
  return { name: `Load the plain settings (${PLAIN_ENV_FILE})`, run };
}

/** The file as first written: the names, with an empty value for each, to fill in from the VM. */
export function plainEnvFile(names: readonly string[]): string {
  return [
    "# Plain (non-secret) settings the Cloud Run services read as env vars: one NAME=value a line.",
    "# Copy each value from the VM's env file. Secrets never go here: they are in Secret Manager",
    "# (scripts/setup-secrets.sh). The deploy refuses an empty value and any character outside",
    "# letters, digits and _ . : = / @ % + , -",
    ...names.map((n) => `${n}=`),
    "",
  ].join("\n");
}
