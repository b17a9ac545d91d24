// The Dockerfile for a Java app: built with the project's own wrapper (mvnw or gradlew) on the JDK
// the build file declares, run on the matching JRE as a non-root user. A Spring Boot jar: Spring
// Boot takes `--server.port` from the command line over every other source (docs.spring.io
// "Externalized Configuration"), so the image passes Cloud Run's $PORT there. Other runnable
// shapes (java-build.ts: Gradle's installDist, a fat jar, a jar with its Class-Path folder) run
// with the VM's arguments and listen where the app's own settings say: the Cloud Run service keeps
// the VM's port (design compute.ts). Other Java apps (a WAR, several modules, no wrapper) get a
// notice with the reason.
import path from "node:path";
import { renderTemplateSync } from "../render/templates.js";
import { IMAGE_USERS } from "./image-user.js";
import type { ImageInput, RuntimeImage } from "./image-types.js";
import { javaBuild, type JavaShape } from "./java-build.js";
import { atWorkingDirMounts, type ProcessArgv } from "./process-argv.js";
import { declaredVersion, supportedVersion, SUPPORTED, versionNote } from "./runtime-versions.js";
import { shellTokens } from "./shell-words.js";
import { onlyPort } from "../inventory/listen.js";

const JAR = "app.jar";

const PLAIN = /^[A-Za-z0-9_.:=\/@%+,-]{1,200}$/;

/**
 * A process's argv in the image: the app's jar, the VM command's system properties (-D…, such as
 * the Spring profile) before it and its arguments after it. Heap flags (-Xmx) are dropped: the
 * heap follows the container's memory limit.
 */
function jarArgv(command: string | undefined, web: boolean, spring = true): ProcessArgv {
  const words = shellTokens(command ?? "").filter((t): t is string => typeof t === "string");
  const jar = words.findIndex((w, i) => /\.jar$/.test(w) && words[i - 1] === "-jar");
  if (jar < 0 && !web) return { ok: false, reason: "it does not run the app's jar (`java -jar …`)" };
  const options = jar >= 0 ? words.slice(1, jar - 1) : [];
  const properties = options.filter((w) => w.startsWith("-D"));
  const args = jar >= 0 ? words.slice(jar + 1).filter((w) => !spring || !/^--server\.(port|address)=/.test(w)) : [];
  const odd = [...properties, ...args].find((w) => !PLAIN.test(w));
  if (odd) return { ok: false, reason: `"${odd}" needs a shell (variables, quotes or spaces)` };
  const dropped = jar >= 0 ? [`${words.slice(0, jar + 1).join(" ")} → java -jar ${JAR}`] : [];
  const heap = options.filter((w) => !w.startsWith("-D"));
  if (heap.length) dropped.push(`${heap.join(" ")} (the heap follows the container's memory: JAVA_TOOL_OPTIONS)`);
  return {
    ok: true,
    argv: ["java", ...properties, "-jar", JAR, ...args, ...(web && spring ? ["--server.port=8080"] : [])],
    dropped,
  };
}

/** A process that runs installDist's start script (`/opt/app/bin/<name> args`), with its arguments. */
function scriptArgv(command: string | undefined, name: string, web: boolean): ProcessArgv {
  const words = shellTokens(command ?? "").filter((t): t is string => typeof t === "string");
  const program = `/app/bin/${name}`;
  if (words[0] === name || words[0]?.endsWith(`/bin/${name}`)) {
    const odd = words.slice(1).find((w) => !PLAIN.test(w));
    if (odd) return { ok: false, reason: `"${odd}" needs a shell (variables, quotes or spaces)` };
    return { ok: true, argv: [program, ...words.slice(1)], dropped: [`${words[0]} → ${program}`] };
  }
  if (web) return { ok: true, argv: [program], dropped: command ? [`${command} → ${program}`] : [] };
  return { ok: false, reason: `it does not run the application's start script (bin/${name})` };
}

