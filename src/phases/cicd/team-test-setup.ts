// The setup the team's own test step depends on, carried into our test job: the steps before it in
// its job (a local composite action's steps inlined, its inputs filled in), the job's service
// containers and environment, the packages it installs. Redmine's tests.yml gets its test
// database from a composite action that installs ghostscript, bzr and cvs, writes
// config/database.yml for the job's MySQL and runs `rake ci:setup` before `bin/rails test`:
// without those steps the same command fails. A matrix entry is chosen for the app (the value
// naming its database engine, its runtime's version, or the only one); the team's runtime setup
// action is where ours goes. What cannot be carried safely (a secret, an expression we cannot
// resolve, an action we cannot vet) stops the carry: the job keeps its own setup and the pipeline
// README says why.
import { existsSync, readFileSync } from "node:fs";
import path from "node:path";
import { parse } from "yaml";
import { evaluateCondition, substitute, type Lookup } from "./workflow-expressions.js";
import { runLines } from "./team-workflows.js";
import type { TeamStep, TeamTestSite } from "./team-test.js";

export interface CarriedStep {
  name: string;
  run: string;
  dir: string;
  env?: Record<string, string>;
}

export interface TeamTestSetup {
  workflow: string;
  job: string;
  /** Steps before our runtime setup (where the team's own setup action stood), then after it. */
  before: CarriedStep[];
  after: CarriedStep[];
  /** A runtime other than the stack's that the team sets up (actions/setup-node in a PHP job). */
  node?: { "node-version"?: string; "node-version-file"?: string };
  /** Inputs of the team's setup action worth keeping (setup-php's extensions). */
  setupWith: Record<string, string>;
  services: Record<string, unknown>;
  env: Record<string, string>;
  testEnv: Record<string, string>;
  timeoutMinutes?: number;
  /** Variables left out because their value is a secret. */
  secretsLeftOut: string[];
  /** Why the setup cannot be carried (empty when it is). */
  blocked: string[];
}

export interface SetupOptions {
  stack: "ruby" | "node" | "php";
  /** The design's database engine ("postgres", "mysql"...). */
  engine?: string;
  runtimeVersion: string;
}

const SETUP_ACTION: Record<SetupOptions["stack"], RegExp> = {
  ruby: /^ruby\/setup-ruby@/,
  node: /^actions\/setup-node@/,
  php: /^shivammathur\/setup-php@/,
};
/** Actions that only speed a job up, or that our job already does. */
const NOT_NEEDED = /^(actions\/(checkout|cache)|ramsey\/composer-install|bahmutov\/npm-install)@/;
const INSTALL: Record<SetupOptions["stack"], RegExp> = {
  ruby: /^bundle( install)?( --?[\w-]+(=[\w./-]+)?)*$/,
  node: /^(npm (ci|install|clean-install)|yarn( install)?|pnpm (i|install))( --?[\w-]+(=[\w./-]+)?)*$/,
  php: /^composer install( --?[\w-]+(=[\w./-]+)?)*$/,
};
const ENGINE_VALUES: Record<string, RegExp> = {
  mysql: /^(mysql2?|mariadb|trilogy)(:[\d.]+)?$/i,
  postgres: /^(postgres(ql)?|pgsql|pg)(:[\d.]+)?$/i,
};
const FOLDER = /^(\.\/)?[\w-][\w.-]*(\/[\w.-]+)*\/?$/;

/** The matrix value the app's own job would be: its database engine's, an x86 Ubuntu runner, its runtime's version, or the only one. */
export function matrixLookup(matrix: Record<string, unknown> | undefined, options: SetupOptions): Lookup {
  return (ref) => {
    const key = /^matrix\.([\w-]+)$/.exec(ref)?.[1];
    const values = key !== undefined ? matrix?.[key] : undefined;
    const list = (Array.isArray(values) ? values : values !== undefined ? [values] : []).filter(
      (v) => typeof v === "string" || typeof v === "number",
    );
    if (list.length === 1) return String(list[0]);
    const engine = options.engine ? ENGINE_VALUES[options.engine] : undefined;
    const named = engine && list.find((v) => engine.test(String(v)));
    if (named !== undefined) return String(named);
    // The runner our job runs on: an x86 Ubuntu, as the test job's.
    const runner = list.map(String).find((v) => /^ubuntu-(latest|\d+\.\d+)$/.test(v));
    if (runner !== undefined && list.every((v) => /^(ubuntu|macos|windows)-/.test(String(v)))) return runner;
    const version = list.find((v) => String(v) === options.runtimeVersion);
    if (version !== undefined && /^(ruby|node|php|version)/i.test(key!)) return String(version);
    return undefined;
  };
}

