// The body of `infra-migrate init`: detect → answers (wizard or flags) → plan → writer → summary.
// Loaded only when init runs; inquirer only when a person is being asked.
import { stat } from "node:fs/promises";
import path from "node:path";
import { z } from "zod";
import { detectRepo } from "../../detect/detect-repo.js";
import { parseSshTarget } from "../../detect/ssh-host.js";
import { InputError } from "../../errors.js";
import type { Answers } from "../../init/answers.js";
import { answersFromFlags } from "../../init/flags.js";
import { buildInitPlan } from "../../init/init-plan.js";
import { withDetectedFacts } from "../../init/provenance.js";
import { resolveAnswers, type Origin } from "../../init/resolve.js";
import { toolVersion } from "../../package-root.js";
import { applyPlans } from "../../write/writer.js";
import type { Output } from "../output.js";

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

function shown(value: unknown): string {
  if (Array.isArray(value) && value.every((v) => typeof v === "object")) return `${value.length} service(s)`;
  return Array.isArray(value) ? value.join("-") : String(value);
}

async function collectAnswers(
  raw: Record<string, unknown>,
  out: Output,
  facts: Awaited<ReturnType<typeof detectRepo>>,
  yes: boolean,
) {
  const { given, issues } = answersFromFlags(raw);
  if (issues.length)
    throw new InputError(
      "Invalid init option",
      issues,
      "Run `infra-migrate init --help` for the formats.",
      "usage.invalid",
    );
  // --json is for machines: they do not answer questions, so it never prompts either.
  if (out.interactive && !out.json) {
    const [{ createInquirerPrompter }, { runWizard }] = await Promise.all([
      import("./prompter.js"),
      import("./run-wizard.js"),
    ]);
    return runWizard({
      facts,
      given,
      acceptDetected: yes,
      prompter: await createInquirerPrompter(),
      say: (line) => out.info(line),
    });
  }
  const resolution = resolveAnswers(given, facts, yes);
  if (resolution.missing.length) {
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
  return { answers: resolution.answers, origins: resolution.origins };
}

export async function runInitCommand(raw: Record<string, unknown>, out: Output, cwd = process.cwd()): Promise<number> {
  const parsed = settingsSchema.safeParse(raw);
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
  if (sshUrl && !ssh) {
    throw new InputError(
      `--from-host ${sshUrl} is not an ssh URL`,
      [{ file: "command line", path: "--from-host", message: "expected ssh://[user@]host[:port]" }],
      "For example: --from-host ssh://deploy@app-vm-01",
      "usage.invalid",
    );
  }
  if (settings.hostSudo && !ssh) {
    throw new InputError(
      "--host-sudo needs --from-host ssh://…",
      [
        {
          file: "command line",
          path: "--host-sudo",
          message: "only the ssh mode runs a script on another machine; on the VM itself, run init with sudo",
        },
      ],
      undefined,
      "usage.invalid",
    );
  }
  const hostRoot = fromHost === undefined || ssh ? undefined : fromHost === true ? "/" : path.resolve(cwd, fromHost);
  // A typo in a path must not look like "nothing found there".
  for (const [flag, dir] of [
    ["--from", fromDir],
    ["--from-host", hostRoot],
  ] as const) {
    if (
      dir !== undefined &&
      !(await stat(dir).then(
        (i) => i.isDirectory(),
        () => false,
      ))
    ) {
      throw new InputError(
        `${flag} ${dir} is not a directory`,
        [{ file: "command line", path: flag, message: `no directory at ${dir}` }],
        "Give the repository (--from) or the VM's root (--from-host) as an existing directory.",
        "usage.invalid",
      );
    }
  }
  let facts: Awaited<ReturnType<typeof detectRepo>>;
  if (ssh) {
    if (!out.json) out.info(out.c.dim(`Reading ${ssh.destination} over ssh (read-only)…`));
    const collected = await (
      await import("../../detect/ssh-host.js")
    ).collectOverSsh(ssh, { sudo: settings.hostSudo === true });
    try {
      facts = await detectRepo(fromDir, {
        host: { root: collected.root, readListeners: async () => collected.listeners },
      });
      for (const dir of collected.unreadable)
        facts.evidence.push({
          file: dir,
          found: `not readable as ${ssh.destination}: add --host-sudo (passwordless sudo) or connect as root to include it`,
        });
    } finally {
      await collected.cleanup();
    }
  } else {
    facts = await detectRepo(fromDir, hostRoot ? { host: { root: hostRoot } } : {});
  }
  if (!out.json) {
    const machine = ssh
      ? ` and ${ssh.destination}`
      : hostRoot
        ? ` and this machine${hostRoot === "/" ? "" : ` (root ${hostRoot})`}`
        : "";
    out.info(out.c.bold(`Reading ${path.relative(cwd, fromDir) || "."}${machine} for defaults:`));
    for (const e of facts.evidence) out.info(`  ${out.c.dim(e.file)} ${e.found}`);
    if (facts.evidence.length === 0)
      out.info(
        out.c.dim("  nothing recognised (no requirements.txt, Procfile, unit files, compose file, package.json)"),
      );
  }
  const collected = await collectAnswers(raw, out, facts, settings.yes === true);
  const { origins } = collected;
  const answers: Answers = withDetectedFacts(collected.answers, origins, facts);
  const workflow = settings.ci ? (await import("../../ci/reports-workflow.js")).renderReportsWorkflow() : undefined;
  const init = buildInitPlan(answers, { toolVersion: toolVersion(), workflow });
  const report = await applyPlans([init.plan], {
    outDir,
    toolVersion: toolVersion(),
    dryRun: settings.dryRun,
    force: settings.force,
  });

  if (out.json) {
    out.emitJson({
      ok: true,
      command: "init",
      dryRun: settings.dryRun === true,
      from: fromDir,
      outDir,
      files: report.changes.map((c) => ({ path: c.path, action: c.action, ...(c.reason ? { reason: c.reason } : {}) })),
      inventoryHash: init.inventoryHash,
      answers: answerSummary(answers, origins),
      detected: { ...facts, dir: undefined },
      warnings: init.warnings,
    });
    return 0;
  }
  for (const w of init.warnings) out.warn(`${out.c.yellow("warning:")} ${w.path ?? ""} ${w.message}`);
  for (const c of report.changes) {
    const mark = {
      create: out.c.green("create"),
      update: out.c.yellow("update"),
      unchanged: out.c.dim("same  "),
      kept: out.c.dim("kept  "),
      conflict: out.c.red("edited"),
    }[c.action];
    out.info(`  ${mark} ${c.path}`);
  }
  const where = path.relative(cwd, outDir) || ".";
  const next = where === "." ? "npx infra-migrate run" : `cd ${where} && npx infra-migrate run`;
  out.info(settings.dryRun ? out.c.yellow("Dry run: nothing written.") : `${out.c.green("Done.")} Next: ${next}`);
  return 0;
}

function answerSummary(
  answers: Answers,
  origins: Partial<Record<keyof Answers, Origin>>,
): Record<string, { value: unknown; from: Origin | undefined }> {
  return Object.fromEntries(
    Object.entries(answers).map(([key, value]) => [key, { value, from: origins[key as keyof Answers] }]),
  );
}
