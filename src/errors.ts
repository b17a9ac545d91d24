// One place for typed errors. Engine code throws these; only src/cli/main.ts catches them,
// prints one message (stack only with --debug) and exits with the error's code.

// The README's exit code table lists these; test/errors.test.ts keeps the two in step.
export const ExitCode = {
  ok: 0,
  /** `check`: generated files drifted. */
  drift: 1,
  /** Bad input, usage or configuration (including missing credentials); nothing written. */
  badInput: 2,
  /** The model or provider failed, or a model's answer produced an invalid file; nothing written. */
  provider: 3,
  /** Files edited by hand would be overwritten. */
  refusedOverwrite: 4,
  /** A bug in infra-migrate (EX_SOFTWARE in sysexits.h); nothing written. */
  internal: 70,
  /** Cancelled by the person (Ctrl-C in the wizard): 128 + SIGINT, as a shell reports it; nothing written. */
  cancelled: 130,
} as const;
export type ExitCodeValue = (typeof ExitCode)[keyof typeof ExitCode];

export interface ErrorLocation {
  file: string;
  line?: number;
  column?: number;
  /** Key path inside the document, e.g. `services[2].listen[0]`. */
  path?: string;
}

export class InfraMigrateError extends Error {
  readonly exitCode: ExitCodeValue;
  readonly hint?: string;
  /** Short machine-readable code for --json output, e.g. `inventory.invalid`. */
  readonly code: string;

  constructor(code: string, message: string, exitCode: ExitCodeValue, hint?: string, options?: { cause?: unknown }) {
    super(message, options);
    this.name = new.target.name;
    this.code = code;
    this.exitCode = exitCode;
    this.hint = hint;
  }

  toJSON(): Record<string, unknown> {
    return { code: this.code, message: this.message, exitCode: this.exitCode, hint: this.hint };
  }
}

/** One located problem in an input file. */
export interface InputIssue extends ErrorLocation {
  message: string;
}

export function formatIssue(issue: InputIssue): string {
  const where = [issue.file, issue.line, issue.column].filter((part) => part !== undefined).join(":");
  return issue.path ? `${where} ${issue.path}: ${issue.message}` : `${where}: ${issue.message}`;
}

/** Bad input or usage: exit 2, nothing written. */
export class InputError extends InfraMigrateError {
  readonly issues: InputIssue[];

  constructor(message: string, issues: InputIssue[] = [], hint?: string, code = "input.invalid") {
    const detail = issues.length ? `${message}\n${issues.map((i) => `  ${formatIssue(i)}`).join("\n")}` : message;
    super(code, detail, ExitCode.badInput, hint);
    this.issues = issues;
  }

  override toJSON(): Record<string, unknown> {
    return { ...super.toJSON(), issues: this.issues };
  }
}

/** The model or provider failed (network, quota, safety, schema): exit 3. */
export class ProviderError extends InfraMigrateError {
  constructor(message: string, hint?: string, options?: { cause?: unknown; code?: string }) {
    super(options?.code ?? "provider.failed", message, ExitCode.provider, hint, options);
  }
}

/**
 * A generated artifact failed our own validation, or a value refused to go into one: exit 3,
 * nothing written. When the value came from our offline rules rather than a model, the runner
 * turns this into an InternalError (a bug in the generator, exit 70).
 */
export class GenerationError extends InfraMigrateError {
  readonly findings: string[];

  constructor(message: string, findings: string[], hint?: string) {
    super("generation.invalid", `${message}\n${findings.map((f) => `  ${f}`).join("\n")}`, ExitCode.provider, hint);
    this.findings = findings;
  }

  override toJSON(): Record<string, unknown> {
    return { ...super.toJSON(), findings: this.findings };
  }
}

/** Files edited by the user would be overwritten: exit 4. */
export class OverwriteRefusedError extends InfraMigrateError {
  readonly files: string[];

  constructor(files: string[]) {
    super(
      "write.refused",
      `Refusing to overwrite ${files.length} file(s) edited since they were generated:\n${files.map((f) => `  ${f}`).join("\n")}`,
      ExitCode.refusedOverwrite,
      "Move the change into the inventory or config (or the file aside); --force overwrites them and keeps a copy of each under .infra-migrate/backup/.",
    );
    this.files = files;
  }

  override toJSON(): Record<string, unknown> {
    return { ...super.toJSON(), files: this.files };
  }
}

const REPORT_HINT = "This is a bug in infra-migrate: please report it with your inventory (--debug shows the stack).";

/** A bug in infra-migrate itself: our own rules produced an invalid file, or an unexpected exception. */
export class InternalError extends InfraMigrateError {
  readonly findings: string[];

  constructor(message: string, findings: string[] = [], options?: { cause?: unknown; code?: string }) {
    const detail = findings.length ? `${message}\n${findings.map((f) => `  ${f}`).join("\n")}` : message;
    super(options?.code ?? "internal", detail, ExitCode.internal, REPORT_HINT, options);
    this.findings = findings;
  }

  override toJSON(): Record<string, unknown> {
    return { ...super.toJSON(), findings: this.findings };
  }
}

/** The person pressed Ctrl-C at a question: not a failure, so no "error:" and no report hint. */
export class CancelledError extends InfraMigrateError {
  constructor() {
    super("cancelled", "Cancelled — nothing written.", ExitCode.cancelled);
  }
}
