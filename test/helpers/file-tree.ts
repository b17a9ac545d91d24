// Small file trees in temp folders (a repository, a VM's root) for tests that read files: each
// test file makes its trees with one TempTrees (make, or makeSync where a test cannot await) and
// removes them all in afterAll.
import { mkdirSync, mkdtempSync, writeFileSync } from "node:fs";
import { mkdir, mkdtemp, rm, symlink, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import path from "node:path";

export class TempTrees {
  private readonly dirs: string[] = [];

  constructor(private readonly prefix = "im-tree-") {}

  /**
   * A new temp folder holding the files given (paths relative to it, folders made as needed), and
   * `links`: symbolic links at those paths to the targets given, as written (absolute or relative).
   */
  async make(files: Record<string, string>, links: Record<string, string> = {}): Promise<string> {
    const dir = await mkdtemp(path.join(tmpdir(), this.prefix));
    this.dirs.push(dir);
    for (const [file, text] of Object.entries(files)) {
      await mkdir(path.dirname(path.join(dir, file)), { recursive: true });
      await writeFile(path.join(dir, file), text);
    }
    for (const [link, target] of Object.entries(links)) {
      await mkdir(path.dirname(path.join(dir, link)), { recursive: true });
      await symlink(target, path.join(dir, link));
    }
    return dir;
  }

  /** The same, synchronously: for tables of cases built at collection time (it.each, describe bodies). */
  makeSync(files: Record<string, string>): string {
    const dir = mkdtempSync(path.join(tmpdir(), this.prefix));
    this.dirs.push(dir);
    for (const [file, text] of Object.entries(files)) {
      mkdirSync(path.dirname(path.join(dir, file)), { recursive: true });
      writeFileSync(path.join(dir, file), text);
    }
    return dir;
  }

  /** Removes every folder made (afterAll). */
  async removeAll(): Promise<void> {
    await Promise.all(this.dirs.splice(0).map((d) => rm(d, { recursive: true, force: true })));
  }
}
