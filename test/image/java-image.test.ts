// Java images, case by case: Spring Boot with the Maven wrapper or the Gradle wrapper gets a
// multi-stage Dockerfile (JDK build with the wrapper, JRE runtime, non-root, --server.port=$PORT,
// heap sized from the container); other runnable builds (Gradle's installDist, Shadow, Maven shade
// or assembly, a jar with a copy-dependencies folder) get the same stages with the VM's arguments
// on the VM's port; a build without a wrapper, a WAR, several modules, nothing that runs on its
// own or a toolchain with no supported image keep a notice with the reason.
import { afterAll, describe, expect, it } from "vitest";
import { checkImageBuild } from "../../src/image/build-check.js";
import { filesNotInImage, javaImage } from "../../src/image/java-image.js";
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
    [
      "no runnable jar (Maven)",
      { "pom.xml": "<project></project>", ...MAVEN_WRAPPER },
      /no spring-boot-maven-plugin, shade/,
    ],
    [
      "no runnable jar (Gradle)",
      { "build.gradle": "plugins { id 'java' }\n", ...GRADLE_WRAPPER },
      /applies neither the Spring Boot plugin, the application plugin nor Shadow/,
    ],
    [
      "an application plugin with no name",
      { "build.gradle": "plugins {\n  id 'application'\n}\n", ...GRADLE_WRAPPER },
      /applies neither/,
    ],
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

