// The `init` use case: option checks → detection (repo, this machine, a disk copy or a VM over
// ssh) → answers (from flags and detection, or from the caller's interactive wizard) → plan →
// writer → report. Prints nothing: the caller gets a `detected` event before answers are
// collected (so a person sees what was found before being asked) and the report at the end.
import { stat } from "node:fs/promises";
import path from "node:path";
import { z } from "zod";
import { detectRepo } from "../detect/detect-repo.js";
import { parseSshTarget, type SshTarget } from "../detect/ssh-host.js";
import type { DetectedFacts } from "../detect/types.js";
import { InputError, type InputIssue } from "../errors.js";
import type { Answers } from "../init/answers.js";
import { answersFromFlags } from "../init/flags.js";
import { buildInitPlan } from "../init/init-plan.js";
import { withDetectedFacts } from "../init/provenance.js";
import { resolveAnswers, type Origin } from "../init/resolve.js";
import { readSavedProject, type SavedProject } from "../init/saved-answers.js";
import { toolVersion } from "../package-root.js";
import { applyPlans } from "../write/writer.js";
import type { ChangedFile } from "./generate.js";

const settingsSchema = z.object({
  from: z.string().min(1).optional(),
  fromHost: z.union([z.boolean(), z.string().min(1)]).optional(),
  hostSudo: z.boolean().optional(),
  out: z.string().min(1).optional(),
  yes: z.boolean().optional(),
  force: z.boolean().optional(),
  dryRun: z.boolean().optional(),
  ci: z.boolean().optional(),
});

export interface CollectedAnswers {
  answers: Answers;
  origins: Partial<Record<keyof Answers, Origin>>;
}

/** Asks a person: given the detected facts, the flag answers and the saved ones, returns every answer. */
export type AskAnswers = (request: {
  facts: DetectedFacts;
  given: Answers;
  /** Answers read back from the inventory and config already in the target repository. */
  saved: Answers;
  acceptDetected: boolean;
}) => Promise<CollectedAnswers>;

export type InitEvent =
  | { type: "reading-ssh"; destination: string }
  | { type: "detected"; fromDir: string; machine?: { ssh?: string; root?: string }; facts: DetectedFacts }
  /** Files already in the target repository: their answers are the starting point (or could not be read). */
  | { type: "saved"; files: string[]; unreadable: SavedProject["unreadable"] };

export interface InitOptions {
  /** The command's flags as parsed: --from, --from-host, --out, --yes… and one per question. */
  flags: Record<string, unknown>;
  cwd: string;
  /** Interactive wizard; without it, answers come from flags (and detection with --yes) only. */
  ask?: AskAnswers;
  onEvent?: (event: InitEvent) => void;
}

export interface InitReport {
  ok: true;
  command: "init";
  dryRun: boolean;
  from: string;
  outDir: string;
  files: Omit<ChangedFile, "phase">[];
  /** With --force: each overwritten hand-edited file and where its copy was kept. */
  backups: { path: string; copy: string }[];
  inventoryHash: string;
  answers: Record<string, { value: unknown; from: Origin | undefined }>;
  detected: Omit<DetectedFacts, "dir"> & { dir?: undefined };
  warnings: InputIssue[];
}

function shown(value: unknown): string {
  if (Array.isArray(value) && value.every((v) => typeof v === "object")) return `${value.length} service(s)`;
  return Array.isArray(value) ? value.join("-") : String(value);
}

const usage = (message: string, flag: string, detail: string, hint?: string) =>
  new InputError(message, [{ file: "command line", path: flag, message: detail }], hint, "usage.invalid");

async function isDirectory(dir: string): Promise<boolean> {
  return stat(dir).then(
    (info) => info.isDirectory(),
    () => false,
  );
}

function answersWithoutAsking(given: Answers, facts: DetectedFacts, yes: boolean, saved: Answers): CollectedAnswers {
  const resolution = resolveAnswers(given, facts, yes, saved);
  if (resolution.missing.length === 0) return { answers: resolution.answers, origins: resolution.origins };
  const detectedSome = resolution.missing.some((m) => m.detected !== undefined);
  throw new InputError(
    `init cannot ask questions here (no TTY, CI=true or --json) and ${resolution.missing.length} answer(s) are missing`,
    resolution.missing.map((m) => ({
      file: "command line",
      path: m.flagArg ? `${m.flag} ${m.flagArg}` : m.flag,
      message: `${m.message}${m.detected !== undefined ? ` (detected: ${shown(m.detected)}; --yes accepts it)` : ""}`,
    })),
    detectedSome
      ? "Pass the flags above, or --yes to accept the detected values; or run init in a terminal to be asked."
      : "Pass the flags above, or run init in a terminal to be asked.",
    "init.missing",
  );
}

