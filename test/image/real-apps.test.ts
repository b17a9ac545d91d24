// Images for every app of the real-app corpus (test/fixtures/real/<app>, planned against the app's
// own repository folder): one per runtime its processes run, each passing the static build check
// with every command the deploy gives it; the runtime the app declares; its lockfile's package
// manager; a non-root user; the real start command on $PORT (PHP through the image's Apache, Spring
// Boot through --server.port).
import { existsSync, readFileSync } from "node:fs";
import path from "node:path";
import { describe, expect, it } from "vitest";
import { parse } from "yaml";
import { checkImageBuild } from "../../src/image/build-check.js";
import { lintDockerfile } from "../../src/validate/dockerfile.js";
import { planImages } from "../../src/image/plan.js";
import { openRepo } from "../../src/image/repo.js";
import { osPythonVersion } from "../../src/image/runtime-versions.js";
import { parseInventory } from "../../src/inventory/load.js";
import { ROOT } from "../helpers/phase-input.js";
// @ts-expect-error plain JS shared with the benchmark
import { loadCorpus } from "../../bench/fidelity-score.mjs";

const CORPUS = path.join(ROOT, "test/fixtures/real");
const corpus: { app: string; dir: string; truth: { from: string } }[] = existsSync(CORPUS)
  ? await loadCorpus(CORPUS)
  : [];

/** The release each image must use, and why (declared over the VM's OS). */
const EXPECTED: Record<string, Record<string, string>> = {
  netbox: { python: "3.12" }, // pyproject requires-python >=3.12 (the VM's Ubuntu 22.04 ships 3.10)
  healthchecks: { python: "3.12" }, // Django 6.1 in requirements.txt needs 3.12
  "paperless-ngx": { python: "3.11" }, // requires-python >=3.11
  redash: { python: "3.13" }, // requires-python >=3.13,<3.14
  "fastapi-celery": { python: "3.11" }, // nothing declared: Ubuntu 22.04's 3.10 → nearest supported
  outline: { node: "26" }, // .nvmrc
  ghost: { node: "20" }, // engines.node ^18.12.1 || ^20.11.1: the highest LTS it allows (past end of life, said so)
  mastodon: { ruby: "3.3", node: "22" }, // Gemfile ruby >= 3.1; engines.node is past end of life
  miniflux: { go: "1.26" },
  listmonk: { go: "1.26" }, // go.mod go 1.26.1
  maybe: { ruby: "3.4" }, // Gemfile.lock RUBY VERSION
  pixelfed: { php: "8.3" }, // composer.json require.php ^8.1|^8.2|^8.3: 8.1 and 8.2 are past end of life
  "spring-petclinic": { java: "17" }, // pom.xml <java.version>17
  bookstack: { php: "8.3" }, // composer.json config.platform.php 8.1.0, past end of life
  traccar: { java: "21" }, // build.gradle sourceCompatibility = JavaVersion.VERSION_21
  redmine: { ruby: "3.3" }, // Gemfile ruby >= 3.2.0, < 3.5.0 (Gemfile.lock: 3.2.3, past upstream support)
  nextcloud: { php: "8.3" }, // composer.json require.php ^8.1, config.platform.php 8.1: past end of life
  hedgedoc: { node: "22" }, // engines.node >=18 (docs: 20 or later; CI 20, 22, 24): the oldest LTS still supported
};
/**
 * What the static build check finds today in an app whose image cannot start yet, and why: each is
 * an open gap in the app's README ("Known gaps"); the run writes no Dockerfile for it and says so.
 * Asserted exactly, so a fix shows here and the entry goes.
 */
const OPEN_GAPS: Record<string, string[]> = {};
/**
 * Apps whose build the rules do not guess, so the plan writes no Dockerfile and says why in a
 * notice (an open gap in the app's README).
 */
const NO_IMAGE: Record<string, RegExp> = {
  // Its compose services run Immich's published images (no build:, no source on the VM): the deploy
  // copies the web process's image into Artifact Registry and runs it as it is.
  immich:
    /immich-server runs `ghcr\.io\/immich-app\/immich-server:v2`, immich-machine-learning runs `ghcr\.io\/immich-app\/immich-machine-learning:v2`: published images .* no Dockerfile is written/,
};
/**
 * Apps whose VM runs the team's own image, built as the compose file's `build:` says (inventory
 * `build`): that Dockerfile is the app's image, with nothing of ours in its place.
 */
