// The Dockerfile for a Spring Boot app: built with the project's own wrapper (mvnw or gradlew) on
// the JDK the build file declares, run as an executable jar on the matching JRE as a non-root
// user. Spring Boot takes `--server.port` from the command line over every other source
// (docs.spring.io "Externalized Configuration"), so the image passes Cloud Run's $PORT there.
// Other Java apps (a WAR, several modules, no wrapper) get a notice with the reason.
import path from "node:path";
import { renderTemplateSync } from "../render/templates.js";
import { IMAGE_USERS } from "./image-user.js";
import type { ImageInput, RuntimeImage } from "./image-types.js";
import { javaBuild } from "./java-build.js";
import type { ProcessArgv } from "./process-argv.js";
import { declaredVersion, supportedVersion, SUPPORTED, versionNote } from "./runtime-versions.js";
import { shellTokens } from "./shell-words.js";

const JAR = "app.jar";

const PLAIN = /^[A-Za-z0-9_.:=\/@%+,-]{1,200}$/;

/**
 * A process's argv in the image: the app's jar, the VM command's system properties (-D…, such as
 * the Spring profile) before it and its arguments after it. Heap flags (-Xmx) are dropped: the
 * heap follows the container's memory limit.
 */
function jarArgv(command: string | undefined, web: boolean): ProcessArgv {
  const words = shellTokens(command ?? "").filter((t): t is string => typeof t === "string");
  const jar = words.findIndex((w, i) => /\.jar$/.test(w) && words[i - 1] === "-jar");
  if (jar < 0 && !web) return { ok: false, reason: "it does not run the app's jar (`java -jar …`)" };
  const options = jar >= 0 ? words.slice(1, jar - 1) : [];
  const properties = options.filter((w) => w.startsWith("-D"));
  const args = jar >= 0 ? words.slice(jar + 1).filter((w) => !/^--server\.(port|address)=/.test(w)) : [];
  const odd = [...properties, ...args].find((w) => !PLAIN.test(w));
  if (odd) return { ok: false, reason: `"${odd}" needs a shell (variables, quotes or spaces)` };
  const dropped = jar >= 0 ? [`${words.slice(0, jar + 1).join(" ")} → java -jar ${JAR}`] : [];
  const heap = options.filter((w) => !w.startsWith("-D"));
  if (heap.length) dropped.push(`${heap.join(" ")} (the heap follows the container's memory: JAVA_TOOL_OPTIONS)`);
  return {
    ok: true,
    argv: ["java", ...properties, "-jar", JAR, ...args, ...(web ? ["--server.port=8080"] : [])],
    dropped,
  };
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