async function detect(
  fromDir: string,
  ssh: SshTarget | undefined,
  hostRoot: string | undefined,
  sudo: boolean,
  onEvent: InitOptions["onEvent"],
): Promise<DetectedFacts> {
  if (!ssh) return detectRepo(fromDir, hostRoot ? { host: { root: hostRoot } } : {});
  onEvent?.({ type: "reading-ssh", destination: ssh.destination });
  const collected = await (await import("../detect/ssh-host.js")).collectOverSsh(ssh, { sudo });
  try {
    const facts = await detectRepo(fromDir, {
      host: { root: collected.root, readListeners: async () => collected.listeners },
    });
    for (const dir of collected.unreadable)
      facts.evidence.push({
        file: dir,
        found: `not readable as ${ssh.destination}: add --host-sudo (passwordless sudo) or connect as root to include it`,
      });
    facts.warnings = [...(facts.warnings ?? []), ...collected.warnings];
    return facts;
  } finally {
    await collected.cleanup();
  }
}

/** The `path` of a warning about reading the machine (its `file` is the ssh URL or the root). */
export const HOST_WARNING_PATH = "--from-host";

export async function initProject(options: InitOptions): Promise<InitReport> {
  const { cwd, flags } = options;
  const parsed = settingsSchema.safeParse(flags);
  if (!parsed.success) {
    throw new InputError(
      "Invalid option",
      parsed.error.issues.map((i) => ({ file: "command line", path: `--${String(i.path[0])}`, message: i.message })),
      undefined,
      "usage.invalid",
    );
  }
  const settings = parsed.data;
  const fromDir = path.resolve(cwd, settings.from ?? ".");
  const outDir = path.resolve(cwd, settings.out ?? ".");
  const fromHost = settings.fromHost === false ? undefined : settings.fromHost;
  const sshUrl = typeof fromHost === "string" && fromHost.startsWith("ssh://") ? fromHost : undefined;
  const ssh = sshUrl ? parseSshTarget(sshUrl) : undefined;
  if (sshUrl && !ssh)
    throw usage(
      `--from-host ${sshUrl} is not an ssh URL`,
      "--from-host",
      "expected ssh://[user@]host[:port]",
      "For example: --from-host ssh://deploy@app-vm-01",
    );
  if (settings.hostSudo && !ssh)
    throw usage(
      "--host-sudo needs --from-host ssh://…",
      "--host-sudo",
      "only the ssh mode runs a script on another machine; on the VM itself, run init with sudo",
    );
  const hostRoot = fromHost === undefined || ssh ? undefined : fromHost === true ? "/" : path.resolve(cwd, fromHost);
  // A typo in a path must not look like "nothing found there".
  for (const [flag, dir] of [
    ["--from", fromDir],
    ["--from-host", hostRoot],
  ] as const) {
    if (dir !== undefined && !(await isDirectory(dir)))
      throw usage(
        `${flag} ${dir} is not a directory`,
        flag,
        `no directory at ${dir}`,
        "Give the repository (--from) or the VM's root (--from-host) as an existing directory.",
      );
  }
  const facts = await detect(fromDir, ssh, hostRoot, settings.hostSudo === true, options.onEvent);
  options.onEvent?.({
    type: "detected",
    fromDir,
    machine: ssh ? { ssh: ssh.destination } : hostRoot ? { root: hostRoot } : undefined,
    facts,
  });

  const { given, issues } = answersFromFlags(flags);
  if (issues.length)
    throw new InputError(
      "Invalid init option",
      issues,
      "Run `infra-migrate init --help` for the formats.",
      "usage.invalid",
    );
  const yes = settings.yes === true;
  const saved = await readSavedProject(outDir);
  const savedFiles = [saved.inventory?.path, saved.config?.path].filter((f): f is string => f !== undefined);
  if (savedFiles.length || saved.unreadable.length)
    options.onEvent?.({ type: "saved", files: savedFiles, unreadable: saved.unreadable });
  const collected = options.ask
    ? await options.ask({ facts, given, saved: saved.answers, acceptDetected: yes })
    : answersWithoutAsking(given, facts, yes, saved.answers);
  const answers: Answers = withDetectedFacts(collected.answers, collected.origins, facts);
  const workflow = settings.ci ? (await import("../ci/reports-workflow.js")).renderReportsWorkflow() : undefined;
  const init = buildInitPlan(answers, {
    toolVersion: toolVersion(),
    workflow,
    existing: { inventory: saved.inventory, config: saved.config },
  });
  const written = await applyPlans([init.plan], {
    outDir,
    toolVersion: toolVersion(),
    dryRun: settings.dryRun,
    force: settings.force,
  });
  return {
    ok: true,
    command: "init",
    dryRun: settings.dryRun === true,
    from: fromDir,
    outDir,
    files: written.changes.map((c) => ({ path: c.path, action: c.action, ...(c.reason ? { reason: c.reason } : {}) })),
    backups: written.backups,
    inventoryHash: init.inventoryHash,
    answers: Object.fromEntries(
      Object.entries(answers).map(([key, value]) => [key, { value, from: collected.origins[key as keyof Answers] }]),
    ),
    detected: { ...facts, dir: undefined },
    // What kept the reading of the machine from being complete, beside the loader's warnings.
    warnings: [
      ...init.warnings,
      ...(facts.warnings ?? []).map((message) => ({
        file: sshUrl ?? hostRoot ?? fromDir,
        path: HOST_WARNING_PATH,
        message,
      })),
    ],
  };
}