const TEAM_BUILT: Record<string, { dockerfile: string; target?: string }> = {
  // Its compose services run /entrypoint-*.sh, which Dockerfile.django-debian copies into its image.
  defectdojo: { dockerfile: "Dockerfile.django-debian", target: "release" },
};
/**
 * Apps whose VM runs a prebuilt artifact with no source to build (release-image.ts): one image that
 * downloads the release (build arguments RELEASE_URL/RELEASE_SHA256, its SHA-256 checked), on the
 * base its program needs, running the VM's command from the release's folder in /app.
 */
const PREBUILT: Record<string, { from: string; cmd: string[] }> = {
  // A release tarball's binary of no known language: a slim Debian with CA certificates.
  mattermost: { from: "debian:bookworm-slim", cmd: ["/app/bin/mattermost"] },
  // A downloaded jar: the JRE (the VM's Java is not known: 21), the VM's JVM flags kept.
  metabase: {
    from: "eclipse-temurin:21-jre",
    cmd: ["java", "-Xmx2g", "--add-opens", "java.base/java.nio=ALL-UNNAMED", "-jar", "/app/metabase.jar"],
  },
};
/** The front-end builds an app's server serves, copied where it serves them: `from -> to`. */
const FRONT_ENDS: Record<string, string[]> = {
  twenty: ["packages/twenty-front/build -> packages/twenty-server/dist/front"],
};
/** The front ends an image leaves out, named in the plan: Traccar's web UI is the traccar-web submodule. */
const FRONT_END_GAPS: Record<string, RegExp[]> = {
  traccar: [/git submodules \(`traccar-web`\).*`submodules: true`/],
};
const FAMILY: Record<string, string> = {
  python: "python",
  node: "node",
  ruby: "ruby",
  go: "golang",
  php: "php",
  java: "eclipse-temurin",
};

