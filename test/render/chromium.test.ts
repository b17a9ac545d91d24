import { chmodSync, mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { chromiumCandidates, chromiumInstallHint, findChromium } from "../../src/render/chromium.js";

const dir = mkdtempSync(path.join(tmpdir(), "chromium-test-"));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

function fakeBrowser(name: string, mode = 0o755): string {
  const file = path.join(dir, name);
  writeFileSync(file, "#!/bin/sh\n");
  chmodSync(file, mode);
  return file;
}

describe("chromiumCandidates", () => {
  it("puts PUPPETEER_EXECUTABLE_PATH first, then /usr/bin/chromium, then PATH names in order", () => {
    const list = chromiumCandidates({ PUPPETEER_EXECUTABLE_PATH: "/x/chrome", PATH: "/a:/b" });
    expect(list.slice(0, 6)).toEqual([
      "/x/chrome",
      "/usr/bin/chromium",
      "/a/chromium-browser",
      "/b/chromium-browser",
      "/a/chromium",
      "/b/chromium",
    ]);
    expect(list).toContain("/Applications/Google Chrome.app/Contents/MacOS/Google Chrome");
    expect(list.indexOf("/a/google-chrome")).toBeLessThan(list.indexOf("/a/google-chrome-stable"));
  });

  it("has no env entry when the variable is unset or empty", () => {
    expect(chromiumCandidates({ PATH: "" })[0]).toBe("/usr/bin/chromium");
    expect(chromiumCandidates({ PUPPETEER_EXECUTABLE_PATH: "", PATH: "" })[0]).toBe("/usr/bin/chromium");
  });
});

describe("findChromium", () => {
  it("returns an executable PUPPETEER_EXECUTABLE_PATH", () => {
    const exe = fakeBrowser("my-chrome");
    expect(findChromium({ PUPPETEER_EXECUTABLE_PATH: exe, PATH: "" })).toBe(exe);
  });

  it("skips a PUPPETEER_EXECUTABLE_PATH that is not executable", () => {
    const file = fakeBrowser("not-executable", 0o644);
    expect(findChromium({ PUPPETEER_EXECUTABLE_PATH: file, PATH: "" })).not.toBe(file);
  });

  it("skips a directory", () => {
    expect(findChromium({ PUPPETEER_EXECUTABLE_PATH: dir, PATH: "" })).not.toBe(dir);
  });

  it("gives install hints for Debian, macOS and the env variable", () => {
    expect(chromiumInstallHint()).toMatch(/apt-get install -y chromium/);
    expect(chromiumInstallHint()).toMatch(/macOS/);
    expect(chromiumInstallHint()).toMatch(/PUPPETEER_EXECUTABLE_PATH/);
  });
});
