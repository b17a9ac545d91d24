// Which processes run a prebuilt release (release-image.ts): a program in the app's own folder, or
// a jar there run by `java -jar`, while the repository holds no project of any language. A program
// an interpreter runs, one outside the folder, or a repository with a manifest builds from source.
import { afterAll, describe, expect, it } from "vitest";
import { vmAppRoot } from "../../src/image/app-root.js";
import { imageFor, planImages, runtimeOf } from "../../src/image/plan.js";
import { releaseArtifact } from "../../src/image/release-image.js";
import { openRepo } from "../../src/image/repo.js";
import { parseInventory } from "../../src/inventory/load.js";
import { TempTrees } from "../helpers/file-tree.js";

const trees = new TempTrees("release-image-");
afterAll(() => trees.removeAll());

function inventory(command: string, extra = ""): ReturnType<typeof parseInventory>["inventory"] {
  const text = `apiVersion: infra-migrate/v1
kind: Inventory
metadata: { name: app }
services:
  - name: app
    role: web
    software: app
    command: ${command}
    listen: ["127.0.0.1:9000"]
${extra}target: { project: app-prod, region: us-central1 }
`;
  return parseInventory(text, "inventory.yaml").inventory;
}

const EMPTY = { "config/settings.json": "{}\n" };

describe("releaseArtifact", () => {
  it.each([
    [
      "a tarball's binary in its folder",
      "/opt/chat/bin/chat",
      EMPTY,
      { kind: "tarball", program: "/opt/chat/bin/chat" },
    ],
    [
      "a jar in its folder",
      "/usr/bin/java -Xmx1g -jar /opt/bi/bi.jar",
      EMPTY,
      { kind: "jar", program: "/opt/bi/bi.jar" },
    ],
    ["a Go binary with its source here", "/opt/chat/bin/chat", { "go.mod": "module chat\n" }, undefined],
    [
      "a jar built from a pom a folder down",
      "/usr/bin/java -jar /opt/bi/bi.jar",
      { "bi/pom.xml": "<project/>\n" },
      undefined,
    ],
    ["a script an interpreter runs", "/opt/app/venv/bin/python /opt/app/run.py", EMPTY, undefined],
    ["a virtualenv's program", "/opt/app/venv/bin/gunicorn app.wsgi", EMPTY, undefined],
    ["a program outside the app's folder", "/usr/local/bin/chat --config /opt/chat/config.json", EMPTY, undefined],
  ])("%s", (_, command, files, want) => {
    const inv = inventory(command);
    const dir = trees.makeSync(files);
    const found = releaseArtifact(inv, openRepo(dir), vmAppRoot(inv), runtimeOf);
    if (want === undefined) expect(found).toBeUndefined();
    else expect(found).toMatchObject({ ...want, services: ["app"] });
  });

  it("says nothing when the repository is not at hand", () => {
    const inv = inventory("/opt/chat/bin/chat");
    expect(releaseArtifact(inv, openRepo("/nonexistent/repo"), vmAppRoot(inv), runtimeOf)).toBeUndefined();
  });
});

describe("the image of a prebuilt release", () => {
  it("is the main Dockerfile, the process's image, running the VM's command from /app", () => {
    const inv = inventory("/opt/chat/bin/chat --config /opt/chat/config/settings.json");
    const plan = planImages(inv, trees.makeSync(EMPTY));
    expect(plan.images).toHaveLength(1);
    const image = imageFor(plan, inv.services[0]!)!;
    expect(image).toMatchObject({ runtime: "native", dockerfile: "Dockerfile", release: { kind: "tarball" } });
    expect(image.cmd).toEqual(["/app/bin/chat", "--config", "/app/config/settings.json"]);
    expect(image.content).toContain("test -x /out/bin/chat");
  });

  it("runs a jar on the JRE of the VM's Java when the inventory names it, from the app's folder", () => {
    // The app's folder comes from its .env here: the jar keeps its place in it.
    const inv = inventory("/usr/bin/java -jar /opt/bi/lib/bi.jar", "    envFile: /opt/bi/.env\n");
    inv.services[0]!.software = "java";
    inv.services[0]!.version = "17.0.9";
    const image = planImages(inv, trees.makeSync(EMPTY)).images[0]!;
    expect(image.content).toMatch(/^FROM eclipse-temurin:17-jre$/m);
    expect(image.content).toContain("install -D -m 644 /tmp/release /out/lib/bi.jar");
    expect(image.cmd).toEqual(["java", "-jar", "/app/lib/bi.jar"]);
    // With no folder known, the jar's own folder is the app's.
    const bare = inventory("/usr/bin/java -jar /opt/bi/lib/bi.jar");
    expect(planImages(bare, trees.makeSync(EMPTY)).images[0]!.cmd).toEqual(["java", "-jar", "/app/bi.jar"]);
  });
});
