// The commands an app runs once rather than keeps running (contracts/run-once.ts says what each
// kind is), from three places: the VM's processes that run and exit (inventory `runsOnce`: a
// Type=oneshot unit no timer starts) and the app's commands its units run before each start
// (inventory `beforeStart`: ExecStartPre=), the repository's Procfile `release:`
// line, and the commands the app's own container entrypoint runs before its server (Twenty's
// packages/twenty-docker/twenty/entrypoint.sh). Each becomes the argv of a Cloud Run job running
// the app's image in the folder the server runs in; what cannot be one is said, never guessed.
import path from "node:path";
import type { Inventory } from "../../inventory/schema.js";
import { runOnceKind, waitingFor, type RunOnceKind } from "../../contracts/run-once.js";
import { nodeManager } from "../../image/node-image.js";
import { execFor, isWorkspaceRoot } from "../../image/node-workspace.js";
import { declaredDependency, pinnedVersion } from "../../image/node-locked-version.js";
import type { AppRepo } from "../../image/repo.js";
import { procfileRelease } from "../../image/procfile.js";
import { seedSafety, type SeedSafety } from "../../image/seed-data.js";
import { shellCommands, shellTokens } from "../../image/shell-words.js";
import { secretFileMounts } from "../../image/code-links.js";
import { atMounts } from "../../image/process-argv.js";

export interface RunOnceStep {
  kind: RunOnceKind;
  /** The command as the VM or the repository writes it. */
  command: string;
  /** Where it was found: "the unit twenty-upgrade.service", "Procfile (release:)", an entrypoint's path. */
  from: string;
  /** The job's argv in the image, when the command is one plain command. */
  argv?: string[];
  /** What the plan must say about how it runs (npx fetching a tool). */
  note?: string;
  /** Why it cannot run as a job as written. */
  problem?: string;
  /** Seed data (kind "seed"): whether a second run is safe, and why (image/seed-data.ts). */
  seed?: SeedSafety;
  /** The VM's processes that wait for it to finish each time they start (contracts/run-once.ts waitingFor). */
  waitedBy?: string[];
}

const APP_ROLES = new Set(["web", "worker", "scheduler", "other"]);
const SAFE = /^[A-Za-z0-9_.:=/@%+,-]{1,200}$/;
// A tool installed into a virtualenv or a system bin folder is on the image's PATH.
const ON_PATH =
  /^(?:\/\S*)?\/(?:\.?venv|virtualenv|env)\/bin\/([\w.-]+)$|^\/usr(?:\/local)?\/bin\/([\w.-]+)$|^(?:\.\/)?\.?venv\/bin\/([\w.-]+)$/;
const NODE_TOOLS = new Set(["node", "npm", "npx", "yarn", "pnpm", "corepack"]);
const INTERPRETER = /^(python[\d.]*|php|ruby|bundle|rake|rails|perl|sh|bash|java)$/;
// An entrypoint's line that runs the app's code (its other lines are shell: psql, echo, exec "$@").
const APP_RUNNER =
  /^(yarn|npm|npx|pnpm|node|tsx|ts-node|python[\d.]*|\.\/manage\.py|flask|alembic|php|bundle|bin\/rails|rails|rake|bin\/console|\.\/bin\/[\w.-]+)$/;

/** One plain command as a job's argv, in the image whose server runs in `dir`; or the reason it is not one. */
export function jobArgv(
  command: string,
  repo: AppRepo | undefined,
  dir: string,
): { argv: string[]; note?: string } | { problem: string } {
  const commands = shellCommands(shellTokens(command.replace(/^cd\s+\S+\s*(&&|;)\s*/, "")));
  if (!commands || commands.length !== 1) return { problem: "it is more than one plain command (run it by hand)" };
  const words = [...commands[0]!];
  // `NODE_OPTIONS=… tsx x.ts`: the job runs with the service's settings; a memory flag is the job's size.
  while (words.length > 1 && /^[A-Za-z_]\w*=/.test(words[0]!)) words.shift();
  const head = ON_PATH.exec(words[0]!);
  if (head) words[0] = head[1] ?? head[2] ?? head[3]!;
  for (let i = 1; i < words.length; i++) {
    const made = inImage(words[i]!, repo, dir);
    if (typeof made === "object") return made;
    words[i] = made;
  }
  const bad = words.find((w) => !SAFE.test(w));
  if (bad !== undefined || words.length > 40) return { problem: `"${bad ?? "…"}" is not a plain word` };
  const script = words.find((w) => /^\.{1,2}\/\S+\.\w+$/.test(w));
  if (repo?.present && script && !repo.exists(path.posix.join(dir, script)))
    return { problem: `it runs ${script}, which is not in ${dir || "the repository's root"}, where the image runs` };
  // A package's program (`tsx`, `sequelize`) in a Node image: the package manager runs it from
  // node_modules/.bin when the package (or the workspace root) depends on it; else npx fetches it,
  // at the version the repository pins (Twenty's own image installs tsx globally, which ours does not).
  const bin = words[0]!;
  if (
    repo?.present &&
    repo.exists(path.posix.join(dir, "package.json")) &&
    /^[\w.-]+$/.test(bin) &&
    !NODE_TOOLS.has(bin) &&
    !INTERPRETER.test(bin)
  ) {
    const member = dir !== "" && isWorkspaceRoot(repo);
    const pm = nodeManager(repo, member ? "" : dir);
    // Yarn Berry runs only the binaries of the workspace's own dependencies, never the root's
    // (https://yarnpkg.com/cli/run; yarnpkg/berry#4594).
    // The usual package name of a CLI is its program's name.
    const own = declaredDependency(repo, dir, bin) !== undefined;
    const rootOnly = !own && declaredDependency(repo, "", bin) !== undefined;
    if (own || (rootOnly && !(member && pm.name === "yarn-berry")))
      return { argv: [...execFor(pm.name).split(" "), ...words] };
    const why = rootOnly
      ? `Yarn runs only ${dir}'s own dependencies' programs there, and ${bin} is the workspace root's`
      : "no package.json of the app depends on it";
    const pin = pinnedVersion(repo, [...new Set([dir, ""])], bin);
    return pin
      ? {
          argv: ["npx", "--yes", `${bin}@${pin.version}`, ...words.slice(1)],
          note: `npx fetches ${bin}@${pin.version} (${pin.from}) when the job runs: ${why}`,
        }
      : { argv: ["npx", "--yes", ...words], note: `npx fetches the newest ${bin} when the job runs: ${why}` };
  }
  return { argv: words };
}

