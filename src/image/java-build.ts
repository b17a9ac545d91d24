// How a Java repository builds: Maven or Gradle, through the project's own wrapper (mvnw,
// gradlew: the build tool release the project pins), and whether it makes one executable Spring
// Boot jar. Anything else (a WAR for a servlet container, a multi-module build whose jar sits in
// one of several modules, no wrapper to pin the tool) is reported with the reason, never guessed.
import path from "node:path";
import type { AppRepo } from "./repo.js";

export type JavaBuild =
  { ok: true; tool: "maven" | "gradle"; file: string; why?: string } | { ok: false; reason: string };

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
  if (!/<artifactId>\s*spring-boot-maven-plugin\s*<\/artifactId>/.test(build))
    return { ok: false, reason: "pom.xml has no spring-boot-maven-plugin, so `package` makes no executable jar" };
  return { ok: true, tool: "maven", file: "pom.xml" };
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
  if (!/org\.springframework\.boot/.test(text))
    return { ok: false, reason: `${file} does not apply the Spring Boot plugin, so there is no bootJar to run` };
  return { ok: true, tool: "gradle", file };
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
