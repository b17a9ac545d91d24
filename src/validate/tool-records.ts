// What a run keeps about this machine's tools between runs (in the verdict file): the tool's
// own fingerprint under its files' stamp, and the Python probe's answer under the identities of
// the interpreter and pyflakes. Types only, shared by verdicts.ts and the validators.
import type { KeptFingerprint } from "../tool-fingerprint.js";

export interface PythonInfo {
  path: string;
  hasFastapi: boolean;
  hasPytest: boolean;
  hasPyflakes: boolean;
  /** `sys.version` of the interpreter. */
  version?: string;
  /** Where pyflakes was imported from (its version decides what it reports). */
  pyflakesFile?: string;
}

export interface ToolRecords {
  fingerprint?: KeptFingerprint;
  python?: { candidates: string[]; interpreter: string; pyflakes: string; info: PythonInfo };
}
