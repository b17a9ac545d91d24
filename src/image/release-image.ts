// The image of an app the VM runs from a prebuilt release, not from source: a program installed in
// its own folder (a release tarball's binary, /opt/mattermost/bin/mattermost run from
// /opt/mattermost; a downloaded jar, `java -jar /opt/metabase/metabase.jar`) while the repository
// holds no project of any language. There is nothing to build, and the release (hundreds of MB)
// does not belong in git: the Dockerfile downloads the exact release at build time from build
// arguments (RELEASE_URL, RELEASE_SHA256, which the deploy workflow passes from repository
// variables), checks its SHA-256 before unpacking it, and runs the VM's command from the same
// folder layout, in APP_DIR. ADD --checksum is not used: whether it expands a build argument is not
// documented (only ENV, moby/buildkit#3287), so `sha256sum -c` checks the download instead.
import path from "node:path";
import type { Inventory, Service } from "../inventory/schema.js";
import { renderTemplateSync } from "../render/templates.js";
import { APP_DIR, inImagePath } from "./app-root.js";
import { APP_USER } from "./image-user.js";
import type { ImageInput, ReleaseArtifact, RuntimeImage } from "./image-types.js";

export type { ReleaseArtifact } from "./image-types.js";
import type { AppRepo } from "./repo.js";
import { supportedVersion, type Stack } from "./runtime-versions.js";

/** Manifests that make a folder a project of its stack (the CI test job checks the same). */
export const STACK_MANIFESTS: Array<[Stack, string[]]> = [
  ["python", ["requirements.txt", "pyproject.toml", "Pipfile", "setup.py", "manage.py"]],
  ["ruby", ["Gemfile"]],
  ["php", ["composer.json"]],
  ["java", ["pom.xml", "build.gradle", "build.gradle.kts"]],
  ["go", ["go.mod"]],
  ["node", ["package.json"]],
];

/** Interpreters: a program they run is the app's code, not a prebuilt program. */
const INTERPRETER = /^(node|nodejs|python[\d.]*|ruby|php[\d.]*|perl|bash|sh|dash)$/;
/** Folders of installed tools, never a release's own program. */
const TOOL_DIR = /\/(\.?venv|virtualenv|env|node_modules|vendor|\.bundle|\.rbenv|shims)\//;
const PROCESS_ROLES = new Set(["web", "worker", "scheduler", "cron", "other"]);
/** The release's unpacked folder in the fetch stage. */
const OUT = "/out";

const SYSTEM = /^\/(usr|lib|lib64|bin|sbin|etc|proc|sys|dev|run|tmp)(\/|$)/;

/**
 * The prebuilt file a process runs from the app's folder: `java … -jar ROOT/x.jar` (with no root
 * known, a jar outside the system's folders is its own folder's), or a program ROOT/… itself.
 */
function programOf(
  s: Service,
  root: string | undefined,
  runtime: Stack | undefined,
): { kind: ReleaseArtifact["kind"]; program: string; folder: string } | undefined {
  const words = (s.command ?? "").trim().split(/\s+/).filter(Boolean);
  const exe = words[0] ?? "";
  const jar = words.findIndex((w, i) => words[i - 1] === "-jar" && /^\/.*\.jar$/.test(w));
  if (/^java$/.test(path.posix.basename(exe)) && jar > 0) {
    const file = words[jar]!;
    if (root ? file.startsWith(`${root}/`) : !SYSTEM.test(file))
      return { kind: "jar", program: file, folder: root ?? path.posix.dirname(file) };
    return undefined;
  }
  // A program of an interpreted language (a virtualenv's gunicorn, a Rails binstub) is the app's
  // code run from source, not a release: only a native program (of no known language, or Go) is.
  const native = runtime === undefined || runtime === "go";
  if (
    root &&
    native &&
    exe.startsWith(`${root}/`) &&
    !INTERPRETER.test(path.posix.basename(exe)) &&
    !TOOL_DIR.test(exe)
  )
    return { kind: "tarball", program: exe, folder: root };
  return undefined;
}

/**
 * The prebuilt release the app's processes run, when the repository holds no project of any
 * language (no manifest at its root or two folders down) and a process's program lies in the app's
 * own folder. Processes running another file of the same kind share it; a repository that is not
 * at hand says nothing.
 */
export function releaseArtifact(
  inv: Inventory,
  repo: AppRepo,
  root: string | undefined,
  runtimeOf: (s: Service) => Stack | undefined,
): ReleaseArtifact | undefined {
  if (!repo.present) return undefined;
  if (STACK_MANIFESTS.some(([, files]) => files.some((f) => repo.foldersWith(f, 2).length))) return undefined;
  const found = inv.services
    .filter((s) => PROCESS_ROLES.has(s.role))
    .map((s) => ({ s, p: programOf(s, root, runtimeOf(s)) }))
    .filter((x): x is { s: Service; p: NonNullable<ReturnType<typeof programOf>> } => x.p !== undefined);
  const first = found.find((x) => x.s.role === "web") ?? found[0];
  if (!first) return undefined;
  const same = found.filter((x) => x.p.kind === first.p.kind && x.p.program === first.p.program);
  return { ...first.p, services: same.map((x) => x.s.name) };
}

/** The JRE major a jar runs on: the VM's Java when the inventory says it, else 21 (what current releases target). */
function jreVersion(processes: Service[]): { version: string; note: string } {
  const known = processes.find((s) => /^(java|openjdk)/i.test(s.software) && s.version)?.version;
  if (known) return { version: supportedVersion("java", known), note: `the VM's Java ${known}` };
  return {
    version: supportedVersion("java", "21"),
    note: "the VM's Java is not known: set the major `java -version` prints on the VM",
  };
}

export function releaseImage(
  input: Pick<ImageInput, "appName" | "dockerfile" | "processes">,
  release: ReleaseArtifact,
): RuntimeImage {
  const processes = input.processes.filter((s) => release.services.includes(s.name));
  const argv: RuntimeImage["argv"] = {};
  for (const s of processes) {
    const words = (s.command ?? "").trim().split(/\s+/).filter(Boolean);
    // The VM's JVM (/usr/bin/java) is the base image's `java`, on PATH.
    const program = release.kind === "jar" && /\/java$/.test(words[0] ?? "") ? ["java"] : words.slice(0, 1);
    argv[s.name] = {
      ok: true,
      argv: [...program, ...words.slice(1)].map((w) => inImagePath(w, release.folder)),
      dropped: program[0] !== words[0] ? [`${words[0]} → java`] : [],
    };
  }
  const first = processes[0];
  const cmd = first && argv[first.name]?.ok ? (argv[first.name] as { argv: string[] }).argv : [];
  const jar = release.kind === "jar";
  const jre = jar ? jreVersion(processes) : undefined;
  const relative = path.posix.relative(release.folder, release.program);
  const content = renderTemplateSync("image/Dockerfile.release.hbs", {
    app: input.appName,
    folder: release.folder,
    program: release.program,
    relative,
    jar,
    jre,
    out: OUT,
    appDir: APP_DIR,
    user: APP_USER,
    cmdJson: JSON.stringify(cmd),
  });
  return {
    runtime: jar ? "java" : "native",
    dockerfile: input.dockerfile,
    workdir: APP_DIR,
    argv,
    cmd,
    content,
    ...(jre ? { version: jre.version, versionNote: jre.note } : {}),
    release,
  };
}
