// Once per `vitest run`: a folder the test files share for outputs that take a whole CLI run to
// make (seed-output.ts builds each on first use, whichever file asks first, and hands every test
// its own copy). Nothing is generated here, so a run of unrelated files pays nothing.
//
// In that folder, ShellCheck's verdicts for the run: test/helpers/shellcheck-verdicts/shellcheck
// goes first on PATH (the workers are started after this, with this process's environment, and
// the CLI processes they start inherit it) and answers a script it has already seen from its
// verdict, keyed by the real binary, the options and the script's bytes. Only where the real
// ShellCheck and /usr/bin/python3 exist: without ShellCheck the tests must see none and skip.
import { accessSync, constants, mkdirSync, mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import type { TestProject } from "vitest/node";

declare module "vitest" {
  export interface ProvidedContext {
    /** Where shared generated outputs live for this run (seed-output.ts). */
    sharedOutputsDir: string;
  }
}

export const SHELLCHECK_VERDICTS_BIN = path.join(import.meta.dirname, "shellcheck-verdicts");

const executable = (file: string) => {
  try {
    accessSync(file, constants.X_OK);
    return true;
  } catch {
    return false;
  }
};

/** PATH with the verdict-keeping ShellCheck first, when a real ShellCheck is on `envPath`. */
export function pathWithShellcheckVerdicts(envPath: string): string | undefined {
  const dirs = envPath.split(path.delimiter).filter((d) => d && path.resolve(d) !== SHELLCHECK_VERDICTS_BIN);
  if (!executable("/usr/bin/python3") || !dirs.some((d) => executable(path.join(d, "shellcheck")))) return undefined;
  return [SHELLCHECK_VERDICTS_BIN, ...dirs].join(path.delimiter);
}

export default function setup(project: TestProject): () => void {
  const dir = mkdtempSync(path.join(tmpdir(), "im-shared-"));
  project.provide("sharedOutputsDir", dir);
  // Each project of vitest.config.ts runs this setup; the first one sets the verdicts up for all.
  const saved = { PATH: process.env.PATH, IM_TEST_SHELLCHECK_VERDICTS: process.env.IM_TEST_SHELLCHECK_VERDICTS };
  const withVerdicts = saved.IM_TEST_SHELLCHECK_VERDICTS ? undefined : pathWithShellcheckVerdicts(saved.PATH ?? "");
  if (withVerdicts) {
    const verdicts = path.join(dir, "shellcheck-verdicts");
    mkdirSync(verdicts);
    process.env.PATH = withVerdicts;
    process.env.IM_TEST_SHELLCHECK_VERDICTS = verdicts;
  }
  return () => {
    if (withVerdicts) {
      process.env.PATH = saved.PATH;
      delete process.env.IM_TEST_SHELLCHECK_VERDICTS;
    }
    rmSync(dir, { recursive: true, force: true });
  };
}
