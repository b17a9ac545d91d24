// Which runtime release an image uses: the one the app declares (requires-python, .python-version,
// .nvmrc, engines.node, .ruby-version, Gemfile's `ruby`, go.mod) wins over the VM's OS, moved to
// the nearest release with upstream support when the declared one has none. Both the Dockerfile
// and the CI test job use it, so the tests run on the runtime the image ships.
import { NODE_IMAGE_MAJORS, nodeRange } from "./node-range.js";
import type { AppRepo } from "./repo.js";
import { readToml, tomlAt, tomlString } from "./toml-file.js";

export type Stack = "python" | "node" | "ruby" | "go" | "php" | "java";

/**
 * Releases with upstream support on 2026-12-01 (python.org, nodejs.org, ruby-lang.org, php.net,
 * go.dev, Adoptium LTS). Python 3.10, Node 20, Ruby 3.2 and PHP 8.2 are past end of life; Node 26
 * became LTS in October 2026, Ruby 4.0 shipped in December 2025, Python 3.15 in October 2026.
 */
export const SUPPORTED: Record<Stack, readonly string[]> = {
  python: ["3.11", "3.12", "3.13", "3.14", "3.15"],
  node: ["22", "24", "26"],
  ruby: ["3.3", "3.4", "4.0"],
  php: ["8.3", "8.4", "8.5"],
  go: ["1.26", "1.27"],
  java: ["17", "21", "25"],
};

/**
 * Releases an image may use: the supported ones, and an older Node LTS with an official image when
 * the app's engines.node allows nothing newer (Ghost 5.96: ^18.12.1 || ^20.11.1), since the app
 * refuses to start on a release its range excludes.
 */
export const IMAGE_RELEASES: Record<Stack, readonly string[]> = {
  ...SUPPORTED,
  node: [...new Set([...NODE_IMAGE_MAJORS, ...SUPPORTED.node])].sort((a, b) => Number(a) - Number(b)),
};

export const RUNTIME_VERSION = new RegExp(
  `^(${[...new Set(Object.values(IMAGE_RELEASES).flat())].map((v) => v.replace(".", "\\.")).join("|")})$`,
);

const majorOnly = (stack: Stack) => stack === "node" || stack === "java";

export function compareVersions(a: string, b: string): number {
  const [x, y] = [a, b].map((v) => v.split(".").map(Number));
  return x![0]! - y![0]! || (x![1] ?? 0) - (y![1] ?? 0);
}

/** "3.12.4" → "3.12" (python, ruby, go, php); "20.11" → "20" (node, java). */
function release(stack: Stack, version: string): string | undefined {
  const m = /^(\d+)(?:\.(\d+))?/.exec(version.trim());
  if (!m) return undefined;
  if (majorOnly(stack) || m[2] === undefined) return m[1]!;
  return `${m[1]}.${m[2]}`;
}

/**
 * The oldest supported release at or above `wanted` and below `below` (an upper bound the app
 * declares); the newest supported one when `wanted` is newer than every release we know.
 */
export function supportedVersion(stack: Stack, wanted: string | undefined, below?: string): string {
  const list = SUPPORTED[stack];
  const w = wanted ? release(stack, wanted) : undefined;
  if (!w) return list[stack === "python" ? 1 : 0]!;
  const fits = list.filter((v) => compareVersions(v, w) >= 0 && (!below || compareVersions(v, below) < 0));
  return fits[0] ?? list.find((v) => compareVersions(v, w) >= 0) ?? list[list.length - 1]!;
}

/** The Python the VM's OS ships, which is what the app runs today. */
export function osPythonVersion(os: string | undefined): string | undefined {
  const known: Array<[RegExp, string]> = [
    [/ubuntu\s*24\.04/i, "3.12"],
    [/ubuntu\s*22\.04/i, "3.10"],
    [/ubuntu\s*20\.04/i, "3.8"],
    [/debian\s*(gnu\/linux\s*)?13|trixie/i, "3.13"],
    [/debian\s*(gnu\/linux\s*)?12|bookworm/i, "3.11"],
    [/debian\s*(gnu\/linux\s*)?11|bullseye/i, "3.9"],
  ];
  return known.find(([pattern]) => pattern.test(os ?? ""))?.[1];
}

export interface DeclaredVersion {
  /** The lowest release the app accepts, e.g. "3.12". */
  min: string;
  /** An exclusive upper bound it declares, e.g. "3.14" for `<3.14`. */
  below?: string;
  /** Where it was read, e.g. "pyproject.toml requires-python". */
  source: string;
  /** The release the declaration itself settles on (a bounded engines.node range), over `min`. */
  release?: string;
  /** Why the image uses `release` rather than `min`, for the Dockerfile's note. */
  gap?: string;
}

