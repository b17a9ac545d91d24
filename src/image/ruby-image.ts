// The Dockerfile for a Ruby app: the Ruby it declares, bundler (deployment mode when a
// Gemfile.lock pins the gems), Rails' assets:precompile (with Node.js when the app bundles
// JavaScript), the system libraries native gems link, a non-root user.
import path from "node:path";
import { renderTemplateSync } from "../render/templates.js";
import { IMAGE_USERS } from "./image-user.js";
import { buildTimeSettings } from "../contracts/build-time-env.js";
import type { ImageInput, RuntimeImage } from "./image-types.js";
import { declaredVersion, supportedVersion, versionNote } from "./runtime-versions.js";
import type { AppRepo } from "./repo.js";
import { planProcesses } from "./workdir.js";

/** Ruby in a Gemfile that reads other files: `eval_gemfile`, `File.read`/`exist?`, `Dir.glob`/`Dir[]`. */
const GEMFILE_READS = /\beval_gemfile\b|\bFile\.(read|exist\?|file\?|readlines)\b|\bDir\.glob\b|\bDir\[/;

/**
 * Whether a file is in the build context: the repository has it and it is not a secret file the
 * VM keeps (those are mounted at run time and .dockerignore keeps them out of the image).
 */
function inContext(input: ImageInput, rel: string): boolean {
  if (!input.repo.exists(rel)) return false;
  const onVm = input.root ? `${input.root.replace(/\/+$/, "")}/${rel}` : undefined;
  return !(onVm && input.mounts?.[onVm]);
}

/** The Active Record adapter the locked database gem serves. */
export function adapterOf(gems: string[]): string | undefined {
  const adapters: Array<[string, string]> = [
    ["mysql2", "mysql2"],
    ["trilogy", "trilogy"],
    ["pg", "postgresql"],
    ["sqlite3", "sqlite3"],
  ];
  return adapters.find(([gem]) => gems.includes(gem))?.[1];
}

/**
 * Gems whose native extension links a library the ruby images lack: its headers in the build stage
 * (ruby:<v>-trixie has compilers and common -dev packages, not these), the library at run time
 * (Debian trixie's names). rszr, Zammad's image resizer, links imlib2 (Zammad's package depends on
 * libimlib2; packages.debian.org trixie: libimlib2-dev 1.12.4, runtime libimlib2t64).
 */
const NATIVE_GEMS: Array<[gem: string, build: string, run: string]> = [["rszr", "libimlib2-dev", "libimlib2t64"]];

/** Gem names in a Gemfile.lock (specs) or, without one, the Gemfile's `gem` lines. */
export function gemsOf(repo: AppRepo, dir: string): string[] {
  const lock = repo.read(path.posix.join(dir, "Gemfile.lock"));
  if (lock) return [...lock.matchAll(/^ {4}([a-z0-9_-]+) \(/gim)].map((m) => m[1]!.toLowerCase());
  return [...(repo.read(path.posix.join(dir, "Gemfile")) ?? "").matchAll(/^\s*gem\s+["']([^"']+)["']/gm)].map((m) =>
    m[1]!.toLowerCase(),
  );
}

export function rubyImage(input: ImageInput): RuntimeImage {
  const { repo } = input;
  const placed = planProcesses(input, repo.foldersWith("Gemfile"));
  const dir = repo.exists(path.posix.join(placed.workdirRel, "Gemfile"))
    ? placed.workdirRel
    : (repo.foldersWith("Gemfile")[0] ?? "");
  if (!repo.exists(path.posix.join(dir, "Gemfile")))
    return { ...placed.image, notice: "No Gemfile was found in the repository, so no Ruby Dockerfile was written." };
  const at = (f: string) => (dir ? `${dir}/${f}` : f);
  const declared = declaredVersion("ruby", repo, dir);
  const version = supportedVersion("ruby", declared?.min, declared?.below);
  const gems = gemsOf(repo, dir);
  const rails = gems.includes("rails") || gems.includes("railties");
  // assets:precompile needs the app's Rakefile and config/application.rb to boot Rails.
  const assets = rails && repo.exists(at("Rakefile")) && repo.exists(at("config/application.rb"));
  const jsBundling = assets && repo.exists(at("package.json"));
  const node = jsBundling ? supportedVersion("node", declaredVersion("node", repo, dir)?.min) : "";
  const native = NATIVE_GEMS.filter(([gem]) => gems.includes(gem));
  const libs = [
    gems.includes("pg") ? "libpq5" : "",
    gems.includes("mysql2") ? "libmariadb3" : "",
    ...native.map(([, , run]) => run),
  ].filter(Boolean);
  const buildLibs = native.map(([, build]) => build);
  const locked = repo.exists(at("Gemfile.lock"));
  const gemfile = repo.read(at("Gemfile")) ?? "";
  // A Gemfile that reads other files of the app (Redmine's: Gemfile.local and plugins' Gemfiles
  // through eval_gemfile, its database adapter's gem from config/database.yml) resolves against the
  // whole app: the app is copied before `bundle install`, or those gems would be missing.
  const wholeApp = GEMFILE_READS.test(gemfile);
  const databaseYml = at("config/database.yml");
  const stub = /config\/database\.yml/.test(gemfile) && !inContext(input, databaseYml) ? adapterOf(gems) : undefined;
  // Public settings the front end's bundler inlines (build-time-env.ts), read by assets:precompile.
  const inlined = new Map(input.processes.flatMap((p) => [...buildTimeSettings(p, p.env, repo)]));
  const content = renderTemplateSync("image/Dockerfile.ruby.hbs", {
    publicArgs: [...inlined.keys()].sort(),
    publicLabel: [...new Set(inlined.values())].join(", "),
    app: input.appName,
    version,
    versionNote: versionNote(declared, version),
    gemLabel: locked ? `${at("Gemfile.lock")}` : `${at("Gemfile")} (no Gemfile.lock: versions resolve at build time)`,
    locked,
    gemfiles: wholeApp ? [] : locked ? [at("Gemfile"), at("Gemfile.lock")] : [at("Gemfile")],
    wholeApp,
    databaseStub: stub ? { file: databaseYml, dir: path.posix.dirname(databaseYml), adapter: stub } : undefined,
    node,
    corepack: jsBundling && (repo.exists(at("yarn.lock")) || repo.exists(at("pnpm-lock.yaml"))),
    assets,
    libs: libs.join(" "),
    buildLibs: buildLibs.join(" "),
    workdir: placed.image.workdir,
    cmd: (placed.cmd ?? ["bundle", "exec", "puma"]).join(" "),
    user: IMAGE_USERS.ruby,
  });
  return {
    ...placed.image,
    content,
    version,
    versionNote: declared?.source ?? "none declared",
    packageManager: "bundler",
  };
}
