// How a Java repository builds: Maven or Gradle, through the project's own wrapper (mvnw,
// gradlew: the build tool release the project pins), and what runnable shape it makes: a Spring
// Boot jar; Gradle's `application` plugin (installDist: bin/<name> and lib/); a fat jar (Gradle
// Shadow, Maven shade or assembly's jar-with-dependencies); or a plain jar whose manifest
// Class-Path names the jars a copy-dependencies step puts in a folder beside it (a Gradle Copy task
// from configurations.runtimeClasspath, Maven's dependency:copy-dependencies). Anything else (a WAR
// for a servlet container, a multi-module build whose jar sits in one of several modules, no
// wrapper to pin the tool, a jar with nothing to run it) is reported with the reason, never guessed.
import path from "node:path";
import type { AppRepo } from "./repo.js";

/** What the build makes that the image runs. Paths are relative to the build file's folder. */
export type JavaShape =
  | { kind: "spring-boot" }
  /** Gradle's application plugin: `installDist` writes build/install/<name>/bin/<name> and lib/. */
  | { kind: "application"; name: string }
  /** One jar holding its dependencies: `ls` of `jars`, less the names `skip` matches. */
  | { kind: "fat-jar"; jars: string; skip?: string; label: string }
  /** A plain jar (`jars`, less `skip`) whose manifest Class-Path names `prefix`<jar> in `lib`. */
  | { kind: "lib-jar"; jars: string; skip?: string; lib: string; prefix: string; label: string };

export type JavaBuild =
  | {
      ok: true;
      tool: "maven" | "gradle";
      file: string;
      why?: string;
      shape: JavaShape;
      /** Gradle tasks or Maven phases the image's build runs. */
      tasks: string[];
    }
  | { ok: false; reason: string };

const GRADLE_FILES = ["build.gradle.kts", "build.gradle"];

function mavenWrapper(repo: AppRepo, dir: string): boolean {
  return (
    repo.exists(path.posix.join(dir, "mvnw")) &&
    repo.exists(path.posix.join(dir, ".mvn/wrapper/maven-wrapper.properties"))
  );
}

function gradleWrapper(repo: AppRepo, dir: string): boolean {
  // gradlew starts Gradle through gradle-wrapper.jar; without the jar the wrapper cannot run.
  return (
    repo.exists(path.posix.join(dir, "gradlew")) &&
    repo.exists(path.posix.join(dir, "gradle/wrapper/gradle-wrapper.properties")) &&
    repo.exists(path.posix.join(dir, "gradle/wrapper/gradle-wrapper.jar"))
  );
}

/** The `<plugin>` element of `artifactId` in the build's plugins, or undefined. */
function mavenPlugin(build: string, artifactId: string): string | undefined {
  for (const m of build.matchAll(/<plugin>([\s\S]*?)<\/plugin>/g))
    if (new RegExp(`<artifactId>\\s*${artifactId}\\s*</artifactId>`).test(m[1]!)) return m[1]!;
  return undefined;
}

const tag = (text: string, name: string) => new RegExp(`<${name}>\\s*([^<]*?)\\s*</${name}>`).exec(text)?.[1];