/**
 * The Dockerfile's note on where its runtime release comes from: the declaration, and why the
 * image uses another release when the declared one has no supported image (`gap`), else
 * `none` when nothing is declared.
 */
export function versionNote(
  declared: DeclaredVersion | undefined,
  version: string,
  { none = "the app declares none", gap }: { none?: string; gap?: string } = {},
): string {
  if (!declared) return none;
  if (version === declared.min) return declared.source;
  return `${declared.source}; ${gap ?? `${declared.min} has no upstream support, the nearest supported release is used`}`;
}

/** `>=3.12`, `~=3.11`, `^3.10`, `>= 3.1.0`, `>=20 <23`, `3.12.4`, `20`, `lts/iron` (ignored). */
export function parseConstraint(stack: Stack, text: string, source: string): DeclaredVersion | undefined {
  const lower = /(?:>=|~=|\^|~>|==|=|~)?\s*v?(\d+(?:\.\d+)?)/.exec(text);
  if (!lower) return undefined;
  const min = release(stack, lower[1]!);
  if (!min) return undefined;
  const upper = /<\s*=?\s*(\d+(?:\.\d+)?)/.exec(text);
  return { min, ...(upper ? { below: release(stack, upper[1]!) } : {}), source };
}

/** A string at `keys` of a TOML file; the `line` pattern's match when the file is not valid TOML. */
function tomlValue(text: string, keys: string[], line: RegExp): string | undefined {
  const parsed = readToml(text, "");
  return parsed.ok ? tomlString(tomlAt(parsed.doc, ...keys)) : line.exec(text)?.[1];
}

