// The app's own files, read once: production dependencies per ecosystem (development and test
// lists are kept apart: they never decide a framework or a database), the package manager each
// lockfile names, the Go module, the env files that sit beside the code, and the config files
// whose few lines say how Redis is used. Plain data; nothing here leaves the machine.
import { DUMPED_ENV_FILE, dumpedEnvValues } from "./dumped-env.js";
import { parseGemfile } from "./gemfile.js";
import { parseMaskedJson } from "./masked-json.js";
import { flattenSettings, isJsonSettingsFile } from "./json-settings.js";
import { parsePackageJson } from "./node-deps.js";
import { normalisePackage, parsePyproject, parseRequirementsTxt } from "./python-deps.js";
import { environmentFileNames, environmentFileValues } from "./systemd.js";
import { composerName, goModuleName, javaBuildName, type ManifestName } from "./project-name.js";

export type Ecosystem = "python" | "node" | "ruby" | "php" | "go" | "java";

export interface AppContext {
  /** Production dependencies (normalised names), per ecosystem. */
  packages: Record<Ecosystem, Set<string>>;
  /** Lockfile or manifest → package manager, per ecosystem (poetry, uv, yarn, bundler, maven…). */
  packageManagers: Partial<Record<Ecosystem, string>>;
  /** Modules go.mod requires directly (no `// indirect`): what the app's own code imports. */
  goDirect?: Set<string>;
  /** Go module path (go.mod), whose last element usually names the binary. */
  goModule?: string;
  /** Names the app's manifests give the app itself (package.json `name`), per ecosystem. */
  appNames?: Partial<Record<Ecosystem, string[]>>;
  /** The name go.mod, composer.json or the Java build gives the project (project-name.ts picks one). */
  manifestNames?: ManifestName[];
  /** package.json scripts, to resolve `npm run start`. */
  nodeScripts: Record<string, string>;
  /** Values from the app's own env files (.env, .env.production, <app>.conf); never written out. */
  env: Record<string, string>;
  /**
   * The env files read in the VM's app folders: their path on the VM, the names they set and only
   * their *_PORT values (the ports a process listens on). The app loads them itself (dotenv, Laravel, paperless.conf); the image will not hold
   * them (they are not in git), so every name must reach Cloud Run another way.
   */
  hostEnvFiles: { path: string; names: string[]; values?: Record<string, string> }[];
  /** Short config texts that say how the app uses its stores (settings.py, production.rb, cable.yml…). */
  configTexts: { file: string; text: string }[];
  /** The repository's root .gitignore: what git says is not the repository's (storage.ts). */
  gitignore?: string;
  /** Every file name seen, repo-relative, for presence checks (manage.py, config/cable.yml…). */
  files: Set<string>;
  /** Absolute VM paths of the files read from the app's folders on the VM (WorkingDirectory, pm2 cwd). */
  vmFiles?: string[];
  /**
   * JSON settings files the app reads from its working directory (json-settings.ts): the file (its
   * path on the VM when read there) and its values by `__`-joined key; never written out.
   */
  jsonSettings: { path: string; values: Record<string, string> }[];
  /**
   * Plain PHP sessions: the first file of the app's own code (not vendor/) calling session_start(),
   * and one registering its own handler (session_set_save_handler), which then decides instead.
   */
  phpSessions?: { startedIn?: string; customHandler?: string };
  /**
   * The first file of the Rails app's own code (a .rb file under app/) that enqueues Active Job work
   * with each call (`deliver_later` mails, `perform_later` jobs): in-process-jobs.ts judges where it runs.
   */
  railsLaterCalls?: { file: string; call: "deliver_later" | "perform_later" }[];
  /** A release layout (release-dir.ts): the `current` link read and the release it led to. */
  release?: { link: string; target: string };
  /**
   * Other checkouts beside the app's folder on the VM (Taiga's taiga-events and taiga-protected
   * beside taiga-back), each with its own manifests: read apart, so the processes run there get
   * their own runtime, framework and stores, and the app's processes never get theirs.
   */
  folders?: { dir: string; context: AppContext }[];
}

export interface AppFiles {
  files: string[];
  read: (file: string) => Promise<string | undefined>;
  /** The folder's path on the VM, when these are the VM's own files (not the repository's). */
  hostDir?: string;
}

