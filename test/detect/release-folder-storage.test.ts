// An app installed as a release in its own folder on the VM (/opt/<app>, the unit's
// WorkingDirectory) while init reads the source repository elsewhere: the release folder's
// conventional upload folders (media/, uploads/) are user files too.
import { mkdir, mkdtemp, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import path from "node:path";
import { afterEach, describe, expect, it } from "vitest";
import { detectRepo } from "../../src/detect/detect-repo.js";

let root: string | undefined;
afterEach(async () => {
  if (root) await rm(root, { recursive: true, force: true });
});

async function tree(files: Record<string, string>): Promise<string> {
  root = await mkdtemp(path.join(tmpdir(), "im-release-"));
  for (const [file, text] of Object.entries(files)) {
    await mkdir(path.dirname(path.join(root, file)), { recursive: true });
    await writeFile(path.join(root, file), text);
  }
  return root;
}

const UNIT = "[Service]\nWorkingDirectory=/opt/tracker\nExecStart=/usr/bin/java -jar tracker.jar conf/app.xml\n";

describe("upload folders in the VM folder an app unit runs in", () => {
  it.each([
    ["media/ beside the release's jar", "vm/opt/tracker/media/1234/photo.jpg", ["/opt/tracker/media"]],
    ["uploads/", "vm/opt/tracker/uploads/a.png", ["/opt/tracker/uploads"]],
    ["only logs: nothing", "vm/opt/tracker/logs/app.log", []],
  ])("%s", async (_name, file, want) => {
    const dir = await tree({
      "repo/build.gradle": 'implementation "org.eclipse.jetty:jetty-server:12"\n',
      "vm/etc/systemd/system/tracker.service": UNIT,
      "vm/opt/tracker/tracker.jar": "",
      [file]: "x",
    });
    const facts = await detectRepo(path.join(dir, "repo"), {
      host: { root: path.join(dir, "vm"), readListeners: async () => undefined },
      readRemote: async () => undefined,
    });
    expect((facts.storage ?? []).map((s) => s.path)).toEqual(want);
  });
});