// Java apps that are not Spring Boot: the runnable shape the build makes, run as the VM runs it on
// the port its own settings give it (no --server.port), each Dockerfile passing the build check and
// dockerfile-utils.
describe("javaImage for builds other than Spring Boot", () => {
  const server: Service = {
    ...web,
    command: "/usr/bin/java -Xmx512m -jar /opt/tracker/tracker.jar conf/app.xml",
    listen: ["127.0.0.1:8082"],
  } as Service;
  const plan = (files: Record<string, string>, process: Service = server) => {
    const { repo } = repoOf(files);
    const built = javaImage({
      repo,
      appName: "tracker",
      runtime: "java",
      dockerfile: "Dockerfile",
      processes: [process],
    });
    expect(built.notice).toBeUndefined();
    const text = built.content!;
    expect(lintDockerfile(text)).toEqual([]);
    const commands = Object.entries(built.argv).map(([name, a]) => ({ name, argv: a.ok ? a.argv : [] }));
    expect(checkImageBuild(text, repo, commands)).toEqual([]);
    expect(text).toMatch(/^USER app$/m);
    expect(text).toMatch(/^EXPOSE 8082$/m);
    expect(text).not.toMatch(/server\.port/);
    return { built, text };
  };

  it("a Gradle Copy task of runtimeClasspath beside a jar whose Class-Path names lib/: the jar and its lib/", () => {
    const { built, text } = plan({
      "build.gradle": `plugins { id "java" }
java { sourceCompatibility = JavaVersion.VERSION_21 }
jar.destinationDirectory = file("$projectDir/target")
tasks.register('copyDependencies', Copy) {
    into "$projectDir/target/lib"
    from configurations.runtimeClasspath
}
jar {
    manifest {
        attributes("Main-Class": "org.example.Main",
                "Class-Path": configurations.runtimeClasspath.files.collect { "lib/$it.name" }.join(" "))
    }
}
`,
      "settings.gradle": 'rootProject.name = "tracker"\n',
      ".gitmodules": '[submodule "web"]\n\tpath = web-ui\n\turl = ../web-ui.git\n',
      ...GRADLE_WRAPPER,
    });
    expect(text).toMatch(/^FROM eclipse-temurin:21-jdk AS build$/m);
    expect(text).toMatch(/^FROM eclipse-temurin:21-jre$/m);
    expect(text).toMatch(/\.\/gradlew --no-daemon jar copyDependencies/);
    expect(text).toMatch(
      /cp \$\(ls target\/\*\.jar \| grep -Ev -- '-\(sources\|javadoc\|plain\)\\\.jar\$'\) \/tmp\/app\/app\.jar/,
    );
    expect(text).toMatch(/cp -r target\/lib\/\. \/tmp\/app\/lib\/$/m);
    expect(text).toContain('CMD ["java","-jar","app.jar","conf/app.xml"]');
    expect(built.argv.api).toMatchObject({ ok: true, argv: ["java", "-jar", "app.jar", "conf/app.xml"] });
    // The submodule the checkout leaves empty is named, with what to add.
    expect(built.frontEndGap).toMatch(/`web-ui`.*`submodules: true`/);
    // The settings file the VM's command names is not in the runtime stage: said, with what to add.
    expect(built.startGap).toMatch(/^Its start command names `conf\/app\.xml`, which the image does not hold/);
    expect(built.startGap).toContain("/app/conf/app.xml");
  });

  it("the Kotlin DSL's tasks.register<Copy> of runtimeClasspath into $buildDir/deps, named deps/ in Class-Path", () => {
    const { text } = plan({
      "build.gradle.kts": `plugins { java }
java { toolchain { languageVersion.set(JavaLanguageVersion.of(21)) } }
tasks.register<Copy>("copyDeps") {
    from(configurations["runtimeClasspath"])
    into("$buildDir/deps")
}
tasks.jar {
    manifest {
        attributes("Main-Class" to "org.example.Main",
            "Class-Path" to configurations.runtimeClasspath.get().joinToString(" ") { "deps/\${it.name}" })
    }
}
`,
      ...GRADLE_WRAPPER,
    });
    expect(text).toMatch(/\.\/gradlew --no-daemon jar copyDeps/);
    expect(text).toMatch(/ls build\/libs\/\*\.jar/);
    expect(text).toMatch(/cp -r build\/deps\/\. \/tmp\/app\/deps\/$/m);
  });

  it("Gradle's application plugin: installDist's bin/<name> and lib/, the VM's start script arguments", () => {
    const { built, text } = plan(
      {
        "build.gradle.kts": `plugins {\n    application\n}\njava { toolchain { languageVersion.set(JavaLanguageVersion.of(17)) } }\napplication { mainClass.set("org.example.Main") }\n`,
        "settings.gradle.kts": 'rootProject.name = "tracker"\n',
        ...GRADLE_WRAPPER,
      },
      { ...server, command: "/opt/tracker/bin/tracker --config conf/app.xml" } as Service,
    );
    expect(text).toMatch(/^FROM eclipse-temurin:17-jre$/m);
    expect(text).toMatch(/\.\/gradlew --no-daemon installDist/);
    expect(text).toMatch(/cp -r build\/install\/tracker\/\. \/tmp\/app\/$/m);
    expect(text).toContain('CMD ["/app/bin/tracker","--config","conf/app.xml"]');
    expect(built.frontEndGap).toBeUndefined();
    expect(built.startGap).toMatch(/names `conf\/app\.xml`/);
  });

  it("Gradle Shadow: the -all jar", () => {
    const { text } = plan({
      "build.gradle": `plugins {\n  id 'java'\n  id 'com.gradleup.shadow' version '8.3.0'\n}\njava { sourceCompatibility = '21' }\n`,
      ...GRADLE_WRAPPER,
    });
    expect(text).toMatch(/\.\/gradlew --no-daemon shadowJar/);
    expect(text).toMatch(/cp \$\(ls build\/libs\/\*-all\.jar\) \/tmp\/app\/app\.jar/);
    expect(text).toContain('CMD ["java","-jar","app.jar","conf/app.xml"]');
  });

  const plugins = (xml: string, props = "<maven.compiler.release>21</maven.compiler.release>") =>
    `<project><properties>${props}</properties><build><plugins>${xml}</plugins></build></project>`;

  it("Maven shade: the shaded jar, not original-*.jar, on maven.compiler.release", () => {
    const { text } = plan({
      "pom.xml": plugins(
        "<plugin><artifactId>maven-shade-plugin</artifactId><executions><execution><goals><goal>shade</goal></goals></execution></executions></plugin>",
      ),
      ...MAVEN_WRAPPER,
    });
    expect(text).toMatch(/^FROM eclipse-temurin:21-jdk AS build$/m);
    expect(text).toMatch(/\.\/mvnw --batch-mode -DskipTests package/);
    expect(text).toMatch(/ls target\/\*\.jar \| grep -Ev -- '\/original-/);
  });

  it("Maven assembly's jar-with-dependencies, bound to package", () => {
    const { text } = plan({
      "pom.xml": plugins(
        "<plugin><artifactId>maven-assembly-plugin</artifactId><configuration><descriptorRefs><descriptorRef>jar-with-dependencies</descriptorRef></descriptorRefs></configuration><executions><execution><phase>package</phase><goals><goal>single</goal></goals></execution></executions></plugin>",
      ),
      ...MAVEN_WRAPPER,
    });
    expect(text).toMatch(/cp \$\(ls target\/\*-jar-with-dependencies\.jar\) \/tmp\/app\/app\.jar/);
  });

  it("Maven dependency:copy-dependencies beside a jar whose manifest adds the classpath", () => {
    const { text } = plan({
      "pom.xml": plugins(
        "<plugin><artifactId>maven-jar-plugin</artifactId><configuration><archive><manifest><addClasspath>true</addClasspath><classpathPrefix>libs/</classpathPrefix><mainClass>org.example.Main</mainClass></manifest></archive></configuration></plugin>" +
          "<plugin><artifactId>maven-dependency-plugin</artifactId><executions><execution><phase>package</phase><goals><goal>copy-dependencies</goal></goals><configuration><outputDirectory>${project.build.directory}/libs</outputDirectory></configuration></execution></executions></plugin>",
      ),
      ...MAVEN_WRAPPER,
    });
    expect(text).toMatch(/ls target\/\*\.jar \| grep -Ev -- '-\(sources\|javadoc\|tests\)/);
    expect(text).toMatch(/cp -r target\/libs\/\. \/tmp\/app\/libs\/$/m);
  });
});

describe("filesNotInImage", () => {
  it.each([
    [["java", "-jar", "app.jar", "conf/traccar.xml"], ["conf/traccar.xml"]],
    [
      ["/app/bin/tracker", "--config", "conf/app.yml", "--spring.config.location=config/app.properties"],
      ["conf/app.yml", "config/app.properties"],
    ],
    // A secret file's mount (absolute), a variable, the jar itself and plain words are not files the image lacks.
    [["java", "-jar", "app.jar", "/secrets/app.xml", "${CONF}", "serve", "-Xmx512m"], []],
    [["java", "-jar", "app.jar", "--port=8082"], []],
  ])("%j → %j", (cmd, files) => {
    expect(filesNotInImage(cmd)).toEqual(files);
  });
});