/** requirements-dev.txt, requirements/test.txt, dev-requirements.txt: not what production installs. */
export const DEV_FILE =
  /(^|[-_./])(dev|devel|develop|development|test|tests|testing|ci|lint|docs?|local|tox)([-_.]|$)/i;
/** .env files that are samples or for other environments, not this machine's. */
const SAMPLE_ENV = /(example|sample|dist|template|test|testing|dev|development|ci|docker|local)/i;
const LOCKFILES: [RegExp, Ecosystem, string][] = [
  [/^poetry\.lock$/, "python", "poetry"],
  [/^uv\.lock$/, "python", "uv"],
  [/^Pipfile(\.lock)?$/, "python", "pipenv"],
  [/^pdm\.lock$/, "python", "pdm"],
  [/^requirements\.txt$/, "python", "pip"],
  [/^pnpm-lock\.yaml$/, "node", "pnpm"],
  [/^(yarn\.lock|\.yarnrc\.yml)$/, "node", "yarn"],
  [/^package-lock\.json$/, "node", "npm"],
  [/^bun\.lockb?$/, "node", "bun"],
  [/^Gemfile(\.lock)?$/, "ruby", "bundler"],
  [/^composer\.(lock|json)$/, "php", "composer"],
  [/^go\.mod$/, "go", "go"],
  [/^(pom\.xml|mvnw)$/, "java", "maven"],
  [/^(build\.gradle(\.kts)?|gradlew)$/, "java", "gradle"],
];
const CONFIG_TEXT =
  /(^|\/)(settings(\/[^/]+)?\.py|settings\.py|configuration\.py|config\.py|config(\.inc)?\.php|production\.rb|config\/application\.rb|session_store\.rb|cable\.yml|storage\.yml|application(-[\w]+)?\.(properties|ya?ml)|(cache|queue|session|broadcasting|database|filesystems)\.php|config\/mail\.php|config\/initializers\/[^/]*(?:mail|cable)[^/]*\.rb|config\/database\.yml|app\.ini|db-config\.json|config\/packages\/(prod\/)?[^/]+\.ya?ml|config\/services\.ya?ml|app\/config\/[^/]+\.yml|src\/(?:\w+\/)*\w*SessionHandler\.php)$/;

export function emptyContext(): AppContext {
  return {
    packages: { python: new Set(), node: new Set(), ruby: new Set(), php: new Set(), go: new Set(), java: new Set() },
    packageManagers: {},
    nodeScripts: {},
    env: {},
    hostEnvFiles: [],
    jsonSettings: [],
    configTexts: [],
    files: new Set(),
  };
}

