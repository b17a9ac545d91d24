// The team's own Dockerfile is the app's image only when its final stage answers HTTP: Cloud Run
// sends HTTP requests to the container's port. A final stage of PHP-FPM alone (Kimai's image
// build with its default `ARG BASE=fpm`: php:8.3-fpm-alpine, EXPOSE 9000) speaks FastCGI and needs
// a web server in front, which a VM's nginx was; built as it is, no request would be served. Such a
// Dockerfile is left alone and the deploy builds ours beside it (OWN_MAIN_DOCKERFILE).
// https://cloud.google.com/run/docs/container-contract#port
import path from "node:path";
import { parse as parseYaml } from "yaml";
import { commandArgv, parseDockerfile, type Instruction, type Stage } from "./dockerfile-parse.js";
import type { TeamBuild } from "../inventory/schema.js";

/** Our Dockerfile for the app, written beside a team Dockerfile that does not serve HTTP. */
export const OWN_MAIN_DOCKERFILE = "Dockerfile.cloudrun";

/** An image that carries a web server (php:8.3-apache, trafex/php-nginx, FrankenPHP, Caddy). */
const HTTP_IMAGE = /nginx|apache|httpd|caddy|frankenphp|lighttpd|openresty|unit:/i;
/** A package install that adds a web server (or supervisord, which typically runs one beside FPM). */
const HTTP_INSTALL =
  /(apk add|apt-get install|apt install|yum install|dnf install)[^&;|]*\b(nginx|apache2|httpd|caddy|lighttpd|supervisor)\b/i;
const HTTP_COMMAND = /^(nginx|apache2(ctl)?|httpd|caddy|frankenphp|lighttpd|supervisord|apache2-foreground|rr|octane)$/;

/** ARG defaults declared before the first FROM: they may name a stage's image or parent stage. */
function globalArgs(text: string): Record<string, string> {
  const args: Record<string, string> = {};
  for (const line of text.split("\n")) {
    if (/^\s*FROM\s/i.test(line)) break;
    const m = /^\s*ARG\s+([A-Za-z_]\w*)=("?)([^"\s]*)\2\s*$/i.exec(line);
    if (m) args[m[1]!] = m[3]!;
  }
  return args;
}

const substitute = (ref: string, args: Record<string, string>) =>
  ref.replace(/\$\{?([A-Za-z_]\w*)\}?/g, (whole, name: string) => args[name] ?? whole);

/** The final stage, then each stage it is built FROM, up to the first outside image. */
function finalChain(stages: Stage[], args: Record<string, string>): { chain: Stage[]; base: string } {
  const chain: Stage[] = [];
  let stage = stages.at(-1);
  let base = "";
  while (stage && !chain.includes(stage)) {
    chain.push(stage);
    base = substitute(stage.from, args);
    const parent = base.toLowerCase();
    stage = stages.find((s) => s.name?.toLowerCase() === parent);
  }
  return { chain, base };
}

/** The CMD or ENTRYPOINT the final image runs: the last one of the nearest stage that sets it. */
function effective(chain: Stage[], keyword: string): Instruction | undefined {
  for (const stage of chain) {
    const found = stage.instructions.filter((i) => i.keyword === keyword).at(-1);
    if (found) return found;
  }
  return undefined;
}

/**
 * Why the Dockerfile's final image serves no HTTP (PHP-FPM alone), or undefined when it does or
 * cannot be told: only an FPM final stage with no web server anywhere in its chain is judged.
 */
