// Fake programs (a recording gcloud, curl, ssh…) called by the scripts a test runs for real, as
// shell functions instead of processes: test/helpers/fake-functions.bash says how and why.
import { readdirSync } from "node:fs";
import path from "node:path";

const BASH_ENV = path.join(import.meta.dirname, "fake-functions.bash");

/**
 * Environment entries under which every bash runs each of `programs` (absolute paths of fake
 * programs; a function takes the file's name) in a subshell instead of a new process.
 */
export function fakeFunctionsEnv(programs: string[]): { BASH_ENV: string; FAKE_FUNCTIONS: string } {
  for (const p of programs)
    if (!path.isAbsolute(p) || p.includes(":") || !/^[a-z][a-z0-9-]*$/.test(path.basename(p)))
      throw new Error(`fakeFunctionsEnv: ${p} is not an absolute path to a program with a plain name`);
  return { BASH_ENV, FAKE_FUNCTIONS: programs.join(":") };
}

/** test/fixtures/fake-bin: the fakes scripts of the generated output run against (gcloud, curl, gh). */
export const FIXTURE_FAKE_BIN = path.resolve(import.meta.dirname, "../fixtures/fake-bin");

/** fakeFunctionsEnv for every program of test/fixtures/fake-bin: add it where that folder leads PATH. */
export const FIXTURE_FAKE_FUNCTIONS = fakeFunctionsEnv(
  readdirSync(FIXTURE_FAKE_BIN)
    .sort()
    .map((name) => path.join(FIXTURE_FAKE_BIN, name)),
);