/** Reads one app folder into `context` (several folders, e.g. the repo and the VM's copy, add up). */
export async function readAppFiles(context: AppContext, { files, read, hostDir }: AppFiles): Promise<void> {
  // Read once, when the folder has an env file to judge: is git tracking it (then it is in the image)?
  let gitignore: Promise<string | undefined> | undefined;
  let phpScanned = 0;
  let rubyScanned = 0;
  const named = (ecosystem: ManifestName["ecosystem"], name: string | undefined) => {
    if (name) (context.manifestNames ??= []).push({ ecosystem, name, host: hostDir !== undefined });
  };
  const tracked = (base: string) =>
    files.includes(".gitignore") && (gitignore ??= read(".gitignore")).then((text) => !gitIgnores(text ?? "", base));
  for (const file of files) {
    context.files.add(file);
    const base = file.slice(file.lastIndexOf("/") + 1);
    const atRoot = !file.includes("/");
    for (const [match, ecosystem, manager] of LOCKFILES) {
      // A lockfile outranks the manifest it locks: poetry.lock says poetry even beside requirements.txt.
      if (
        atRoot &&
        match.test(base) &&
        (!context.packageManagers[ecosystem] || !/\.(json|txt|xml)$|^Gemfile$/.test(base))
      )
        context.packageManagers[ecosystem] = manager;
    }
    if (/^requirements[^/]*\.txt$|^requirements\/[^/]+\.txt$/.test(file) && !DEV_FILE.test(file)) {
      for (const name of parseRequirementsTxt((await read(file)) ?? "").keys()) context.packages.python.add(name);
    } else if (atRoot && base === "pyproject.toml") {
      for (const name of parsePyproject((await read(file)) ?? "").packages.keys()) context.packages.python.add(name);
    } else if (atRoot && base === "package.json") {
      const parsed = parsePackageJson((await read(file)) ?? "");
      for (const name of parsed?.packages.keys() ?? []) context.packages.node.add(name);
      Object.assign(context.nodeScripts, parsed?.scripts ?? {});
      if (parsed?.name) (context.appNames ??= {}).node = [...(context.appNames.node ?? []), parsed.name];
    } else if (atRoot && base === "Gemfile") {
      for (const gem of parseGemfile((await read(file)) ?? "")) context.packages.ruby.add(gem);
    } else if (atRoot && base === "composer.json") {
      const text = (await read(file)) ?? "";
      for (const name of composerRequire(text)) context.packages.php.add(name);
      named("php", composerName(text));
    } else if (atRoot && base === "go.mod") {
      const text = (await read(file)) ?? "";
      context.goModule = /^module\s+(\S+)/m.exec(text)?.[1];
      if (context.goModule) named("go", goModuleName(context.goModule));
      // Required modules, direct or not: a driver (go-sqlite3, pgx) is often listed as indirect.
      for (const m of text.matchAll(/^\s*(?:require\s+)?([a-z0-9.-]+\.[a-z]+\/[\w./-]+)\s+v\d(.*)$/gm)) {
        context.packages.go.add(m[1]!);
        if (!/\/\/\s*indirect\b/.test(m[2]!)) (context.goDirect ??= new Set()).add(m[1]!);
      }
    } else if (atRoot && (base === "pom.xml" || /^build\.gradle(\.kts)?$/.test(base))) {
      const text = (await read(file)) ?? "";
      // Frameworks, and the embedded HTTP servers a plain `java -jar` app serves with (JAVA_HTTP_SERVERS).
      for (const m of text.matchAll(
        /(spring-boot[\w-]*|spring-session[\w-]*|quarkus[\w-]*|micronaut[\w-]*|jetty-server|undertow-core|tomcat-embed-core|javalin|ktor-server-core|jersey-container-[\w-]+|helidon-webserver|jetty-[\w-]*websocket[\w-]*|undertow-websockets[\w-]*|tyrus-server)\b/g,
      ))
        context.packages.java.add(m[1]!);
      named("java", javaBuildName(base, text));
    } else if (atRoot && /^settings\.gradle(\.kts)?$/.test(base)) {
      named("java", javaBuildName(base, (await read(file)) ?? ""));
    } else if (atRoot && (isEnvFile(base) || base === DUMPED_ENV_FILE)) {
      const text = (await read(file)) ?? "";
      const dumped = base === DUMPED_ENV_FILE ? dumpedEnvValues(text) : undefined;
      Object.assign(context.env, dumped ?? environmentFileValues(text));
      // COMPOSE_PROJECT_NAME & co configure docker compose, not the app.
      const names = (dumped ? Object.keys(dumped) : environmentFileNames(text)).filter(
        (n) => /^[A-Z][A-Z0-9_]*$/.test(n) && !DOCKER_TOOLING.test(n),
      );
      // A file git tracks is in the image already; an ignored one (Laravel's .env) stays on the VM.
      // Only the *_PORT values are kept (listensFromPortNames reads the ports a process listens on):
      // the file's other values are secrets that have no business here.
      const ports = Object.fromEntries(
        Object.entries(dumped ?? environmentFileValues(text)).filter(
          ([n, v]) => /_PORT$/.test(n) && /^\d{2,5}$/.test(v),
        ),
      );
      if (hostDir && names.length && !(await tracked(base)))
        context.hostEnvFiles.push({
          path: `${hostDir.replace(/\/+$/, "")}/${file}`,
          names,
          ...(Object.keys(ports).length ? { values: ports } : {}),
        });
    }
    if (isJsonSettingsFile(file)) {
      const values = flattenSettings((await read(file)) ?? "");
      if (values)
        context.jsonSettings.push({ path: hostDir ? `${hostDir.replace(/\/+$/, "")}/${file}` : file, values });
    }
    if (PHP_CODE.test(file) && phpScanned++ < PHP_SCAN_LIMIT) await scanPhpSessions(context, file, read);
    if (RUBY_APP_CODE.test(file) && (context.railsLaterCalls?.length ?? 0) < 2 && rubyScanned++ < RUBY_SCAN_LIMIT)
      await scanLaterCalls(context, file, read);
    // The same read the tracked-file check above makes (or will make): one read of .gitignore.
    if (file === ".gitignore" && context.gitignore === undefined)
      context.gitignore = (await (gitignore ??= read(file))) ?? "";
    if (CONFIG_TEXT.test(file) && !DEV_FILE.test(base.replace(/\.\w+$/, "")) && context.configTexts.length < 40) {
      const text = await read(file);
      // The lines that matter sit near the top of a settings file; a huge one is cut, not skipped.
      if (text) context.configTexts.push({ file, text: text.slice(0, 64 * 1024) });
    }
  }
}