// Where a VM keeps an app's checkout: a file named there is the VM's, not the image's.
const VM_APP_PATH = /^\/(opt|srv|home|var\/www)\/[^/]+\/./;

/**
 * A word that names a file of the VM's checkout (`/opt/app/manage.py`) as the image's
 * (`./manage.py`, relative to where the server runs) when the repository holds it; else the
 * reason the job cannot run it. Other words as they are.
 */
function inImage(word: string, repo: AppRepo | undefined, dir: string): string | { problem: string } {
  if (!VM_APP_PATH.test(word) || !repo?.present) return word;
  const parts = word.split("/").filter(Boolean);
  for (let i = 1; i < parts.length; i++) {
    const rel = parts.slice(i).join("/");
    if (repo.exists(path.posix.join(dir, rel))) return `./${rel}`;
  }
  return { problem: `it names ${word}, a path on the VM that is not in the repository` };
}

function step(
  kind: RunOnceKind,
  command: string,
  from: string,
  repo: AppRepo | undefined,
  dir: string,
  mounts: Record<string, string> = {},
): RunOnceStep {
  const found = jobArgv(command, repo, dir);
  // A settings file the command names is a secret file in the job as in its service (`--config
  // /etc/listmonk/main.toml` is /secrets/main-toml/main.toml): a distroless image has no link at the VM's path.
  const made = "argv" in found ? { ...found, argv: atMounts(found.argv, mounts) } : found;
  return { kind, command, from, ...made, ...(kind === "seed" ? { seed: seedSafety(command, repo) } : {}) };
}

/** The lines of an entrypoint script that run the app's code, in order (`if CMD; then` counts as CMD). */
export function entrypointCommands(text: string): string[] {
  return text
    .split(/\r?\n/)
    .map((l) =>
      l
        .trim()
        .replace(/^(if|elif|then|do|else)\s+/, "")
        .replace(/;\s*then$/, "")
        .trim(),
    )
    .filter((l) => l && !l.startsWith("#"))
    .filter((l) => {
      const words = l.replace(/^([A-Za-z_]\w*=("[^"]*"|'[^']*'|\S*)\s+)+/, "").split(/\s+/);
      return APP_RUNNER.test(words[0]!) && words.length > 1;
    });
}

/** Every run-once command, the VM's first, then the Procfile's, then the entrypoints'; one of each. */
export function runOnceSteps(inventory: Inventory, repo: AppRepo | undefined, dir: string): RunOnceStep[] {
  const out: RunOnceStep[] = [];
  const mounts = Object.fromEntries(secretFileMounts(inventory).map((m) => [m.path, m.mountPath]));
  for (const s of inventory.services) {
    if (s.schedule || !APP_ROLES.has(s.role)) continue;
    // What the unit runs before its program on every start: the VM migrates (or collects static
    // files) each time the app starts; on Cloud Run the deploy must.
    for (const command of s.beforeStart ?? [])
      out.push(step(runOnceKind(command), command, `ExecStartPre= of ${s.systemdUnit ?? s.name}`, repo, dir, mounts));
    if (!s.runsOnce || s.role !== "other" || !s.command) continue;
    const waitedBy = waitingFor(s.name, inventory.services);
    out.push({
      ...step(runOnceKind(s.command), s.command, `the unit ${s.systemdUnit ?? s.name}`, repo, dir, mounts),
      ...(waitedBy.length ? { waitedBy } : {}),
    });
  }
  if (repo?.present) {
    for (const folder of [...new Set(["", dir])]) {
      const release = procfileRelease(repo.read(path.posix.join(folder, "Procfile")) ?? "");
      if (!release) continue;
      const tokens = shellCommands(shellTokens(release));
      for (const words of tokens ?? []) {
        const command = words.join(" ");
        out.push(step(runOnceKind(command), command, "the Procfile's release: line", repo, dir));
      }
    }
    const entrypoints = ["docker-entrypoint.sh", "entrypoint.sh"].flatMap((f) =>
      repo.foldersWith(f, 3).map((d) => path.posix.join(d, f)),
    );
    for (const file of entrypoints) {
      for (const command of entrypointCommands(repo.read(file) ?? "")) {
        const kind = runOnceKind(command);
        // The entrypoint's other app commands (its server, a health wait) are not run-once steps.
        if (kind !== "unknown") out.push(step(kind, command, file, repo, dir));
      }
    }
  }
  const seen = new Set<string>();
  return out.filter((s) => {
    const key = (s.argv ?? [s.command]).join(" ");
    if (seen.has(key)) return false;
    seen.add(key);
    return true;
  });
}
