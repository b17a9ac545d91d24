// Security rules for GitHub Actions workflows, in the spirit of zizmor
// (https://docs.zizmor.sh/audits/). Stricter than zizmor where our own output is concerned: no
// expression at all inside `run:`, and top-level permissions must be empty.
import { parse } from "yaml";

export const SECURITY_RULES = {
  "unpinned-action": "every `uses:` must pin a full 40-hex commit SHA",
  "unlisted-action": "only the actions in the pinned list may be used",
  "excessive-permissions": "`permissions: {}` at the top; jobs get read scopes and at most `id-token: write`",
  "template-injection": "no `${{ }}` expression inside a `run:` script: pass values through `env:`",
  "persisted-credentials": "actions/checkout must set `persist-credentials: false`",
  "json-key-credentials": "no service-account JSON keys: use Workload Identity Federation",
  "dangerous-trigger": "no `pull_request_target` / `workflow_run` triggers",
} as const;
export type SecurityRuleId = keyof typeof SECURITY_RULES;

export interface SecurityFinding {
  rule: SecurityRuleId;
  /** Key path inside the workflow, e.g. `jobs.deploy.steps[2].run`. */
  where: string;
  message: string;
}

export interface SecurityOptions {
  /** Exact `owner/repo@sha` values allowed in `uses:` (our generator passes its pinned list). */
  allowedUses?: readonly string[];
  /**
   * Write scopes a caller grants on purpose, per job id (e.g. the job that opens a pull request
   * needs `contents` and `pull-requests`). Anything not listed here is still a finding.
   */
  allowedWrites?: Readonly<Record<string, readonly string[]>>;
}

const PINNED = /^[A-Za-z0-9_.-]+\/[A-Za-z0-9_./-]+@[0-9a-f]{40}$/;
const DOCKER_DIGEST = /^docker:\/\/[^@\s]+@sha256:[0-9a-f]{64}$/;
const KEY_INPUTS = ["credentials_json", "service_account_key"];
const KEY_ENVS = ["GOOGLE_APPLICATION_CREDENTIALS", "GOOGLE_CREDENTIALS", "GCP_SA_KEY"];

type Obj = Record<string, unknown>;
const isObj = (v: unknown): v is Obj => typeof v === "object" && v !== null && !Array.isArray(v);

function triggers(on: unknown): string[] {
  if (typeof on === "string") return [on];
  if (Array.isArray(on)) return on.map(String);
  return isObj(on) ? Object.keys(on) : [];
}

function checkPermissions(
  value: unknown,
  where: string,
  top: boolean,
  granted: readonly string[] = [],
): SecurityFinding[] {
  const finding = (message: string): SecurityFinding => ({ rule: "excessive-permissions", where, message });
  if (top) {
    return isObj(value) && Object.keys(value).length === 0 ? [] : [finding("top-level permissions must be `{}`")];
  }
  if (value === undefined) return [];
  if (!isObj(value)) return [finding(`permissions: ${String(value)} grants every scope`)];
  return Object.entries(value)
    .filter(
      ([scope, level]) =>
        !(
          level === "read" ||
          level === "none" ||
          (scope === "id-token" && level === "write") ||
          (level === "write" && granted.includes(scope))
        ),
    )
    .map(([scope, level]) => finding(`${scope}: ${String(level)} is more than a deploy needs`));
}

function checkStep(step: Obj, where: string, options: SecurityOptions): SecurityFinding[] {
  const out: SecurityFinding[] = [];
  const uses = typeof step.uses === "string" ? step.uses.trim() : undefined;
  const withs = isObj(step.with) ? step.with : {};
  if (uses && !uses.startsWith("./")) {
    if (!PINNED.test(uses) && !DOCKER_DIGEST.test(uses)) {
      out.push({ rule: "unpinned-action", where: `${where}.uses`, message: `${uses} is not pinned to a commit SHA` });
    } else if (options.allowedUses && !options.allowedUses.includes(uses)) {
      out.push({
        rule: "unlisted-action",
        where: `${where}.uses`,
        message: `${uses} is not in the pinned action list`,
      });
    }
    if (/^actions\/checkout@/.test(uses) && String(withs["persist-credentials"]) !== "false") {
      out.push({ rule: "persisted-credentials", where, message: "checkout leaves the GITHUB_TOKEN in .git/config" });
    }
  }
  if (typeof step.run === "string" && step.run.includes("${{")) {
    out.push({ rule: "template-injection", where: `${where}.run`, message: "expression expanded into a shell script" });
  }
  for (const key of Object.keys(withs).filter((k) => KEY_INPUTS.includes(k))) {
    out.push({ rule: "json-key-credentials", where: `${where}.with.${key}`, message: "service-account key input" });
  }
  return out;
}

function checkEnv(env: unknown, where: string): SecurityFinding[] {
  if (!isObj(env)) return [];
  return Object.keys(env)
    .filter((k) => KEY_ENVS.includes(k))
    .map((k) => ({
      rule: "json-key-credentials" as const,
      where: `${where}.env.${k}`,
      message: "key-file credentials in env",
    }));
}

export function checkWorkflowSecurity(text: string, options: SecurityOptions = {}): SecurityFinding[] {
  return checkParsedWorkflowSecurity(parse(text), options);
}

/** `checkWorkflowSecurity` on a workflow already parsed (validateCicd parses each one once). */
export function checkParsedWorkflowSecurity(workflow: unknown, options: SecurityOptions = {}): SecurityFinding[] {
  if (!isObj(workflow)) return [{ rule: "excessive-permissions", where: "", message: "not a workflow mapping" }];
  const out: SecurityFinding[] = [];
  for (const trigger of triggers(workflow.on)) {
    if (trigger === "pull_request_target" || trigger === "workflow_run") {
      out.push({
        rule: "dangerous-trigger",
        where: `on.${trigger}`,
        message: `${trigger} runs with secrets on untrusted input`,
      });
    }
  }
  out.push(...checkPermissions(workflow.permissions, "permissions", true), ...checkEnv(workflow.env, "workflow"));
  const jobs = isObj(workflow.jobs) ? workflow.jobs : {};
  for (const [id, job] of Object.entries(jobs)) {
    if (!isObj(job)) continue;
    const where = `jobs.${id}`;
    out.push(
      ...checkPermissions(job.permissions, `${where}.permissions`, false, options.allowedWrites?.[id]),
      ...checkEnv(job.env, where),
    );
    if (typeof job.uses === "string") out.push(...checkStep({ uses: job.uses }, where, options));
    const steps = Array.isArray(job.steps) ? job.steps : [];
    steps.forEach((step, i) => {
      if (isObj(step))
        out.push(...checkStep(step, `${where}.steps[${i}]`, options), ...checkEnv(step.env, `${where}.steps[${i}]`));
    });
  }
  return out;
}

export function formatSecurityFindings(path: string, findings: SecurityFinding[]): string[] {
  return findings.map((f) => `${path} ${f.where} [${f.rule}]: ${f.message}`);
}