/** The build stage's RUN: the wrapper's build, then what runs copied to /tmp/app. */
function buildRun(tool: "maven" | "gradle", tasks: string[], shape: Exclude<JavaShape, { kind: "spring-boot" }>) {
  const lines =
    tool === "maven"
      ? [
          "RUN --mount=type=cache,target=/root/.m2",
          "chmod +x mvnw",
          `./mvnw --batch-mode -DskipTests ${tasks.join(" ")}`,
        ]
      : ["RUN --mount=type=cache,target=/root/.gradle", "chmod +x gradlew", `./gradlew --no-daemon ${tasks.join(" ")}`];
  const jar = (jars: string, skip?: string) =>
    `cp $(ls ${jars}${skip ? ` | grep -Ev -- '${skip}'` : ""}) /tmp/app/${JAR}`;
  lines.push("mkdir -p /tmp/app");
  if (shape.kind === "application") lines.push(`cp -r build/install/${shape.name}/. /tmp/app/`);
  else lines.push(jar(shape.jars, shape.skip));
  if (shape.kind === "lib-jar") {
    const to = `/tmp/app/${shape.prefix.replace(/\/+$/, "")}`.replace(/\/+$/, "");
    if (to !== "/tmp/app") lines.push(`mkdir -p ${to}`);
    lines.push(`cp -r ${shape.lib}/. ${to}/`);
  }
  return lines
    .map((l, i) => (i === 0 ? `${l} \\` : i === 1 ? `  ${l} \\` : `  && ${l}${i < lines.length - 1 ? " \\" : ""}`))
    .join("\n");
}

export function javaImage(input: ImageInput): RuntimeImage {
  const { repo } = input;
  const dir =
    repo.foldersWith("pom.xml")[0] ??
    repo.foldersWith("build.gradle")[0] ??
    repo.foldersWith("build.gradle.kts")[0] ??
    "";
  const base: RuntimeImage = { runtime: "java", dockerfile: input.dockerfile, workdir: "/app", argv: {} };
  const build = javaBuild(repo, dir);
  if (!build.ok) return { ...base, notice: `No Java Dockerfile is written: ${build.reason}.` };
  const declared = declaredVersion("java", repo, dir);
  const version = supportedVersion("java", declared?.min);
  // A Gradle toolchain asks for that exact JDK; Gradle cannot download one in the build without a resolver.
  if (declared?.source.endsWith("toolchain") && declared.min !== version)
    return {
      ...base,
      notice: `No Java Dockerfile is written: the Gradle toolchain asks for Java ${declared.min}, which has no supported Eclipse Temurin image (${SUPPORTED.java.join(", ")}).`,
    };
  const at = (f: string) => (dir ? path.posix.join(dir, f) : f);
  if (build.shape.kind !== "spring-boot") return otherJava(input, base, build, build.shape, dir, declared, version);
  const argv: Record<string, ProcessArgv> = {};
  for (const s of input.processes) argv[s.name] = jarArgv(s.command, s.role === "web");
  const first = input.processes[0];
  const planned = first ? argv[first.name] : undefined;
  const web = first?.role === "web";
  const cmd = planned?.ok
    ? planned.argv.map((w) => (w === "--server.port=8080" ? "--server.port=${PORT}" : w))
    : ["java", "-jar", JAR, ...(web ? ["--server.port=${PORT}"] : [])];
  const content = renderTemplateSync("image/Dockerfile.java.hbs", {
    app: input.appName,
    version,
    versionNote: versionNote(declared, version, {
      none: "the build declares none",
      gap: `${declared?.min} has no supported image, the nearest supported release is used`,
    }),
    toolLabel: build.why ?? (build.tool === "maven" ? "Maven (mvnw)" : "Gradle (gradlew)"),
    maven: build.tool === "maven",
    subdir: dir,
    wrapper: at(build.tool === "maven" ? "mvnw" : "gradlew"),
    cmd: cmd.join(" "),
    user: IMAGE_USERS.java,
  });
  return {
    ...base,
    argv,
    cmd,
    content,
    version,
    versionNote: declared?.source ?? "none declared",
    packageManager: build.tool,
    ...(web
      ? {
          serves:
            "the image starts Spring Boot with --server.port=${PORT}, so its embedded server listens on Cloud Run's port",
        }
      : {}),
  };
}

/** The port the first web process listens on on the VM (its own settings), else 8080. */
function vmPort(input: ImageInput): number {
  const web = input.processes.find((p) => p.role === "web");
  return onlyPort(web?.listen ?? []) ?? 8080;
}

