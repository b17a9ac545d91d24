// The static build check: before any Dockerfile is written, prove from its text and the
// repository that it can build and start, since no Docker daemon is at hand. Every COPY source
// exists in the repository; the program CMD runs (and every command the deploy gives a worker or
// job of this image) is installed where the image puts it (a virtualenv's console scripts, the
// base image's tools, a gem, a built binary); and the module or file it names exists from the
// image's WORKDIR. NetBox's `/opt/netbox/venv/bin/gunicorn` on an image whose virtualenv is
// /opt/venv, or `COPY requirements.txt` for an app whose manifest is in project/, fail here.
import path from "node:path";
import { BUILD_OUTPUT, anchorsOf, missingAnchor } from "./anchors.js";
import { commandArgv, copySpec, envValue, parseDockerfile, type Stage } from "./dockerfile-parse.js";
import { gemsOf } from "./ruby-image.js";
import { packageJson } from "./node-image.js";
import { normalise, pythonManifest, venvPrograms } from "./python-deps.js";
import { INSTALLS_PROJECT, projectScripts } from "./python-project.js";
import type { AppRepo } from "./repo.js";

export interface ImageCommand {
  /** Who runs it, for messages ("CMD", "worker netbox-worker"). */
  name: string;
  argv: string[];
}

interface ImageFacts {
  final: Stage;
  /** Absolute image folder that holds the repository root (from `COPY . /app`). */
  appDir?: string;
  workdir: string;
  path: string[];
  venv?: { dir: string; programs: Set<string> };
  /** Absolute files/folders the final stage copies from other stages. */
  copied: string[];
  tools: Set<string>;
  /** A build script ran (outputs such as build/ exist only in the image). */
  built: boolean;
}

const BASE_TOOLS: Array<[RegExp, string[]]> = [
  [/^python:/, ["python", "python3", "pip", "pip3", "sh"]],
  [/^node:/, ["node", "npm", "npx", "sh"]],
  [/^ruby:/, ["ruby", "gem", "bundle", "bundler", "sh"]],
  [/^golang:/, ["go", "sh"]],
  [/^php:.*-apache/, ["php", "apache2-foreground", "apache2ctl", "sh"]],
  [/^php:/, ["php", "sh"]],
  [/^eclipse-temurin:/, ["java", "sh"]],
  [/distroless/, []],
];

/** Gem executables a `bundle exec` may start, by gem. */
const GEM_BINARIES: Record<string, string[]> = {
  puma: ["puma", "pumactl"],
  sidekiq: ["sidekiq"],
  railties: ["rails"],
  rails: ["rails"],
  rake: ["rake"],
  rack: ["rackup"],
  rackup: ["rackup"],
  good_job: ["good_job"],
  resque: ["resque"],
  unicorn: ["unicorn"],
  thin: ["thin"],
};

function stageByName(stages: Stage[], name: string): Stage | undefined {
  return stages.find((s) => s.name === name) ?? stages[Number(name)];
}