describe.each(corpus.map((a) => [a.app, a] as const))("images for %s", (app, entry) => {
  const repoDir = path.join(entry.dir, entry.truth.from);
  const inv = parseInventory(readFileSync(path.join(entry.dir, "inventory.yaml"), "utf8"), "inventory.yaml").inventory;
  const os = osPythonVersion(inv.host.os);
  const plan = planImages(inv, repoDir, os ? { osPython: os } : {});

  it("writes a Dockerfile per runtime that passes the static build check, or a notice", () => {
    const prebuilt = PREBUILT[app];
    if (prebuilt) {
      expect(plan.images.map((i) => i.dockerfile)).toEqual(["Dockerfile"]);
      const image = plan.images[0]!;
      const text = image.content!;
      expect(image.notice).toBeUndefined();
      expect(text).toMatch(/^ARG RELEASE_URL$/m);
      expect(text).toMatch(/^ADD \$\{RELEASE_URL\} \/tmp\/release$/m);
      expect(text).toMatch(/sha256sum -c -/);
      expect([...text.matchAll(/^FROM (\S+)/gm)].map((m) => m[1]).pop()).toBe(prebuilt.from);
      expect(image.cmd).toEqual(prebuilt.cmd);
      expect(text).toContain(`CMD ${JSON.stringify(prebuilt.cmd)}`);
      expect(text).toMatch(/^USER app$/m);
      expect(text).toMatch(/^WORKDIR \/app$/m);
      expect(lintDockerfile(text)).toEqual([]);
      const commands = Object.entries(image.argv).map(([name, a]) => ({ name, argv: a.ok ? a.argv : [] }));
      expect(checkImageBuild(text, openRepo(repoDir), commands)).toEqual([]);
      return;
    }
    expect(plan.images.length).toBeGreaterThan(0);
    const team = TEAM_BUILT[app];
    if (team) {
      expect(plan.mainDockerfile).toBe(team.dockerfile);
      expect(plan.mainBuild).toMatchObject(team);
      expect(plan.images.map((i) => [i.dockerfile, i.content, i.notice])).toEqual([
        [team.dockerfile, undefined, undefined],
      ]);
      return;
    }
    const noImage = NO_IMAGE[app];
    if (noImage) {
      expect(plan.images.map((i) => [i.content, i.notice])).toEqual([[undefined, expect.stringMatching(noImage)]]);
      return;
    }
    // Ours beside a team Dockerfile that serves no HTTP (Kimai's PHP-FPM image build).
    expect(plan.mainDockerfile).toBe(plan.teamNotHttp ? "Dockerfile.cloudrun" : "Dockerfile");
    expect(plan.images[0]!.dockerfile).toBe(plan.mainDockerfile);
    // A process from another checkout on the VM (Taiga's taiga-events and taiga-protected beside
    // taiga-back) gets its own image that this repository cannot write: a notice naming the folder.
    for (const image of plan.images.filter((i) => i.checkout)) {
      expect(image.content).toBeUndefined();
      expect(image.notice).toContain(`runs from ${image.checkout!.folder} on the VM`);
      expect(existsSync(path.join(entry.dir, "vm", image.checkout!.folder))).toBe(true);
    }
    for (const image of plan.images.filter((i) => !i.checkout)) {
      expect(image.notice, image.dockerfile).toBeUndefined();
      const commands = Object.entries(image.argv).map(([name, a]) => {
        expect(a.ok, `${name}: ${a.ok ? "" : a.reason}`).toBe(true);
        return { name, argv: a.ok ? a.argv : [] };
      });
      expect(checkImageBuild(image.content!, openRepo(repoDir), commands)).toEqual(OPEN_GAPS[app] ?? []);
    }
  });

  it("uses the runtime the app declares, its package manager, a non-root user and $PORT", () => {
    for (const image of plan.images.filter((i) => i.content && !i.release)) {
      const text = image.content!;
      const want = EXPECTED[app]?.[image.runtime];
      const from = [...text.matchAll(/^FROM (\S+)/gm)].map((m) => m[1]!);
      expect(from[0]!.startsWith(`${FAMILY[image.runtime]}:`)).toBe(true);
      if (want) expect(from[0]).toMatch(new RegExp(`^${FAMILY[image.runtime]}:${want.replace(".", "\\.")}-`));
      expect(text).toMatch(/^USER (app|node|nonroot|www-data)$/m);
      if (/\bnpm ci\b/.test(text)) expect(openRepo(repoDir).foldersWith("package-lock.json").length).toBeGreaterThan(0);
      // A yarn.lock beside no package.json (Tandoor's root) has nothing to install.
      const yarnRoot = openRepo(repoDir).exists("yarn.lock") && openRepo(repoDir).exists("package.json");
      if (yarnRoot) expect(text).toMatch(/yarn install/);
      // A web server started by the shell form listens on the port Cloud Run gives it: from PORT,
      // or from the settings file it reads (Odoo's http_port), which the plan edits to that port.
      const portInFile = inv.secretFiles?.some((f) => f.server?.portKey);
      if (text.includes('CMD ["sh"') && !portInFile)
        expect(text).toMatch(/\$\{PORT\}|npm run|node |bundle exec sidekiq/);
      // Apache reads PORT itself: its Listen line and virtual host name it.
      if (text.includes('CMD ["apache2-foreground"]')) expect(text).toMatch(/Listen \$\{PORT\}/);
    }
  });
  // Twenty's own Dockerfile copies twenty-front's build to the server's dist/front (image/front-end.ts);
  // no other app's server serves another package's build, or is left with an unnamed gap.
  it("builds the front end its server serves from another package, as the app's own Dockerfile does", () => {
    const fronts = plan.images.flatMap((i) => (i.frontEnd ? [`${i.frontEnd.from} -> ${i.frontEnd.to}`] : []));
    expect(fronts).toEqual(FRONT_ENDS[app] ?? []);
    expect(plan.images.flatMap((i) => (i.frontEndGap ? [i.frontEndGap] : []))).toEqual(
      (FRONT_END_GAPS[app] ?? []).map((re) => expect.stringMatching(re)),
    );
  });
});

describe("the corpus's runtimes", () => {
  it("covers Python, Node, Ruby, Go, PHP and Java Dockerfiles", () => {
    const runtimes = new Set(
      corpus.flatMap((a) => {
        const inv = parse(readFileSync(path.join(a.dir, "inventory.yaml"), "utf8"));
        return planImages(
          parseInventory(JSON.stringify(inv), "x.json").inventory,
          path.join(a.dir, a.truth.from),
        ).images.map((i) => `${i.runtime}:${i.content ? "dockerfile" : "notice"}`);
      }),
    );
    for (const r of [
      "python:dockerfile",
      "node:dockerfile",
      "ruby:dockerfile",
      "go:dockerfile",
      "php:dockerfile",
      "java:dockerfile",
    ])
      expect(runtimes).toContain(r);
  });
});