export function fastCgiOnly(text: string): string | undefined {
  const stages = parseDockerfile(text);
  if (stages.length === 0) return undefined;
  const args = globalArgs(text);
  const { chain, base } = finalChain(stages, args);
  const argv = [effective(chain, "ENTRYPOINT"), effective(chain, "CMD")].flatMap((i) => commandArgv(i) ?? []);
  const programs = argv.map((w) => path.posix.basename(w));
  const fpmBase = /(^|[/:-])fpm\b/i.test(base);
  const fpmCommand = programs.some((p) => /^php-fpm/.test(p));
  if (!fpmBase && !fpmCommand) return undefined;
  if (HTTP_IMAGE.test(base) || programs.some((p) => HTTP_COMMAND.test(p))) return undefined;
  const instructions = chain.flatMap((s) => s.instructions);
  if (instructions.some((i) => i.keyword === "RUN" && HTTP_INSTALL.test(i.args))) return undefined;
  const ports = instructions
    .filter((i) => i.keyword === "EXPOSE")
    .flatMap((i) => i.args.split(/\s+/).map((p) => p.replace(/\/tcp$/, "")));
  if (ports.some((p) => p !== "9000")) return undefined;
  const final = chain[0]!;
  return (
    `its final stage${final.name ? ` (${final.name})` : ""} runs PHP-FPM alone from ${base}` +
    `${ports.length ? ", EXPOSE 9000" : ""}: FastCGI for a web server in front, not HTTP, which is what Cloud Run sends`
  );
}

const asList = (v: unknown): Record<string, unknown>[] =>
  Array.isArray(v) ? v.filter((x): x is Record<string, unknown> => typeof x === "object" && x !== null) : [];

/**
 * Why the Dockerfile only packages what goreleaser built, or undefined: goreleaser's `dockers:`
 * entries build it (`dockerfile:`, "Dockerfile" by default) in a folder holding the binary it built
 * (`builds[].binary`), which the Dockerfile copies from its context (listmonk's `COPY listmonk .`).
 * A checkout has no such file, so `docker build .` stops at that COPY.
 * https://goreleaser.com/customization/docker/
 */
export function releaseToolOnly(
  text: string,
  read: (file: string) => string | undefined,
  file = "Dockerfile",
): string | undefined {
  const config = [".goreleaser.yml", ".goreleaser.yaml"].map((f) => [f, read(f)] as const).find(([, t]) => t);
  if (!config) return undefined;
  let doc: Record<string, unknown>;
  try {
    doc = (parseYaml(config[1]!) as Record<string, unknown> | null) ?? {};
  } catch {
    return undefined;
  }
  const dockers = [...asList(doc.dockers), ...asList(doc.dockers_v2)];
  if (!dockers.some((d) => (typeof d.dockerfile === "string" ? d.dockerfile : "Dockerfile") === file)) return undefined;
  const binaries = new Set(
    asList(doc.builds)
      .map((b) => b.binary ?? doc.project_name)
      .filter((b): b is string => typeof b === "string" && /^[\w.-]+$/.test(b)),
  );
  const copied = parseDockerfile(text)
    .flatMap((s) => s.instructions)
    .filter((i) => (i.keyword === "COPY" || i.keyword === "ADD") && !/--from=/.test(i.args))
    .flatMap((i) =>
      i.args
        .split(/\s+/)
        .filter((w) => !w.startsWith("--"))
        .slice(0, -1),
    );
  const binary = copied.map((w) => w.replace(/^\.\//, "")).find((w) => binaries.has(w) && read(w) === undefined);
  if (!binary) return undefined;
  return `${config[0]} builds it (\`dockers:\`) around the binary goreleaser built first: its \`COPY ${binary}\` takes \`${binary}\` from the build folder, a file the repository does not hold, so \`docker build\` on a checkout stops there`;
}

/**
 * The Dockerfile the deploy builds for the app: the team's `Dockerfile` unless it serves no HTTP or
 * only packages a release tool's build, then ours beside it, with the reason. `read` gives the
 * team's file (not one we generated) and the repository's others. `build`: the image the VM's
 * compose services run (Dockerfile.django-debian, target release): that one, when the repository holds it.
 */
export function mainDockerfile(
  read: (file: string) => string | undefined,
  build?: TeamBuild,
): { file: string; notHttp?: string; build?: TeamBuild } {
  // The image the VM's compose services run (inventory `build`): its Dockerfile, wherever it is.
  const built = build && read(build.dockerfile) !== undefined ? build : undefined;
  const file = built?.dockerfile ?? "Dockerfile";
  const team = read(file);
  const notHttp = team !== undefined ? (fastCgiOnly(team) ?? releaseToolOnly(team, read, file)) : undefined;
  if (notHttp) return { file: OWN_MAIN_DOCKERFILE, notHttp };
  return built ? { file, build: built } : { file };
}
