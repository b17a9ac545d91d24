// A Go project released with goreleaser: its own Dockerfile packages goreleaser's binary (not
// buildable from a checkout), and its build names the main package and the hooks around `go build`
// (listmonk's front end and stuffbin packing): our Go image builds it the way the release does.
import { mkdtemp, mkdir, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import path from "node:path";
import { describe, expect, it } from "vitest";
import { goImage } from "../../src/image/go-image.js";
import { goreleaserBuild } from "../../src/image/goreleaser.js";
import { openRepo } from "../../src/image/repo.js";
import { releaseToolOnly, mainDockerfile, OWN_MAIN_DOCKERFILE } from "../../src/image/serves-http.js";
import type { Service } from "../../src/inventory/schema.js";

const GORELEASER = `env:
  - CGO_ENABLED=0
before:
  hooks:
    - make build-frontend
builds:
  - binary: app
    main: ./cmd
    hooks:
      post: make pack-bin BIN={{ .Path }}
dockers:
  - use: buildx
    dockerfile: Dockerfile
`;
const PACKAGING = 'FROM alpine:latest\nWORKDIR /app\nCOPY app .\nCOPY config.toml.sample config.toml\nCMD ["./app"]\n';

async function repoOf(files: Record<string, string>) {
  const dir = await mkdtemp(path.join(tmpdir(), "im-goreleaser-"));
  for (const [file, text] of Object.entries(files)) {
    await mkdir(path.dirname(path.join(dir, file)), { recursive: true });
    await writeFile(path.join(dir, file), text);
  }
  return openRepo(dir);
}

describe("releaseToolOnly: a Dockerfile goreleaser builds around its own binary", () => {
  it.each([
    ["goreleaser's dockers: build it, COPY app of builds[].binary", { ".goreleaser.yml": GORELEASER }, true],
    ["the binary is in the repository (committed): it builds", { ".goreleaser.yml": GORELEASER, app: "binary" }, false],
    ["no goreleaser: someone else puts app there", {}, false],
    [
      "goreleaser builds another Dockerfile",
      { ".goreleaser.yaml": GORELEASER.replace("dockerfile: Dockerfile", "dockerfile: build/Dockerfile.release") },
      false,
    ],
  ] as const)("%s", (_label, files, packaging) => {
    const read = (f: string) => (files as Record<string, string>)[f];
    expect(Boolean(releaseToolOnly(PACKAGING, read))).toBe(packaging);
  });

  it("is built beside, as ours, with the reason", () => {
    const files: Record<string, string> = { Dockerfile: PACKAGING, ".goreleaser.yml": GORELEASER };
    const main = mainDockerfile((f) => files[f]);
    expect(main.file).toBe(OWN_MAIN_DOCKERFILE);
    expect(main.notHttp).toContain("COPY app");
    // A multi-stage Dockerfile that builds the binary itself is the team's image.
    files.Dockerfile =
      "FROM golang:1.22 AS b\nCOPY . .\nRUN go build -o /app ./cmd\nFROM alpine\nCOPY --from=b /app /app\n";
    expect(mainDockerfile((f) => files[f]).file).toBe("Dockerfile");
  });
});

describe("goreleaserBuild", () => {
  it("reads the main package and the hooks, {{ .Path }} as the image's build output", async () => {
    const repo = await repoOf({ ".goreleaser.yml": GORELEASER });
    expect(goreleaserBuild(repo, "app")).toEqual({
      file: ".goreleaser.yml",
      main: "./cmd",
      before: ["make build-frontend"],
      after: ["make pack-bin BIN=/out/app"],
      skipped: [],
    });
  });

  it("leaves out a hook with another template field, and another binary's build", async () => {
    const text = GORELEASER.replace("make build-frontend", "make assets VERSION={{ .Version }}");
    const repo = await repoOf({ ".goreleaser.yml": text });
    expect(goreleaserBuild(repo, "app")?.skipped).toEqual(["make assets VERSION={{ .Version }}"]);
    expect(goreleaserBuild(repo, "other")).toBeUndefined();
  });
});

describe("the Go image of a goreleaser project", () => {
  const service = (command: string, env?: string[]): Service =>
    ({ name: "app", role: "web", software: "app", command, ...(env ? { env } : {}) }) as Service;
  const files = {
    "go.mod": "module github.com/acme/app\n\ngo 1.22\n\nrequire github.com/lib/pq v1.10.9\n",
    // Only a dependency's tests need go-sqlite3: go.sum lists it, go.mod does not.
    "go.sum": "github.com/mattn/go-sqlite3 v1.14.22 h1:x\n",
    "cmd/main.go": "package main\n\nfunc main() {}\n",
    ".goreleaser.yml": GORELEASER,
    "frontend/package.json": "{}\n",
    "frontend/yarn.lock": "\n",
  };

  it("builds ./cmd with the release's hooks around go build, Node for the front end, statically", async () => {
    const repo = await repoOf(files);
    const image = goImage({
      repo,
      appName: "app",
      runtime: "go",
      dockerfile: OWN_MAIN_DOCKERFILE,
      processes: [service("/usr/bin/app --config /etc/app/app.toml $APP_ARGS")],
      mounts: { "/etc/app/app.toml": "/secrets/app-toml/app.toml" },
    });
    const content = image.content!;
    expect(content).toContain("npm install -g yarn@1");
    const order = ["RUN make build-frontend", "go build -trimpath", "RUN make pack-bin BIN=/out/app"].map((l) =>
      content.indexOf(l),
    );
    expect(order.every((i) => i > 0) && order[0]! < order[1]! && order[1]! < order[2]!).toBe(true);
    expect(content).toContain('CGO_ENABLED=0 go build -trimpath -ldflags="-s -w" -o /out/app ./cmd');
    // $APP_ARGS, set nowhere in the process's environment, is no word at all (systemd's reading).
    expect(image.cmd).toEqual(["/usr/local/bin/app", "--config", "/secrets/app-toml/app.toml"]);
  });

  it("keeps a variable the process's environment sets", async () => {
    const repo = await repoOf(files);
    const image = goImage({
      repo,
      appName: "app",
      runtime: "go",
      dockerfile: "Dockerfile",
      processes: [service("/usr/bin/app $APP_ARGS", ["APP_ARGS"])],
    });
    expect(image.cmd).toEqual(["/usr/local/bin/app", "$APP_ARGS"]);
  });

  // A relative folder the binary writes (listmonk's upload_path "uploads") resolves against the
  // unit's WorkingDirectory on the VM, where the deploy mounts its bucket: the image runs there too.
  it.each([
    ["one working directory: the runtime stage's WORKDIR", ["/var/lib/app-main"], "/var/lib/app-main"],
    ["none known: no WORKDIR", [undefined], undefined],
    ["two processes in different folders: no WORKDIR", ["/srv/a", "/srv/b"], undefined],
  ])("%s", async (_label, dirs, want) => {
    const repo = await repoOf(files);
    const image = goImage({
      repo,
      appName: "app",
      runtime: "go",
      dockerfile: "Dockerfile",
      processes: dirs.map((dir, i) => ({
        ...service(`/usr/bin/app --config /etc/app/app.toml${i ? " worker" : ""}`),
        name: `app-${i}`,
        ...(dir ? { workingDir: dir } : {}),
      })),
    });
    const runtime = image.content!.slice(image.content!.lastIndexOf("FROM "));
    expect(image.workdir).toBe(want ?? "/");
    if (want) expect(runtime).toMatch(new RegExp(`^WORKDIR ${want}$`, "m"));
    else expect(runtime).not.toContain("WORKDIR");
  });
});