function python(repo: AppRepo, dir: string): DeclaredVersion | undefined {
  const file = repo.read(`${dir}.python-version`)?.trim().split("\n")[0];
  if (file) return parseConstraint("python", file, `${dir}.python-version`);
  const pyproject = repo.read(`${dir}pyproject.toml`) ?? "";
  const requires = tomlValue(pyproject, ["project", "requires-python"], /^\s*requires-python\s*=\s*["']([^"']+)["']/m);
  if (requires) return parseConstraint("python", requires, `${dir}pyproject.toml requires-python`);
  const poetry = tomlValue(
    pyproject,
    ["tool", "poetry", "dependencies", "python"],
    /^\s*python\s*=\s*["']([^"']+)["']/m,
  );
  if (poetry) return parseConstraint("python", poetry, `${dir}pyproject.toml [tool.poetry] python`);
  const runtimeTxt = /python-(\d+\.\d+)/.exec(repo.read(`${dir}runtime.txt`) ?? "")?.[1];
  if (runtimeTxt) return parseConstraint("python", runtimeTxt, `${dir}runtime.txt`);
  const pipfile = tomlValue(
    repo.read(`${dir}Pipfile`) ?? "",
    ["requires", "python_version"],
    /python_version\s*=\s*["'](\d+\.\d+)/,
  );
  return pipfile ? parseConstraint("python", pipfile, `${dir}Pipfile python_version`) : undefined;
}

function node(repo: AppRepo, dir: string): DeclaredVersion | undefined {
  for (const f of [".nvmrc", ".node-version"]) {
    const v = repo.read(`${dir}${f}`)?.trim();
    if (v && /^v?\d/.test(v)) return parseConstraint("node", v, `${dir}${f}`);
  }
  try {
    const engines = (JSON.parse(repo.read(`${dir}package.json`) ?? "{}") as { engines?: { node?: string } }).engines;
    if (engines?.node) return enginesNode(engines.node, `${dir}package.json engines.node`);
  } catch {
    // Not JSON: no declared version.
  }
  return undefined;
}

/**
 * A bounded range (every alternative has an upper end) names the releases the app was made for:
 * the image takes the highest LTS major it allows, supported ones first, as the app refuses to
 * start on one it excludes (Ghost checks engines.node; ghost-cli: "Ghost vX is not compatible with
 * the current Node version"). An open range (`>= 20.4.0`) keeps the nearest supported release
 * above its minimum. https://docs.npmjs.com/cli/v10/configuring-npm/package-json#engines
 */
function enginesNode(range: string, source: string): DeclaredVersion | undefined {
  const declared = parseConstraint("node", range, source);
  const allowed = nodeRange(range);
  if (!declared || !allowed?.bounded || allowed.majors.length === 0) return declared;
  const supported = allowed.majors.filter((m) => SUPPORTED.node.includes(m));
  const release = supported.at(-1) ?? allowed.majors.at(-1)!;
  const gap = supported.length
    ? "the highest LTS release the range allows"
    : `the highest LTS release the range allows; Node ${release} is past its end of life: move the app to a release whose engines.node allows ${SUPPORTED.node[0]} or later`;
  return { ...declared, release, gap };
}

function ruby(repo: AppRepo, dir: string): DeclaredVersion | undefined {
  const file = repo
    .read(`${dir}.ruby-version`)
    ?.trim()
    .replace(/^ruby-/, "");
  if (file) return parseConstraint("ruby", file, `${dir}.ruby-version`);
  const gemfile = /^\s*ruby\s+["']([^"']+)["']/m.exec(repo.read(`${dir}Gemfile`) ?? "")?.[1];
  if (gemfile) return parseConstraint("ruby", gemfile, `${dir}Gemfile ruby`);
  const lock = /RUBY VERSION\s+ruby (\d+\.\d+)/.exec(repo.read(`${dir}Gemfile.lock`) ?? "")?.[1];
  return lock ? parseConstraint("ruby", lock, `${dir}Gemfile.lock RUBY VERSION`) : undefined;
}

function go(repo: AppRepo, dir: string): DeclaredVersion | undefined {
  const mod = repo.read(`${dir}go.mod`) ?? "";
  const toolchain = /^toolchain go(\d+\.\d+)/m.exec(mod)?.[1];
  const directive = /^go (\d+\.\d+)/m.exec(mod)?.[1];
  const v = toolchain ?? directive;
  return v ? parseConstraint("go", v, `${dir}go.mod ${toolchain ? "toolchain" : "go"}`) : undefined;
}

function php(repo: AppRepo, dir: string): DeclaredVersion | undefined {
  let composer: { require?: Record<string, string>; config?: { platform?: Record<string, string> } };
  try {
    composer = JSON.parse(repo.read(`${dir}composer.json`) ?? "{}");
  } catch {
    return undefined;
  }
  // config.platform.php is the PHP composer resolved the lock for: the release the app is tested on.
  const platform = composer.config?.platform?.php;
  if (platform) return parseConstraint("php", platform, `${dir}composer.json config.platform.php`);
  const required = composer.require?.php;
  return required ? parseConstraint("php", required, `${dir}composer.json require.php`) : undefined;
}

/** `<java.version>`, `<maven.compiler.release>` (Maven); a toolchain or sourceCompatibility (Gradle). */
function java(repo: AppRepo, dir: string): DeclaredVersion | undefined {
  const pom = repo.read(`${dir}pom.xml`) ?? "";
  for (const tag of ["java.version", "maven.compiler.release", "maven.compiler.source"]) {
    const v = new RegExp(`<${tag.replace(/\./g, "\\.")}>\\s*(?:1\\.)?(\\d+)\\s*</`).exec(pom)?.[1];
    if (v) return parseConstraint("java", v, `${dir}pom.xml <${tag}>`);
  }
  for (const file of ["build.gradle", "build.gradle.kts"]) {
    const gradle = repo.read(`${dir}${file}`) ?? "";
    const toolchain = /languageVersion(?:\.set\(|\s*=\s*)\s*JavaLanguageVersion\.of\(\s*["']?(\d+)/.exec(gradle)?.[1];
    if (toolchain) return parseConstraint("java", toolchain, `${dir}${file} toolchain`);
    const source = /sourceCompatibility\s*=\s*(?:JavaVersion\.VERSION_(?:1_)?(\d+)|["']?(?:1\.)?(\d+))/.exec(gradle);
    if (source) return parseConstraint("java", source[1] ?? source[2]!, `${dir}${file} sourceCompatibility`);
  }
  return undefined;
}

/** The version the app declares for a stack, read in the folder `dir` ("" or "project/"). */
export function declaredVersion(stack: Stack, repo: AppRepo, dir = ""): DeclaredVersion | undefined {
  const prefix = dir && !dir.endsWith("/") ? `${dir}/` : dir;
  switch (stack) {
    case "python":
      return python(repo, prefix);
    case "node":
      return node(repo, prefix);
    case "ruby":
      return ruby(repo, prefix);
    case "go":
      return go(repo, prefix);
    case "php":
      return php(repo, prefix);
    case "java":
      return java(repo, prefix);
  }
}
