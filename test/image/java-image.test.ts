// Java images, case by case: Spring Boot with the Maven wrapper or the Gradle wrapper gets a
// multi-stage Dockerfile (JDK build with the wrapper, JRE runtime, non-root, --server.port=$PORT,
// heap sized from the container); a build without a wrapper, a WAR, several modules or a toolchain
// with no supported image keep a notice with the reason.
import { afterAll, describe, expect, it } from "vitest";
import { checkImageBuild } from "../../src/image/build-check.js";
import { javaImage } from "../../src/image/java-image.js";
import { openRepo } from "../../src/image/repo.js";
import type { Service } from "../../src/inventory/schema.js";
import { defaultTestCommand } from "../../src/phases/cicd/runtime.js";
import { lintDockerfile } from "../../src/validate/dockerfile.js";
import { TempTrees } from "../helpers/file-tree.js";

const trees = new TempTrees("java-image-");
afterAll(() => trees.removeAll());
function repoOf(files: Record<string, string>) {
  const dir = trees.makeSync(files);
  return { dir, repo: openRepo(dir) };
}

const pom = (body: string) =>
  `<project><parent><artifactId>spring-boot-starter-parent</artifactId></parent>${body}<build><plugins><plugin><groupId>org.springframework.boot</groupId><artifactId>spring-boot-maven-plugin</artifactId></plugin></plugins></build></project>`;
const MAVEN_WRAPPER = { mvnw: "#!/bin/sh\n", ".mvn/wrapper/maven-wrapper.properties": "distributionUrl=x\n" };
const GRADLE_WRAPPER = {
  gradlew: "#!/bin/sh\n",
  "gradle/wrapper/gradle-wrapper.properties": "distributionUrl=x\n",
  "gradle/wrapper/gradle-wrapper.jar": "jar",
};
const web: Service = {
  name: "api",
  role: "web",
  software: "java",
  runtime: "java",
  command: "/usr/bin/java -Xmx1g -Dspring.profiles.active=prod -jar /opt/api/api.jar --server.port=9000",
  dependsOn: [],
  env: [],
  listen: [],
} as unknown as Service;

const image = (repo: ReturnType<typeof openRepo>) =>
  javaImage({ repo, appName: "api", runtime: "java", dockerfile: "Dockerfile", processes: [web] });

describe("javaImage", () => {
  it("Spring Boot with the Maven wrapper: java.version, a cached wrapper build, JRE, non-root, $PORT", () => {
    const { dir, repo } = repoOf({
      "pom.xml": pom("<properties><java.version>21</java.version></properties>"),
      ...MAVEN_WRAPPER,
    });
    const built = image(repo);
    expect(built.notice).toBeUndefined();
    const text = built.content!;
    expect(text).toMatch(/^FROM eclipse-temurin:21-jdk AS build$/m);
    expect(text).toMatch(/^FROM eclipse-temurin:21-jre$/m);
    expect(text).toMatch(/--mount=type=cache,target=\/root\/\.m2/);
    expect(text).toMatch(/\.\/mvnw --batch-mode -DskipTests package/);
    expect(text).toMatch(/MaxRAMPercentage=75/);
    expect(text).toMatch(/^USER app$/m);
    // The VM's system property stays, its heap flag and port go: the container and Cloud Run decide.
    expect(text).toMatch(/exec java -Dspring\.profiles\.active=prod -jar app\.jar --server\.port=\$\{PORT\}"\]$/m);
    expect(built.argv.api).toMatchObject({
      ok: true,
      argv: ["java", "-Dspring.profiles.active=prod", "-jar", "app.jar", "--server.port=8080"],
    });
    expect(checkImageBuild(text, repo, [{ name: "api", argv: (built.argv.api as { argv: string[] }).argv }])).toEqual(
      [],
    );
    expect(lintDockerfile(text)).toEqual([]);
    expect(defaultTestCommand("java", dir)).toBe("./mvnw -B verify");
  });

  it("Spring Boot with the Gradle wrapper: the toolchain's JDK, bootJar without the plain jar", () => {
    const { dir, repo } = repoOf({
      "build.gradle.kts": `plugins { id("org.springframework.boot") version "3.4.0" }\njava { toolchain { languageVersion.set(JavaLanguageVersion.of(17)) } }\n`,
      "settings.gradle.kts": `rootProject.name = "api"\n`,
      ...GRADLE_WRAPPER,
    });
    const built = image(repo);
    expect(built.notice).toBeUndefined();
    expect(built.content).toMatch(/^FROM eclipse-temurin:17-jdk AS build$/m);
    expect(built.content).toMatch(/\.\/gradlew --no-daemon bootJar/);
    expect(built.content).toMatch(/grep -v -- '-plain\\\.jar\$'/);
    expect(built.versionNote).toBe("build.gradle.kts toolchain");
    expect(checkImageBuild(built.content!, repo)).toEqual([]);
    expect(lintDockerfile(built.content!)).toEqual([]);
    expect(defaultTestCommand("java", dir)).toBe("./gradlew build");
  });

  it.each([
    ["no wrapper", { "pom.xml": pom("") }, /no Maven wrapper \(mvnw and \.mvn\/wrapper\)/],
    ["a WAR", { "pom.xml": pom("<packaging>war</packaging>"), ...MAVEN_WRAPPER }, /packages a WAR/],
    [
      "several modules",
      { "pom.xml": pom("<modules><module>web</module></modules>"), ...MAVEN_WRAPPER },
      /multi-module/,
    ],
    ["no Spring Boot plugin", { "pom.xml": "<project></project>", ...MAVEN_WRAPPER }, /no spring-boot-maven-plugin/],
    [
      "a Gradle war",
      {
        "build.gradle": "plugins {\n  id 'war'\n  id 'org.springframework.boot' version '3.4.0'\n}\n",
        ...GRADLE_WRAPPER,
      },
      /applies the war plugin/,
    ],
    [
      "a toolchain without an image",
      {
        "build.gradle":
          "plugins { id 'org.springframework.boot' version '2.7.0' }\njava { toolchain { languageVersion = JavaLanguageVersion.of(11) } }\n",
        ...GRADLE_WRAPPER,
      },
      /toolchain asks for Java 11/,
    ],
    ["no build file", { "Main.java": "class Main {}" }, /no pom\.xml or build\.gradle/],
  ])("keeps a notice for %s", (_name, files, reason) => {
    const built = image(repoOf(files).repo);
    expect(built.content).toBeUndefined();
    expect(built.notice).toMatch(/^No Java Dockerfile is written: /);
    expect(built.notice).toMatch(reason);
  });
});
