// Finds a system Chromium/Chrome for SVG/PNG rendering. Puppeteer's own browser download is
// off (.puppeteerrc.cjs: skipDownload), so rendering works offline with a distro package.
import { accessSync, constants, statSync } from "node:fs";
import path from "node:path";

const PATH_NAMES = ["chromium-browser", "chromium", "google-chrome", "google-chrome-stable"];

const USUAL_PATHS = [
  "/usr/bin/google-chrome",
  "/usr/bin/google-chrome-stable",
  "/opt/google/chrome/chrome",
  "/snap/bin/chromium",
  "/Applications/Google Chrome.app/Contents/MacOS/Google Chrome",
  "/Applications/Chromium.app/Contents/MacOS/Chromium",
];

/** Where we look, in order: PUPPETEER_EXECUTABLE_PATH, /usr/bin/chromium, PATH, usual install paths. */
export function chromiumCandidates(env: NodeJS.ProcessEnv = process.env): string[] {
  const candidates: string[] = [];
  if (env.PUPPETEER_EXECUTABLE_PATH) candidates.push(env.PUPPETEER_EXECUTABLE_PATH);
  candidates.push("/usr/bin/chromium");
  const dirs = (env.PATH ?? "").split(path.delimiter).filter(Boolean);
  for (const name of PATH_NAMES) for (const dir of dirs) candidates.push(path.join(dir, name));
  candidates.push(...USUAL_PATHS);
  if (env.HOME) candidates.push(path.join(env.HOME, "Applications/Google Chrome.app/Contents/MacOS/Google Chrome"));
  return [...new Set(candidates)];
}

/** The first Chromium/Chrome executable found, or undefined. */
export function findChromium(env: NodeJS.ProcessEnv = process.env): string | undefined {
  return chromiumCandidates(env).find(isExecutableFile);
}

export function isExecutableFile(file: string): boolean {
  try {
    accessSync(file, constants.X_OK);
    return statSync(file).isFile();
  } catch {
    return false;
  }
}

export function chromiumInstallHint(): string {
  return [
    "Rendering diagrams needs Chromium or Google Chrome.",
    "  Debian/Ubuntu: sudo apt-get install -y chromium",
    "  macOS:         brew install --cask chromium   (or install Google Chrome)",
    "  Elsewhere:     set PUPPETEER_EXECUTABLE_PATH=/path/to/chrome",
  ].join("\n");
}
