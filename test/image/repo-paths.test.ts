// The repository reader's answers for paths the file system cannot look up: the paths come from the
// inventory's commands and the VM's files, so a name over 255 bytes or a loop of links must read as
// "not in the repository", never stop a run (bench/mutate-corpus.mjs seed 77122: a command word of
// 4,000 characters ended the design with ENAMETOOLONG from lstat).
import { symlinkSync } from "node:fs";
import path from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { openRepo } from "../../src/image/repo.js";
import { TempTrees } from "../helpers/file-tree.js";

const trees = new TempTrees("im-repo-paths-");
afterAll(() => trees.removeAll());

describe("openRepo with paths the file system refuses", () => {
  it("a name longer than the file system allows is not there", async () => {
    const repo = openRepo(await trees.make({ "cmd/main.go": "package main\n" }));
    const long = `cmd/${"x".repeat(4000)}`;
    expect(repo.exists(long)).toBe(false);
    expect(repo.read(long)).toBeUndefined();
    expect(repo.isDir(long)).toBe(false);
    expect(repo.files(long)).toEqual([]);
    expect(repo.canonical(long)).toBeUndefined();
    expect(repo.read("cmd/main.go")).toBe("package main\n");
  });

  it("a loop of links is not there", async () => {
    const dir = await trees.make({ "README.md": "x" });
    symlinkSync(path.join(dir, "b"), path.join(dir, "a"));
    symlinkSync(path.join(dir, "a"), path.join(dir, "b"));
    const repo = openRepo(dir);
    expect(repo.exists("a/file")).toBe(false);
    expect(repo.read("a")).toBeUndefined();
    expect(repo.files("")).toEqual(["README.md"]);
  });
});