/** A git submodule the checkout leaves empty: the image builds without it, say so. */
function submoduleGap(input: ImageInput): string | undefined {
  const modules = input.repo.read(".gitmodules");
  if (!modules) return undefined;
  const paths = [...modules.matchAll(/^\s*path\s*=\s*(\S+)/gm)].map((m) => m[1]!);
  if (!paths.length) return undefined;
  const names = paths.map((p) => `\`${p}\``).join(", ");
  return `The repository has git submodules (${names}) that this image leaves out: the deploy's checkout needs \`submodules: true\` (actions/checkout) to fetch them, and a web UI one holds (an npm build, say) still needs its own build step in the Dockerfile, its output copied where the server serves it, as the project's release packages do.`;
}

function otherJava(
  input: ImageInput,
  base: RuntimeImage,
  build: { tool: "maven" | "gradle"; why?: string; tasks: string[] },
  shape: Exclude<JavaShape, { kind: "spring-boot" }>,
  dir: string,
  declared: ReturnType<typeof declaredVersion>,
  version: string,
): RuntimeImage {
  const argv: Record<string, ProcessArgv> = {};
  for (const s of input.processes) {
    const planned =
      shape.kind === "application"
        ? scriptArgv(s.command, shape.name, s.role === "web")
        : jarArgv(s.command, s.role === "web", false);
    // A settings file named relative to the unit's working directory that is a secret file
    // (Traccar's conf/traccar.xml): the command reads it where Cloud Run mounts it.
    argv[s.name] = planned.ok
      ? { ...planned, argv: atWorkingDirMounts(planned.argv, s.workingDir, input.mounts) }
      : planned;
  }
  const first = input.processes[0];
  const planned = first ? argv[first.name] : undefined;
  const cmd = planned?.ok
    ? planned.argv
    : shape.kind === "application"
      ? [`/app/bin/${shape.name}`]
      : ["java", "-jar", JAR];
  const port = vmPort(input);
  const content = renderTemplateSync("image/Dockerfile.java-app.hbs", {
    app: input.appName,
    version,
    versionNote: versionNote(declared, version, {
      none: "the build declares none",
      gap: `${declared?.min} has no supported image, the nearest supported release is used`,
    }),
    label: shape.kind === "application" ? `the application plugin's installDist (bin/${shape.name})` : shape.label,
    toolLabel: build.why ?? (build.tool === "maven" ? "Maven (mvnw)" : "Gradle (gradlew)"),
    subdir: dir,
    run: buildRun(build.tool, build.tasks, shape),
    port,
    cmd: JSON.stringify(cmd),
    user: IMAGE_USERS.java,
  });
  const gap = submoduleGap(input);
  const absent = filesNotInImage(cmd);
  return {
    ...base,
    argv,
    cmd,
    content,
    version,
    versionNote: declared?.source ?? "none declared",
    packageManager: build.tool,
    ...(gap ? { frontEndGap: gap } : {}),
    ...(absent.length
      ? {
          startGap: `Its start command names ${absent.map((f) => `\`${f}\``).join(", ")}, which the image does not hold (its runtime stage has only what the build makes, under /app): copy the file into the image with the secrets taken out of it (read from the environment), or mount it from Secret Manager where the command looks for it (/app/${absent[0]}) when it holds passwords.`,
        }
      : {}),
  };
}

/** A settings file's name: the formats a JVM server reads its configuration from. */
const CONFIG_FILE = /\.(xml|properties|conf|cfg|ini|toml|ya?ml|json)$/i;

/**
 * The relative files a JVM image's command names (`conf/app.xml`, `--config=conf/app.yml`): the
 * runtime stage holds only the build's output (app.jar and its lib folder, or installDist's bin/ and
 * lib/), so none of them is there. Absolute paths are left out: a secret file's mount (process-argv.ts).
 */
export function filesNotInImage(cmd: readonly string[]): string[] {
  const files = cmd
    .slice(1)
    .map((w) => (w.startsWith("-") ? w.slice(w.indexOf("=") + 1 || w.length) : w))
    .filter((w) => w && !w.startsWith("/") && !w.startsWith("-") && !w.includes("$") && CONFIG_FILE.test(w));
  return [...new Set(files)];
}
