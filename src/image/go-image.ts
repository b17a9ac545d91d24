// The Dockerfile for a Go app: the Go its go.mod declares, modules downloaded before the code is
// copied, the main package the VM's binary comes from, a static binary (cgo when a module needs
// it) on a distroless image. The VM's `/usr/bin/miniflux` becomes /usr/local/bin/miniflux.
import path from "node:path";
import { renderTemplateSync } from "../render/templates.js";
import type { ImageInput, RuntimeImage } from "./image-types.js";
import { declaredVersion, supportedVersion, versionNote } from "./runtime-versions.js";
import type { AppRepo } from "./repo.js";
import { atMounts } from "./process-argv.js";

/** Modules that need cgo (C libraries): the binary then links glibc and runs on distroless/base. */
const CGO = /github\.com\/mattn\/go-sqlite3|github\.com\/confluentinc\/confluent-kafka-go|gopkg\.in\/gographics/;

/** The main package for a binary: cmd/<name>, or the module root when it holds package main. */
function mainPackage(repo: AppRepo, moduleDir: string, binary: string): string | undefined {
  const at = (f: string) => path.posix.join(moduleDir, f);
  if (repo.exists(at(`cmd/${binary}/main.go`))) return `./cmd/${binary}`;
  if (/^package main\b/m.test(repo.read(at("main.go")) ?? "")) return ".";
  return undefined;
}

export function goImage(input: ImageInput): RuntimeImage {
  const { repo } = input;
  const moduleDir = repo.foldersWith("go.mod")[0];
  const first = input.processes[0];
  const binary = path.posix.basename((first?.command ?? "").trim().split(/\s+/)[0] || input.appName);
  const base: RuntimeImage = { runtime: "go", dockerfile: input.dockerfile, workdir: "/", argv: {} };
  if (moduleDir === undefined)
    return { ...base, notice: "No go.mod was found in the repository, so no Go Dockerfile was written." };
  const pkg = mainPackage(repo, moduleDir, binary);
  if (!pkg)
    return {
      ...base,
      notice: `No main package for ${binary} was found (cmd/${binary}/main.go or a main.go with package main), so no Go Dockerfile was written.`,
    };
  const declared = declaredVersion("go", repo, moduleDir);
  const version = supportedVersion("go", declared?.min);
  const at = (f: string) => (moduleDir ? `${moduleDir}/${f}` : f);
  const cgo = CGO.test(repo.read(at("go.sum")) ?? repo.read(at("go.mod")) ?? "");
  // The binary takes the VM's arguments; the listen address comes from the environment.
  const args = atMounts((first?.command ?? "").trim().split(/\s+/).slice(1), input.mounts);
  const cmd = [`/usr/local/bin/${binary}`, ...args];
  const argv: RuntimeImage["argv"] = {};
  for (const s of input.processes) {
    const words = atMounts((s.command ?? "").trim().split(/\s+/), input.mounts);
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
  });
  return {
    ...base,
    content,
    cmd,
    argv,
    version,
    versionNote: declared?.source ?? "none declared",
    packageManager: "go",
  };
}
