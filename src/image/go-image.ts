// The Dockerfile for a Go app: the Go its go.mod declares, modules downloaded before the code is
// copied, the main package the VM's binary comes from, a static binary (cgo when a module needs
// it) on a distroless image. The VM's `/usr/bin/miniflux` becomes /usr/local/bin/miniflux.
import path from "node:path";
import { renderTemplateSync } from "../render/templates.js";
import type { ImageInput, RuntimeImage } from "./image-types.js";
import { declaredVersion, supportedVersion, versionNote } from "./runtime-versions.js";
import type { AppRepo } from "./repo.js";
import { atMounts } from "./process-argv.js";
import { goreleaserBuild, type GoreleaserBuild } from "./goreleaser.js";

/** Modules that need cgo (C libraries): the binary then links glibc and runs on distroless/base. */
const CGO = /github\.com\/mattn\/go-sqlite3|github\.com\/confluentinc\/confluent-kafka-go|gopkg\.in\/gographics/;

/**
 * The main package for a binary: the one its goreleaser build names, cmd/<name>, the module root
 * when it holds package main, or a lone cmd/ that does (listmonk's cmd/main.go).
 */
function mainPackage(repo: AppRepo, moduleDir: string, binary: string, release?: GoreleaserBuild): string | undefined {
  const at = (f: string) => path.posix.join(moduleDir, f);
  if (release?.main) return release.main.startsWith(".") ? release.main : `./${release.main}`;
  if (repo.exists(at(`cmd/${binary}/main.go`))) return `./cmd/${binary}`;
  if (/^package main\b/m.test(repo.read(at("main.go")) ?? "")) return ".";
  if (/^package main\b/m.test(repo.read(at("cmd/main.go")) ?? "")) return "./cmd";
  return undefined;
}

/**
 * Node for hooks that build a front end (a package.json in the repository): Debian's nodejs and
 * npm in the build stage, and the package manager its lockfile names.
 */
function nodeSetup(repo: AppRepo): string | undefined {
  const folders = repo.foldersWith("package.json", 3);
  if (folders.length === 0) return undefined;
  const has = (lock: string) => folders.some((d) => repo.exists(path.posix.join(d, lock)));
  const manager = has("yarn.lock")
    ? " && npm install -g yarn@1"
    : has("pnpm-lock.yaml")
      ? " && npm install -g pnpm"
      : "";
  return `apt-get update && apt-get install -y --no-install-recommends nodejs npm && rm -rf /var/lib/apt/lists/*${manager}`;
}

export function goImage(input: ImageInput): RuntimeImage {
  const { repo } = input;
  const moduleDir = repo.foldersWith("go.mod")[0];
  const first = input.processes[0];
  const binary = path.posix.basename((first?.command ?? "").trim().split(/\s+/)[0] || input.appName);
  // The binary and its settings have absolute paths in the image, so the process may run where it
  // runs on the VM: a relative folder it writes (listmonk's "uploads") is then the VM's, the mount's.
  const dirs = new Set(input.processes.map((s) => s.workingDir));
  const vmDir = dirs.size === 1 ? [...dirs][0] : undefined;
  const base: RuntimeImage = { runtime: "go", dockerfile: input.dockerfile, workdir: vmDir ?? "/", argv: {} };
  if (moduleDir === undefined)
    return { ...base, notice: "No go.mod was found in the repository, so no Go Dockerfile was written." };
  const release = goreleaserBuild(repo, binary);
  const pkg = mainPackage(repo, moduleDir, binary, release);
  if (!pkg)
    return {
      ...base,
      notice: `No main package for ${binary} was found (cmd/${binary}/main.go or a main.go with package main), so no Go Dockerfile was written.`,
    };
  const declared = declaredVersion("go", repo, moduleDir);
  const version = supportedVersion("go", declared?.min);
  const at = (f: string) => (moduleDir ? `${moduleDir}/${f}` : f);
  // go.mod lists every module the build uses (Go 1.17+); go.sum also sums modules only a dependency's
  // tests need (sqlx's go-sqlite3 in listmonk's). A release built with CGO_ENABLED=0 needs no cgo.
  const cgo =
    CGO.test(repo.read(at("go.mod")) ?? repo.read(at("go.sum")) ?? "") &&
    !/^\s*-\s*CGO_ENABLED=0\s*$/m.test(release ? (repo.read(release.file) ?? "") : "");
  // The binary takes the VM's arguments; the listen address comes from the environment. A word that
  // is only a variable the process's environment does not set is nothing to systemd
  // (listmonk@.service's $SYSTEMD_LISTMONK_ARGS from an optional EnvironmentFile): with no shell in
  // the image it would reach the program as it is written.
  const unset = (s: (typeof input.processes)[number], w: string) => {
    const name = /^\$\{?([A-Za-z_]\w*)\}?$/.exec(w)?.[1];
    return name !== undefined && !(s.env ?? []).includes(name);
  };
  const argsOf = (s: (typeof input.processes)[number] | undefined) =>
    (s?.command ?? "")
      .trim()
      .split(/\s+/)
      .filter((w) => !s || !unset(s, w));
  const args = atMounts(argsOf(first).slice(1), input.mounts);
  const cmd = [`/usr/local/bin/${binary}`, ...args];
  const argv: RuntimeImage["argv"] = {};
  for (const s of input.processes) {
    const words = atMounts(argsOf(s), input.mounts);
    argv[s.name] = {
      ok: true,
      argv: [`/usr/local/bin/${path.posix.basename(words[0] ?? binary)}`, ...words.slice(1)],
      dropped: [],
    };
  }
  const content = renderTemplateSync("image/Dockerfile.go.hbs", {
    app: input.appName,
    version,
    versionNote: versionNote(declared, version, { gap: "builds with the nearest supported Go" }),
    modFiles: [at("go.mod"), ...(repo.exists(at("go.sum")) ? [at("go.sum")] : [])],
    moduleDir: moduleDir || ".",
    binary,
    package: pkg,
    cgo,
    cmdJson: JSON.stringify(cmd),
    ...(vmDir ? { workdir: vmDir } : {}),
    ...(release && (release.before.length || release.after.length)
      ? { release: release.file, before: release.before, after: release.after, node: nodeSetup(repo) }
      : {}),
  });
  const skipped = release?.skipped.length
    ? `${release.file} runs ${release.skipped.map((h) => `\`${h}\``).join(", ")} around its build, which the image does not (a template field or a command goreleaser alone expands): add ${release.skipped.length > 1 ? "them" : "it"} to ${input.dockerfile} if the release needs ${release.skipped.length > 1 ? "them" : "it"}.`
    : undefined;
  return {
    ...base,
    ...(skipped ? { notice: skipped } : {}),
    content,
    cmd,
    argv,
    version,
    versionNote: declared?.source ?? "none declared",
    packageManager: "go",
  };
}