/** Plain string values of an env map; `secrets.*` ones are listed apart, other unresolved ones block. */
function plainEnv(env: unknown, lookup: Lookup, out: TeamTestSetup, where: string): Record<string, string> {
  const result: Record<string, string> = {};
  if (!env || typeof env !== "object") return result;
  for (const [name, raw] of Object.entries(env as Record<string, unknown>)) {
    if (!/^[A-Za-z_]\w*$/.test(name) || raw === null || typeof raw === "object") {
      out.blocked.push(`${where} sets \`${name}\` to a value we cannot carry`);
      continue;
    }
    const value = substitute(String(raw), lookup);
    if (value !== undefined) result[name] = value;
    else if (/\bsecrets\./.test(String(raw))) out.secretsLeftOut.push(name);
    else out.blocked.push(`${where} sets \`${name}\` from an expression we cannot resolve`);
  }
  return result;
}

/** A local composite action's steps with its inputs filled in, or a reason it cannot be read. */
function compositeSteps(
  repoDir: string,
  uses: string,
  withs: Record<string, unknown> | undefined,
  outer: Lookup,
): { steps: TeamStep[]; lookup: Lookup } | string {
  const rel = uses.replace(/^\.\//, "").replace(/\/$/, "");
  if (rel.split("/").includes("..")) return `\`${uses}\` is outside the repository`;
  const file = ["action.yml", "action.yaml"].map((f) => path.join(repoDir, rel, f)).find((f) => existsSync(f));
  if (!file) return `\`${uses}\` has no action.yml`;
  let action: { inputs?: Record<string, { default?: unknown }>; runs?: { using?: unknown; steps?: TeamStep[] } };
  try {
    action = (parse(readFileSync(file, "utf8")) ?? {}) as typeof action;
  } catch {
    return `\`${uses}\`'s action.yml is not YAML`;
  }
  if (action.runs?.using !== "composite" || !Array.isArray(action.runs.steps))
    return `\`${uses}\` is not a composite action`;
  const inputs = action.inputs ?? {};
  const lookup: Lookup = (ref) => {
    const input = /^inputs\.([\w-]+)$/.exec(ref)?.[1];
    if (input === undefined) return outer(ref);
    const given = withs?.[input] ?? inputs[input]?.default;
    return given === undefined || given === null ? "" : substitute(String(given), outer);
  };
  return { steps: action.runs.steps, lookup };
}

function carryRun(
  step: TeamStep,
  defaultDir: unknown,
  run: string,
  lookup: Lookup,
  out: TeamTestSetup,
  label: string,
): CarriedStep | undefined {
  if (step.shell !== undefined && !/^(bash|sh)$/.test(String(step.shell))) {
    out.blocked.push(`${label} runs in \`${String(step.shell)}\``);
    return undefined;
  }
  const text = substitute(run, lookup);
  if (text === undefined) {
    out.blocked.push(`${label} uses an expression we cannot resolve`);
    return undefined;
  }
  const dirRaw = step["working-directory"] ?? defaultDir;
  const dirValue = dirRaw === undefined ? "." : substitute(String(dirRaw), lookup);
  if (dirValue === undefined || (dirValue !== "." && (!FOLDER.test(dirValue) || dirValue.split("/").includes("..")))) {
    out.blocked.push(`${label} runs in a folder we cannot resolve`);
    return undefined;
  }
  const env = plainEnv(step.env, lookup, out, label);
  const lines = text.split("\n").map((l) => l.trim());
  return {
    name:
      typeof step.name === "string" && /^[\w .,:()/'-]{1,80}$/.test(step.name)
        ? step.name
        : lines
            .find(Boolean)!
            .replace(/[^\w .,:()/'=-]/g, " ")
            .slice(0, 60)
            .trim(),
    run: text.endsWith("\n") ? text : `${text}\n`,
    dir: dirValue.replace(/^\.\/|\/$/g, "") || ".",
    ...(Object.keys(env).length ? { env } : {}),
  };
}

/** The team's job setup for its test step, as our job can run it. */
export function teamTestSetup(repoDir: string, site: TeamTestSite, options: SetupOptions): TeamTestSetup {
  const { job } = site;
  const out: TeamTestSetup = {
    workflow: site.test.workflow,
    job: site.jobName,
    before: [],
    after: [],
    setupWith: {},
    services: {},
    env: {},
    testEnv: {},
    secretsLeftOut: [],
    blocked: [],
  };
  const matrix = matrixLookup(job.strategy?.matrix as Record<string, unknown> | undefined, options);
  if (job.container !== undefined) out.blocked.push(`job \`${site.jobName}\` runs in a container`);
  let placed = false;
  // The job's `defaults.run.working-directory` applies to its own steps, not to a composite action's.
  const walk = (steps: TeamStep[], lookup: Lookup, where: string, defaultDir?: unknown) => {
    for (const step of steps) {
      const label = `${where} step "${
        typeof step.name === "string"
          ? step.name
          : (step.uses ??
            String(step.run ?? "")
              .trim()
              .split("\n")[0])
      }"`;
      if (step.if !== undefined) {
        const runs = evaluateCondition(step.if, lookup);
        if (runs === false) continue;
        if (runs === undefined) {
          out.blocked.push(`${label} runs on a condition we cannot evaluate`);
          continue;
        }
      }
      if (typeof step.uses === "string") {
        const uses = step.uses.trim();
        if (uses.startsWith("./")) {
          const inner = compositeSteps(repoDir, uses, step.with, lookup);
          if (typeof inner === "string") out.blocked.push(`${label}: ${inner}`);
          else walk(inner.steps, inner.lookup, `\`${uses}\``);
        } else if (SETUP_ACTION[options.stack].test(uses)) {
          placed = true;
          for (const key of ["extensions", "ini-values"]) {
            const value = step.with?.[key] === undefined ? undefined : substitute(String(step.with[key]), lookup);
            if (value && /^[\w ,.:=/-]{1,300}$/.test(value)) out.setupWith[key] = value;
          }
        } else if (options.stack !== "node" && /^actions\/setup-node@/.test(uses)) {
          const version = substitute(String(step.with?.["node-version"] ?? ""), lookup);
          const file = substitute(String(step.with?.["node-version-file"] ?? ""), lookup);
          if (version && /^[\w.*/-]{1,20}$/.test(version)) out.node = { "node-version": version };
          else if (file && FOLDER.test(file)) out.node = { "node-version-file": file };
          else out.blocked.push(`${label} sets up a Node.js version we cannot resolve`);
        } else if (!NOT_NEEDED.test(uses))
          out.blocked.push(`${label} uses \`${uses.split("@")[0]}\`, an action we do not run`);
        continue;
      }
      if (typeof step.run !== "string") continue;
      const lines = runLines(step);
      // Our job installs the dependencies its own way; a step that only hands a value to a later
      // step (a cache folder to actions/cache) has nothing left to do.
      if (!lines.length || lines.every((l) => INSTALL[options.stack].test(l))) continue;
      if (lines.every((l) => /^echo .*>>\s*"?\$\{?GITHUB_OUTPUT\}?"?$/.test(l))) continue;
      const carried = carryRun(step, defaultDir, step.run, lookup, out, label);
      if (carried) (placed ? out.after : out.before).push(carried);
    }
  };
  walk(
    job.steps!.slice(0, site.stepIndex),
    matrix,
    `\`${site.test.workflow}\``,
    job.defaults?.run?.["working-directory"],
  );
  // Without an action of the team's to set up the runtime, its commands run after ours.
  if (!placed) {
    out.after = [...out.before, ...out.after];
    out.before = [];
  }
  out.env = {
    ...plainEnv(site.workflowEnv, matrix, out, `\`${site.test.workflow}\``),
    ...plainEnv(job.env, matrix, out, `job \`${site.jobName}\``),
  };
  const testStep = job.steps![site.stepIndex]!;
  out.testEnv = {
    ...plainEnv(testStep.env, matrix, out, "the test step"),
    ...plainEnv(Object.fromEntries(site.assignments), matrix, out, "the test command"),
  };
  out.services = carryServices(job.services, matrix, out);
  const timeout = Number(job["timeout-minutes"]);
  if (Number.isInteger(timeout) && timeout > 0) out.timeoutMinutes = Math.min(timeout, 360);
  return out;
}

/** The job's service containers when every value is plain (no credentials, no expression left). */
function carryServices(services: unknown, lookup: Lookup, out: TeamTestSetup): Record<string, unknown> {
  if (!services || typeof services !== "object") return {};
  const carried: Record<string, unknown> = {};
  for (const [name, raw] of Object.entries(services as Record<string, unknown>)) {
    const service = raw as Record<string, unknown>;
    if (!/^[\w-]+$/.test(name) || !service || typeof service !== "object" || service.credentials !== undefined) {
      out.blocked.push(`service \`${name}\` cannot be carried`);
      continue;
    }
    const value = parsedJson(substitute(JSON.stringify(service), lookup));
    if (!value || typeof value.image !== "string" || !/^[\w./:@-]+$/.test(value.image)) {
      out.blocked.push(`service \`${name}\` uses an expression we cannot resolve`);
      continue;
    }
    carried[name] = Object.fromEntries(
      ["image", "env", "ports", "options", "volumes"].filter((k) => value[k] !== undefined).map((k) => [k, value[k]]),
    );
  }
  return carried;
}

function parsedJson(text: string | undefined): Record<string, unknown> | undefined {
  try {
    return text === undefined ? undefined : (JSON.parse(text) as Record<string, unknown>);
  } catch {
    return undefined;
  }
}