const DOCKER_TOOLING = /^(COMPOSE|DOCKER|BUILDKIT)_/;

/** The app's own PHP code near its root: dependencies, tests and caches are not the app's. */
const PHP_CODE = /^(?!(vendor|node_modules|tests?|storage|var|cache|bootstrap\/cache)\/)([^/]+\/){0,2}[^/]+\.php$/;
/** How many of those files are read for session calls (the entry points and includes come first). */
const PHP_SCAN_LIMIT = 200;

/** Notes where the app's PHP code starts a native session or sets its own session handler. */
async function scanPhpSessions(context: AppContext, file: string, read: AppFiles["read"]): Promise<void> {
  const text = (await read(file))?.slice(0, 256 * 1024) ?? "";
  const code = text.replace(/\/\/.*$|#.*$/gm, "");
  const found = (context.phpSessions ??= {});
  if (/\bsession_start\s*\(/.test(code)) found.startedIn ??= file;
  if (/\bsession_set_save_handler\s*\(/.test(code)) found.customHandler ??= file;
}

/** A Rails app's own code: models, mailers, jobs, controllers, services. */
const RUBY_APP_CODE = /^app\/(?:[^/]+\/)*[^/]+\.rb$/;
/** How many of those files are read for later-calls (the first file with each call is enough). */
const RUBY_SCAN_LIMIT = 400;

async function scanLaterCalls(context: AppContext, file: string, read: AppFiles["read"]): Promise<void> {
  const text = (await read(file))?.slice(0, 256 * 1024) ?? "";
  const code = text.replace(/^\s*#.*$/gm, "");
  const found = (context.railsLaterCalls ??= []);
  for (const call of ["deliver_later", "perform_later"] as const)
    if (new RegExp(`\\b${call}\\b`).test(code) && !found.some((c) => c.call === call)) found.push({ file, call });
}

/**
 * Whether a top-level .gitignore ignores a file at the root (`.env`, `/.env`, `.env*`, `*.env`; a
 * later `!name` re-includes it). Only root-level patterns matter for a root file.
 */
export function gitIgnores(gitignore: string, base: string): boolean {
  let ignored = false;
  for (const raw of gitignore.split(/\r?\n/)) {
    const line = raw.trim();
    if (!line || line.startsWith("#")) continue;
    const negate = line.startsWith("!");
    const pattern = (negate ? line.slice(1) : line).replace(/^(\*\*)?\//, "").replace(/\/$/, "");
    if (pattern.includes("/")) continue;
    const glob = new RegExp(
      `^${pattern
        .replace(/[.+^${}()|[\]\\]/g, "\\$&")
        .replace(/\*/g, ".*")
        .replace(/\?/g, ".")}$`,
    );
    if (glob.test(base)) ignored = !negate;
  }
  return ignored;
}

/**
 * `.env`, `.env.production`, `paperless.conf`: the values this deployment runs with. `.env.local`
 * and `.env.prod.local` are the machine's own overrides, read after `.env` (Symfony's Dotenv, the
 * place its docs give for production values; Next.js and Vite read them too); name order is the
 * order they apply. https://symfony.com/doc/current/configuration.html#configuring-environment-variables-in-env-files
 */
function isEnvFile(base: string): boolean {
  if (base === ".env" || /^\.env(\.(production|prod))?(\.local)?$/.test(base)) return true;
  return /^[\w-]+\.conf$/.test(base) && !SAMPLE_ENV.test(base);
}

function composerRequire(text: string): string[] {
  const doc = parseMaskedJson(text) as { require?: Record<string, unknown> } | undefined;
  return Object.keys(doc?.require ?? {}).map((n) => n.toLowerCase());
}

export const hasPackage = (context: AppContext, ecosystem: Ecosystem, name: string) =>
  context.packages[ecosystem].has(ecosystem === "python" || ecosystem === "node" ? normalisePackage(name) : name);
