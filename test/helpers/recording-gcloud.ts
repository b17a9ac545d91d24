// A recording gcloud for tests that run a generated setup script for real (setup-secrets.sh,
// setup-database.sh): each call's argv is a line of $LOG_DIR/gcloud.log; the value a `secrets
// versions add` reads from stdin is a `NAME=value` line of $LOG_DIR/stdin.log. Secrets exist
// (describe succeeds, versions list shows one) when EXISTS=1, else none does. Never calls Google.
import { chmod, writeFile } from "node:fs/promises";
import path from "node:path";
import { fakeFunctionsEnv } from "./fake-functions.js";

export const RECORDING_GCLOUD = `#!/usr/bin/env bash
printf '%s\\n' "$*" >>"$LOG_DIR/gcloud.log"
case " $* " in
  *" versions add "*) { printf '%s=' "$4"; cat; printf '\\n'; } >>"$LOG_DIR/stdin.log" ;;
  *" print-access-token "*) echo token ;;
  *" versions list "*) [[ \${EXISTS:-0} == 1 ]] && echo 1 ;;
  *" describe "*) [[ \${EXISTS:-0} == 1 ]] || exit 1 ;;
esac
exit 0
`;

/**
 * Writes the programs (name → script) into `dir` as executables: put `dir` first on the run's PATH,
 * and the entries this returns in its environment, so bash calls them as functions (fake-functions.ts).
 */
export async function writePrograms(
  dir: string,
  programs: Record<string, string>,
): Promise<ReturnType<typeof fakeFunctionsEnv>> {
  for (const [name, script] of Object.entries(programs)) {
    await writeFile(path.join(dir, name), script);
    await chmod(path.join(dir, name), 0o755);
  }
  return fakeFunctionsEnv(Object.keys(programs).map((name) => path.join(dir, name)));
}
