// The project's name comes from the main app's own manifest: the runtime the proxy serves at `/`
// (else the one most processes run), from the repository; never from a neighbour's package.json
// (Redash's front end `redash-client` beside its pyproject `redash`; Taiga's taiga-events checkout).
import { describe, expect, it } from "vitest";
import { mkdtempSync, mkdirSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { afterAll } from "vitest";
import { detectRepo } from "../../src/detect/detect-repo.js";
import {
  composerName,
  goModuleName,
  javaBuildName,
  projectName,
  type ManifestName,
} from "../../src/detect/project-name.js";
import type { DetectedService } from "../../src/detect/types.js";

const svc = (name: string, role: string, runtime?: string, routes?: { path: string; service: string }[]) =>
  ({
    name,
    role,
    software: name,
    listen: [],
    dependsOn: [],
    ...(runtime ? { runtime } : {}),
    ...(routes ? { routes } : {}),
  }) as unknown as DetectedService;
const py = (name: string, host = false): ManifestName => ({ ecosystem: "python", name, host });
const js = (name: string, host = false): ManifestName => ({ ecosystem: "node", name, host });

describe("projectName", () => {
  it.each<[string, ManifestName[], DetectedService[], string | undefined]>([
    [
      "Redash: `/` goes to gunicorn, the root has both manifests",
      [js("redash-client"), py("redash")],
      [
        svc("nginx", "reverse-proxy", undefined, [{ path: "/", service: "server" }]),
        svc("server", "web", "python"),
        svc("worker", "worker", "python"),
      ],
      "redash",
    ],
    [
      "no route at `/`: the runtime most processes run",
      [js("client"), py("api")],
      [svc("web", "web", "python"), svc("worker", "worker", "python"), svc("ui", "web", "node")],
      "api",
    ],
    [
      "a Node app at `/` with a Python helper",
      [py("helper"), js("shop")],
      [
        svc("nginx", "reverse-proxy", undefined, [{ path: "/", service: "app" }]),
        svc("app", "web", "node"),
        svc("a", "worker", "python"),
        svc("b", "worker", "python"),
      ],
      "shop",
    ],
    [
      "Taiga: only another checkout's package.json names anything: no name (the folder's is used)",
      [js("taigaio-events", true)],
      [svc("taiga", "web", "python"), svc("taiga-async", "worker", "python"), svc("taiga-events", "web", "node")],
      undefined,
    ],
    [
      "the repository names another runtime only: still the repository's",
      [js("board")],
      [svc("web", "web", "python")],
      "board",
    ],
    [
      "only the VM's folder of the main runtime names it (no repository manifest)",
      [js("kuma", true)],
      [svc("kuma", "web", "node")],
      "kuma",
    ],
    ["nothing named", [], [svc("web", "web", "python")], undefined],
  ])("%s", (_name, names, services, expected) => {
    expect(projectName(names, services)).toBe(expected);
  });
});

describe("the name Go, PHP and Java manifests give the project", () => {
  it.each([
    ["code.gitea.io/gitea", "gitea"],
    ["miniflux.app/v2", "miniflux"],
    ["github.com/mattermost/mattermost/server/v8", "mattermost"],
    ["gitlab.com/acme/billing", "billing"],
    ["example.com/tools/report-runner", "report-runner"],
    ["shop", "shop"],
  ])("go.mod module %s → %s", (module, name) => {
    expect(goModuleName(module)).toBe(name);
  });

  it("composer.json: the package part of `vendor/name`, not a skeleton's name, nothing from broken JSON", () => {
    expect(composerName('{"name": "kimai/kimai", "type": "project"}')).toBe("kimai");
    expect(composerName('{"name": "bookstackapp/bookstack"}')).toBe("bookstack");
    expect(composerName('{"name": "laravel/laravel", "type": "project"}')).toBeUndefined();
    expect(composerName('{"require": {}}')).toBeUndefined();
    expect(composerName("{ not json")).toBeUndefined();
  });

  it("Java: the project's own artifactId (not the parent's or a dependency's) and settings.gradle's rootProject.name", () => {
    const pom = `<project>
  <modelVersion>4.0.0</modelVersion>
  <parent>
    <groupId>org.springframework.boot</groupId>
    <artifactId>spring-boot-starter-parent</artifactId>
  </parent>
  <!-- <artifactId>commented-out</artifactId> -->
  <groupId>org.example</groupId>
  <artifactId>ledger-service</artifactId>
  <dependencies><dependency><artifactId>spring-boot-starter-web</artifactId></dependency></dependencies>
</project>`;
    expect(javaBuildName("pom.xml", pom)).toBe("ledger-service");
    expect(javaBuildName("settings.gradle", "rootProject.name = 'spring-petclinic'\n")).toBe("spring-petclinic");
    expect(javaBuildName("settings.gradle.kts", 'rootProject.name = "orders"\n')).toBe("orders");
    expect(javaBuildName("build.gradle", "plugins { id 'java' }")).toBeUndefined();
  });

  const dirs: string[] = [];
  afterAll(() => dirs.forEach((d) => rmSync(d, { recursive: true, force: true })));
  it.each([
    ["go.mod", "module code.gitea.io/gitea\n\ngo 1.22\n", "gitea"],
    ["composer.json", '{"name": "acme/invoices", "require": {"php": ">=8.1"}}', "invoices"],
    ["pom.xml", "<project><artifactId>ledger</artifactId></project>", "ledger"],
  ])("init in a checkout folder named `repo` names the app from its %s", async (file, text, name) => {
    const root = path.join(mkdtempSync(path.join(tmpdir(), "im-name-")), "repo");
    dirs.push(path.dirname(root));
    mkdirSync(root);
    writeFileSync(path.join(root, file), text);
    const facts = await detectRepo(root, { readRemote: async () => undefined });
    expect(facts.name).toBe(name);
  });
});
