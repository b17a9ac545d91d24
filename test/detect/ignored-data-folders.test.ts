// Top-level folders of user files whose contents the repository's .gitignore leaves out: git says
// they are the deployment's data (Redmine's /files/*, where attachments go), not the code's.
import { describe, expect, it } from "vitest";
import { detectStorage, ignoredDataFolders } from "../../src/detect/storage.js";

const REDMINE_GITIGNORE = "/files/*\n/log/*.log*\n/plugins/*\n!/plugins/README\n/public/assets/*\n/themes/*\n/tmp/*\n";

describe("ignoredDataFolders", () => {
  it("takes a data-named folder git ignores the contents of, not logs, temp files or plugins", () => {
    const dirs = new Set([
      "files",
      "files/2026",
      "log",
      "plugins",
      "public",
      "public/assets",
      "themes",
      "tmp",
      "config",
    ]);
    expect(ignoredDataFolders(REDMINE_GITIGNORE, dirs)).toEqual(["files"]);
  });

  it("takes nothing when git tracks the folder, or without a .gitignore", () => {
    expect(ignoredDataFolders("/log/*\n", new Set(["files", "uploads"]))).toEqual([]);
    expect(ignoredDataFolders(undefined, new Set(["files"]))).toEqual([]);
  });

  it("makes the VM's folder a storage entry of the app", () => {
    const storage = detectStorage(
      {},
      "/opt/redmine",
      ["Gemfile", "files/2026/11/251114093012_notes.pdf", "log/production.log", "plugins/README"],
      [],
      [],
      REDMINE_GITIGNORE,
    );
    expect(storage.map((s) => s.path)).toEqual(["/opt/redmine/files"]);
  });
});
