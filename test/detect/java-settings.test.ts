// A JVM app's settings file given on its command line (`java -jar tracker-server.jar
// conf/traccar.xml`, relative to the unit's working directory): a Java properties file, XML or
// key=value. With a password in it, it is a secret file; a key holding a JDBC URL is where the app
// reads its database.
import { describe, expect, it } from "vitest";
import { javaProperties, javaSettings, javaSettingsFileOf } from "../../src/detect/java-settings.js";
import { settingsSecretFiles } from "../../src/detect/settings-file.js";

const TRACCAR_XML = `<?xml version='1.0' encoding='UTF-8'?>
<!DOCTYPE properties SYSTEM 'http://java.sun.com/dtd/properties.dtd'>
<properties>
    <!-- <entry key='database.password'>old</entry> -->
    <entry key='database.driver'>com.mysql.cj.jdbc.Driver</entry>
    <entry key='database.url'>jdbc:mysql://localhost/traccar?serverTimezone=UTC&amp;useSSL=false</entry>
    <entry key='database.user'>traccar</entry>
    <entry key='database.password'>FAKE-password</entry>
</properties>
`;

describe("javaSettingsFileOf", () => {
  it.each([
    [
      "a jar's argument, from the working directory",
      "/opt/app/jre/bin/java -Xmx1g -jar app.jar conf/app.xml",
      "/opt/app",
      "/opt/app/conf/app.xml",
    ],
    ["an absolute one", "java -jar /srv/app.jar /etc/app/app.properties", undefined, "/etc/app/app.properties"],
    [
      "after a main class and its classpath",
      "java -cp lib/a.jar:lib/b.jar org.acme.Main settings.xml",
      "/srv/app",
      "/srv/app/settings.xml",
    ],
    ["a relative one with no working directory", "java -jar app.jar conf/app.xml", undefined, undefined],
    ["not a JVM", "/usr/bin/app conf/app.xml", "/opt/app", undefined],
    ["the jar itself is not a settings file", "java -jar app.jar", "/opt/app", undefined],
    [
      "a JVM option's file is not the program's",
      "java -Dlogback.configurationFile=log.xml -jar app.jar",
      "/opt/app",
      undefined,
    ],
  ])("%s", (_label, command, dir, want) => {
    expect(javaSettingsFileOf(command, dir)).toBe(want);
  });
});

describe("javaSettings", () => {
  it("reads XML entries (comments left out, entities decoded): the password is a secret, database.url the JDBC URL", () => {
    expect(javaProperties(TRACCAR_XML).get("database.url")).toBe(
      "jdbc:mysql://localhost/traccar?serverTimezone=UTC&useSSL=false",
    );
    expect(javaSettings(TRACCAR_XML)).toEqual({
      secrets: ["database.password"],
      database: { section: "database", host: "localhost", urlKey: "database.url" },
    });
  });

  it.each([
    [
      "key=value lines, a host with its port",
      "# app\nspring.datasource.url=jdbc:postgresql://db.internal:5432/app\nspring.datasource.password: s3cret\n",
      {
        secrets: ["spring.datasource.password"],
        database: { section: "spring.datasource", host: "db.internal:5432", urlKey: "spring.datasource.url" },
      },
    ],
    [
      "no JDBC URL: secrets only",
      "mail.smtp.password=x\nweb.url=http://example.com\n",
      { secrets: ["mail.smtp.password"] },
    ],
    ["an empty password is none", "<properties><entry key='database.password'></entry></properties>", { secrets: [] }],
  ])("%s", (_label, text, want) => {
    expect(javaSettings(text)).toEqual(want);
  });
});

describe("a JVM app's settings file as a secret file", () => {
  const service = {
    name: "traccar",
    command: "/opt/traccar/jre/bin/java -jar tracker-server.jar conf/traccar.xml",
    runtime: "java",
    workingDir: "/opt/traccar",
  };
  const read = async (file: string) => (file === "/opt/traccar/conf/traccar.xml" ? TRACCAR_XML : undefined);

  it("is one even inside the app's folder, with its database's JDBC key", async () => {
    expect(await settingsSecretFiles([service], ["/opt/traccar"], read)).toEqual([
      {
        file: {
          path: "/opt/traccar/conf/traccar.xml",
          services: ["traccar"],
          database: { section: "database", host: "localhost", urlKey: "database.url" },
        },
        secrets: ["database.password"],
      },
    ]);
  });

  it("is none without a password, or without the working directory the path is relative to", async () => {
    const plain = async () => "<properties><entry key='web.port'>8082</entry></properties>";
    expect(await settingsSecretFiles([service], [], plain)).toEqual([]);
    expect(await settingsSecretFiles([{ ...service, workingDir: undefined }], [], read)).toEqual([]);
  });
});