/** Maven's runnable jars other than Spring Boot's: shade, assembly's jar-with-dependencies, copy-dependencies. */
function mavenShape(build: string): JavaShape | undefined {
  const jarPlugin = mavenPlugin(build, "maven-jar-plugin") ?? "";
  if (mavenPlugin(build, "maven-shade-plugin"))
    // shade replaces the jar and keeps the original as original-<name>.jar.
    return {
      kind: "fat-jar",
      jars: "target/*.jar",
      skip: "/original-[^/]*\\.jar$",
      label: "shaded jar (maven-shade-plugin)",
    };
  const assembly = mavenPlugin(build, "maven-assembly-plugin");
  if (assembly && /jar-with-dependencies/.test(assembly) && /<goal>\s*single\s*<\/goal>/.test(assembly))
    return {
      kind: "fat-jar",
      jars: "target/*-jar-with-dependencies.jar",
      label: "jar-with-dependencies (maven-assembly-plugin)",
    };
  const dependency = mavenPlugin(build, "maven-dependency-plugin");
  if (
    dependency &&
    /<goal>\s*copy-dependencies\s*<\/goal>/.test(dependency) &&
    /<addClasspath>\s*true\s*<\/addClasspath>/.test(jarPlugin) &&
    tag(jarPlugin, "mainClass")
  ) {
    const out = (tag(dependency, "outputDirectory") ?? "${project.build.directory}/dependency")
      .replace(/^\$\{project\.build\.directory\}/, "target")
      .replace(/^\$\{(project\.)?basedir\}\//, "");
    if (out.includes("$") || out.startsWith("/")) return undefined;
    return {
      kind: "lib-jar",
      jars: "target/*.jar",
      skip: "-(sources|javadoc|tests)\\.jar$",
      lib: out,
      prefix: tag(jarPlugin, "classpathPrefix") ?? "",
      label: "jar with its Class-Path (maven-jar-plugin) and dependency:copy-dependencies",
    };
  }
  return undefined;
}

/** Maven: the Spring Boot plugin repackages the jar; a WAR or modules need more than one guess. */
function maven(repo: AppRepo, dir: string): JavaBuild {
  const pom = repo.read(path.posix.join(dir, "pom.xml")) ?? "";
  const build = pom.replace(/<pluginManagement>[\s\S]*?<\/pluginManagement>/g, "");
  if (/<packaging>\s*war\s*<\/packaging>/.test(pom))
    return {
      ok: false,
      reason: "pom.xml packages a WAR, which runs in a servlet container the repository does not name",
    };
  if (/<modules>/.test(pom))
    return { ok: false, reason: "pom.xml is a multi-module build; which module's jar is the app is not certain" };
  if (/<artifactId>\s*spring-boot-maven-plugin\s*<\/artifactId>/.test(build))
    return { ok: true, tool: "maven", file: "pom.xml", shape: { kind: "spring-boot" }, tasks: ["package"] };
  const shape = mavenShape(build);
  if (shape) return { ok: true, tool: "maven", file: "pom.xml", shape, tasks: ["package"] };
  return {
    ok: false,
    reason:
      "pom.xml has no spring-boot-maven-plugin, shade plugin, assembly jar-with-dependencies or dependency:copy-dependencies beside a jar whose manifest Class-Path names them, so `package` makes no jar that runs on its own",
  };
}

/** `$projectDir/target/lib` → target/lib; `$buildDir/x` → build/x; undefined when other variables remain. */
function gradlePath(p: string): string | undefined {
  const out = p
    .replace(/^\$\{?projectDir\}?\/?/, "")
    .replace(/^\$\{?buildDir\}?/, "build")
    .replace(/^\/+/, "");
  return out.includes("$") || p.startsWith("/") || !out ? undefined : out;
}

/** A name a Gradle build sets: `key = "x"`, `key.set("x")`. */
function gradleString(text: string, key: string): string | undefined {
  return new RegExp(`\\b${key}(?:\\s*=\\s*|\\.set\\(\\s*)["']([^"'$]+)["']`).exec(text)?.[1];
}

/** Gradle's runnable shapes other than Spring Boot's bootJar. */
function gradleShape(text: string, settings: string): { shape: JavaShape; tasks: string[] } | undefined {
  const plugin = (id: string) =>
    new RegExp(
      `^\\s*(id\\s*\\(?\\s*["']${id}["']|apply\\s+plugin:\\s*["']${id}["']${/^\w+$/.test(id) ? `|${id}\\s*$` : ""})`,
      "m",
    ).test(text);
  if (
    ["com.github.johnrengelman.shadow", "com.gradleup.shadow", "io.github.goooler.shadow"].some((id) =>
      plugin(id.replace(/\./g, "\\.")),
    )
  )
    return {
      shape: { kind: "fat-jar", jars: "build/libs/*-all.jar", label: "shadow jar (Gradle Shadow)" },
      tasks: ["shadowJar"],
    };
  if (plugin("application")) {
    const name = gradleString(text, "applicationName") ?? gradleString(settings, "rootProject\\.name");
    return name && /^[A-Za-z0-9_.-]+$/.test(name)
      ? { shape: { kind: "application", name }, tasks: ["installDist"] }
      : undefined;
  }
  // A Copy task of the runtime classpath beside a jar whose manifest names each of its files.
  const copy =
    /(?:tasks\.register\(\s*["'](\w+)["']\s*,\s*Copy(?:::class(?:\.java)?)?\s*\)|task\s+(\w+)\s*\(\s*type\s*:\s*Copy\s*\)|tasks\.register<Copy>\(\s*"(\w+)"\s*\))\s*\{([\s\S]*?)\n\}/.exec(
      text,
    );
  const classPath = /["']Class-Path["']\s*(?::|to|,)\s*[^\n]*runtimeClasspath[^\n]*?["']([\w./-]*)\$\{?it\.name/.exec(
    text,
  );
  if (!copy || !classPath || !/["']Main-Class["']/.test(text)) return undefined;
  const task = copy[1] ?? copy[2] ?? copy[3]!;
  const body = copy[4]!;
  // `from configurations.runtimeClasspath` (Groovy, Kotlin's `.get()` too) or `configurations["runtimeClasspath"]`.
  if (!/from\s*\(?\s*configurations(\.(runtimeClasspath|runtime)\b|\[\s*"runtimeClasspath"\s*\])/.test(body))
    return undefined;
  const into = /into\s*\(?\s*(?:file\(\s*)?["']([^"']+)["']/.exec(body)?.[1];
  const lib = into && gradlePath(into);
  const destination =
    /(?:jar\.destinationDirectory|^\s*destinationDirectory)\s*=\s*file\(\s*["']([^"']+)["']\s*\)/m.exec(text)?.[1];
  const jarDir = destination ? gradlePath(destination) : "build/libs";
  if (!lib || !jarDir) return undefined;
  return {
    shape: {
      kind: "lib-jar",
      jars: `${jarDir}/*.jar`,
      skip: "-(sources|javadoc|plain)\\.jar$",
      lib,
      prefix: classPath[1]!,
      label: `jar with its Class-Path and the ${task} task's copy of runtimeClasspath`,
    },
    tasks: ["jar", task],
  };
}

function gradle(repo: AppRepo, dir: string, file: string): JavaBuild {
  const text = repo.read(path.posix.join(dir, file)) ?? "";
  const settings =
    repo.read(path.posix.join(dir, "settings.gradle")) ?? repo.read(path.posix.join(dir, "settings.gradle.kts")) ?? "";
  if (/^\s*(id\s*\(?\s*["']war["']|apply\s+plugin:\s*["']war["']|war\s*$)/m.test(text))
    return { ok: false, reason: `${file} applies the war plugin, which makes a WAR for a servlet container` };
  if (/^\s*include\b/m.test(settings))
    return {
      ok: false,
      reason: "settings.gradle includes several projects; which one's jar is the app is not certain",
    };
  if (/org\.springframework\.boot/.test(text))
    return { ok: true, tool: "gradle", file, shape: { kind: "spring-boot" }, tasks: ["bootJar"] };
  const shaped = gradleShape(text, settings);
  if (shaped) return { ok: true, tool: "gradle", file, ...shaped };
  return {
    ok: false,
    reason: `${file} applies neither the Spring Boot plugin, the application plugin nor Shadow, and no Copy task puts runtimeClasspath beside a jar whose manifest Class-Path names it, so nothing it builds runs on its own`,
  };
}

/** The build the image runs, from the folder `dir` of the repository. */
export function javaBuild(repo: AppRepo, dir = ""): JavaBuild {
  const hasPom = repo.exists(path.posix.join(dir, "pom.xml"));
  const gradleFile = GRADLE_FILES.find((f) => repo.exists(path.posix.join(dir, f)));
  if (!hasPom && !gradleFile) return { ok: false, reason: "no pom.xml or build.gradle was found" };
  const mvnw = hasPom && mavenWrapper(repo, dir);
  const gradlew = gradleFile !== undefined && gradleWrapper(repo, dir);
  // Both build files describe the same app (spring-petclinic has both): Maven when its wrapper is
  // there, Gradle when only Gradle's is.
  if (mvnw) {
    const build = maven(repo, dir);
    if (build.ok && gradleFile) return { ...build, why: `Maven, whose wrapper is there (${gradleFile} too)` };
    if (build.ok || !gradlew) return build;
  }
  if (gradlew) return gradle(repo, dir, gradleFile!);
  return {
    ok: false,
    reason: `the repository has no ${hasPom ? "Maven wrapper (mvnw and .mvn/wrapper)" : "Gradle wrapper (gradlew and gradle/wrapper)"}, so the build tool's release is not pinned`,
  };
}
