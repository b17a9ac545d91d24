// A Node manifest that takes packages from git (HedgeDoc 1.x: Idle.Js, diff-match-patch, lz-string,
// js-sequence-diagrams) needs git in the build stage: the slim Node image has none, and the
// install stops at the first such package.
import { afterAll, describe, expect, it } from "vitest";
import { gitDependencies, isGitSpec } from "../../src/image/node-git-deps.js";
import { nodeImage } from "../../src/image/node-image.js";
import { openRepo } from "../../src/image/repo.js";
import type { Service } from "../../src/inventory/schema.js";
import { TempTrees } from "../helpers/file-tree.js";

const trees = new TempTrees("im-git-deps-");
afterAll(() => trees.removeAll());

describe("isGitSpec", () => {
  it.each<[string, boolean]>([
    ["git+https://github.com/shawnmclean/Idle.js#commit=2b57cc6e49d177b7ddce0cca00ef5cbe07453541", true],
    ["git+https://github.com/hedgedoc/js-sequence-diagrams.git", true],
    ["git+ssh://git@github.com:npm/cli.git#v1.0.27", true],
    ["git://github.com/user/project.git#commit-ish", true],
    ["github:user/repo#semver:^1.0.0", true],
    ["gitlab:group/project", true],
    ["expressjs/express#4.x", true],
    ["https://github.com/user/repo.git#main", true],
    ["4.22.2", false],
    ["^1.2.0", false],
    ["npm:@scope/pkg@1.0.0", false],
    ["patch:passport@npm%3A0.7.0#~/.yarn/patches/passport-npm-0.7.0-df02531736.patch", false],
    ["file:../shared", false],
    ["workspace:*", false],
    ["https://registry.example.com/pkg-1.0.0.tgz", false],
  ])("%s → %s", (spec, git) => {
    expect(isGitSpec(spec)).toBe(git);
  });
});

describe("the Node image of a manifest with git dependencies", () => {
  const web: Service = {
    name: "web",
    role: "web",
    software: "node",
    command: "/usr/bin/yarn start",
    listen: ["127.0.0.1:3000"],
    dependsOn: [],
    env: [],
    runtime: "node",
  };
  const manifest = (deps: Record<string, string>) =>
    JSON.stringify({
      name: "app",
      scripts: { start: "node app.js" },
      dependencies: deps,
      packageManager: "yarn@4.13.0",
    });

  it.each<[string, Record<string, string>, string[]]>([
    [
      "git URLs: git is installed in the build stage only",
      { express: "4.22.2", "Idle.Js": "git+https://github.com/shawnmclean/Idle.js#commit=2b57cc6" },
      ["Idle.Js"],
    ],
    ["registry packages only: no git", { express: "4.22.2" }, []],
  ])("%s", (_name, deps, names) => {
    const dir = trees.makeSync({ "package.json": manifest(deps), "yarn.lock": "", "app.js": "" });
    const repo = openRepo(dir);
    expect(gitDependencies(repo, "")).toEqual(names);
    const text = nodeImage({
      repo,
      processes: [web],
      runtime: "node",
      appName: "app",
      dockerfile: "Dockerfile",
    }).content!;
    const [build, runtime] = text.split(/^FROM .* AS build$/m)[1]!.split(/^FROM /m);
    expect(build!.includes("apt-get install -y --no-install-recommends git ca-certificates")).toBe(names.length > 0);
    expect(runtime).not.toMatch(/apt-get/);
  });
});