/** Packages a build stage installs into a virtualenv, read from the manifests it copied. */
function venvOf(stages: Stage[], repo: AppRepo, dir: string): Set<string> {
  const packages: string[] = [];
  const scripts: string[] = [];
  for (const stage of stages) {
    const runs = stage.instructions.filter((i) => i.keyword === "RUN").map((i) => i.args);
    if (!runs.some((r) => r.includes(`venv ${dir}`))) continue;
    const copiedManifests = stage.instructions
      .filter((i) => i.keyword === "COPY" && !copySpec(i).from)
      .flatMap((i) => copySpec(i).sources);
    for (const file of copiedManifests) {
      const m = pythonManifest(repo, path.posix.dirname(file) === "." ? "" : path.posix.dirname(file));
      if (!m) continue;
      const extras = runs.flatMap((r) =>
        [...r.matchAll(/--extra(?:s)?[= ]"?([\w -]+)"?/g)].flatMap((x) => x[1]!.split(/\s+/)),
      );
      packages.push(...m.packages, ...extras.flatMap((e) => m.extras[e] ?? []));
    }
    for (const r of runs) {
      // The project installed itself (python-project.ts): the commands its packaging declares.
      if (INSTALLS_PROJECT.test(r)) scripts.push(...projectScripts(repo, /(?:^|\s)cd (\S+) &&/.exec(r)?.[1] ?? ""));
      const explicit = /(?:^|\s)\S*pip install ((?:[A-Za-z0-9][\w.\-[\],]*\s*)+)$/.exec(r)?.[1];
      if (explicit && !/-r\s/.test(r))
        packages.push(...explicit.split(/\s+/).map((p) => normalise(p.replace(/\[.*$/, ""))));
    }
  }
  const programs = venvPrograms(packages);
  for (const script of scripts) programs.add(script);
  return programs;
}

function factsOf(stages: Stage[], repo: AppRepo): ImageFacts | string {
  const final = stages[stages.length - 1];
  if (!final) return "no FROM instruction";
  const workdirs = final.instructions.filter((i) => i.keyword === "WORKDIR").map((i) => i.args);
  const workdir = workdirs[workdirs.length - 1] ?? "/";
  const envPath = envValue(final, "PATH") ?? "";
  const pathDirs = [...envPath.split(":").filter((p) => p.startsWith("/")), "/usr/local/bin", "/usr/bin", "/bin"];
  const copied: string[] = [];
  let appDir: string | undefined;
  let venv: ImageFacts["venv"];
  let built = false;
  for (const ins of final.instructions.filter((i) => i.keyword === "COPY" || i.keyword === "ADD")) {
    const c = copySpec(ins);
    if (!c.from) {
      if (c.sources.includes(".")) appDir = c.dest === "." ? workdir : c.dest.replace(/\/$/, "");
      continue;
    }
    const source = stageByName(stages, c.from);
    copied.push(c.dest.replace(/\/$/, ""));
    if (!source) continue;
    const srcWorkdir =
      source.instructions
        .filter((i) => i.keyword === "WORKDIR")
        .map((i) => i.args)
        .pop() ?? "/";
    const copiesRepo = source.instructions.some(
      (i) => i.keyword === "COPY" && !copySpec(i).from && copySpec(i).sources.includes("."),
    );
    if (copiesRepo && c.sources.includes(srcWorkdir)) appDir = c.dest.replace(/\/$/, "");
    if (
      source.instructions.some(
        (i) =>
          i.keyword === "RUN" &&
          /\b(npm|yarn|pnpm) run build\b|\bnx run \S+:build\b|\bturbo run build\b|assets:precompile/.test(i.args),
      )
    )
      built = true;
    for (const src of c.sources)
      if (source.instructions.some((i) => i.keyword === "RUN" && i.args.includes(`-m venv ${src}`)))
        venv = { dir: c.dest.replace(/\/$/, ""), programs: venvOf(stages, repo, src) };
  }
  // `FROM base` names an earlier stage: the tools come from the image that stage starts from.
  let image = final.from;
  for (let hops = 0; hops < stages.length; hops++) {
    const stage = stages.find((s) => s.name === image);
    if (!stage) break;
    image = stage.from;
  }
  const tools = new Set(BASE_TOOLS.find(([re]) => re.test(image))?.[1] ?? ["sh"]);
  // corepack's shims, enabled in the final stage itself (the build stage's are not copied).
  if (final.instructions.some((i) => i.keyword === "RUN" && /\bcorepack enable\b/.test(i.args)))
    for (const shim of ["yarn", "yarnpkg", "pnpm", "pnpx"]) tools.add(shim);
  return { final, appDir, workdir, path: pathDirs, venv, copied, tools, built };
}

/** Why `argv` cannot start in the image, or undefined. */
function programProblem(
  argv: string[],
  f: ImageFacts,
  repo: AppRepo,
  workdirRel: string | undefined,
): string | undefined {
  const program = argv[0]!;
  if (program.startsWith("/")) {
    if (f.venv && program.startsWith(`${f.venv.dir}/bin/`))
      return f.venv.programs.has(path.posix.basename(program))
        ? undefined
        : `${program}: the virtualenv has no such program`;
    if (f.copied.some((c) => program === c || program.startsWith(`${c}/`))) return undefined;
    return `${program} is not in the image (the virtualenv is ${f.venv?.dir ?? "not there"}; nothing is copied to that path)`;
  }
  if (program.includes("/")) {
    if (workdirRel === undefined) return `${program}: the repository is not copied into the image`;
    return repo.exists(path.posix.join(workdirRel, program)) ? undefined : `${program} is not in the repository`;
  }
  const onVenv = f.venv && f.path.includes(`${f.venv.dir}/bin`) && f.venv.programs.has(program);
  if (onVenv || f.tools.has(program)) {
    if (program !== "bundle" || argv[1] !== "exec") return undefined;
    const exe = argv[2] ?? "";
    if (exe.includes("/")) return programProblem(argv.slice(2), f, repo, workdirRel);
    const gems = gemsOf(repo, workdirRel ?? "");
    return gems.some((g) => (GEM_BINARIES[g] ?? [g]).includes(exe))
      ? undefined
      : `bundle exec ${exe}: no gem in the Gemfile provides it`;
  }
  return `${program} is not installed in the image (not in ${f.venv ? "the virtualenv or " : ""}the base image)`;
}

export function checkImageBuild(dockerfile: string, repo: AppRepo, commands: ImageCommand[] = []): string[] {
  const stages = parseDockerfile(dockerfile);
  const findings: string[] = [];
  for (const stage of stages)
    for (const ins of stage.instructions.filter((i) => i.keyword === "COPY" || i.keyword === "ADD")) {
      const c = copySpec(ins);
      if (c.from) continue;
      for (const src of c.sources)
        // ADD downloads a URL (a build argument that names one: a prebuilt release, release-image.ts).
        if (ins.keyword === "ADD" && /^(https?:\/\/|\$)/.test(src)) continue;
        else if (!/[*?]/.test(src) && !repo.exists(src))
          findings.push(`line ${ins.line}: COPY ${src}: not in the repository`);
    }
  const f = factsOf(stages, repo);
  if (typeof f === "string") return [...findings, f];
  const cmd = commandArgv(f.final.instructions.filter((i) => i.keyword === "CMD").pop());
  if (!cmd) return [...findings, "no CMD: the image would not start anything"];
  const workdirRel =
    f.appDir === undefined
      ? undefined
      : f.workdir === f.appDir
        ? ""
        : f.workdir.startsWith(`${f.appDir}/`)
          ? f.workdir.slice(f.appDir.length + 1)
          : undefined;
  const scripts = workdirRel !== undefined ? packageJson(repo, workdirRel).scripts : {};
  for (const { name, argv } of [{ name: "CMD", argv: cmd.map((w) => w.replace("${PORT}", "8080")) }, ...commands]) {
    const problem = programProblem(argv, f, repo, workdirRel);
    if (problem) findings.push(`${name}: ${problem}`);
    if (workdirRel === undefined) continue;
    for (const anchor of anchorsOf(argv)) {
      const built = f.built && anchor.kind === "file" && BUILD_OUTPUT.test(anchor.path);
      const missing = missingAnchor(repo, workdirRel, built ? { ...anchor, built: true } : anchor, scripts);
      if (missing) findings.push(`${name}: ${missing}`);
    }
  }
  return findings;
}
