// The project's name: the one the main app's own manifest gives (pyproject.toml `name`,
// package.json `name`), never a neighbour's. A repository often holds a second manifest for a
// part of the app (Redash's root package.json is its front end, `redash-client`), and a VM often
// runs other checkouts beside the app (Taiga's taiga-events, whose package.json says
// `taigaio-events`): the main app is the one the proxy serves at `/`, else the runtime most of the
// processes run, and only the repository's manifests (not the VM's other folders) name it.
// Besides pyproject.toml and package.json: go.mod's module, composer.json's `name`, and a Java
// build's own artifactId (pom.xml) or rootProject.name (settings.gradle) — a checkout's folder name
// (`repo`, `src`, `app`) says nothing about the app.
import type { DetectedService } from "./types.js";

export type NamedEcosystem = "python" | "node" | "php" | "go" | "java";

export interface ManifestName {
  ecosystem: NamedEcosystem;
  name: string;
  /** Read from one of the VM's app folders (`--from-host`), not from the repository. */
  host: boolean;
}

const APP_ROLES = new Set(["web", "worker", "scheduler", "cron", "other"]);

/** The runtime of the process the proxy serves at `/`, else the one most app processes run. */
function mainRuntime(services: DetectedService[]): string | undefined {
  const root = services.flatMap((s) => s.routes ?? []).find((r) => r.path === "/" && !r.exact);
  const served = services.find((s) => s.name === root?.service)?.runtime;
  if (served) return served;
  const counts = new Map<string, number>();
  for (const s of services.filter((x) => APP_ROLES.has(x.role) && x.runtime))
    counts.set(s.runtime!, (counts.get(s.runtime!) ?? 0) + 1);
  return [...counts.entries()].sort((a, b) => b[1] - a[1])[0]?.[0];
}

/**
 * The main runtime's name from the repository, else any the repository gives; a name found only
 * in the VM's other folders counts when the repository gives none and it is the main runtime's only one.
 */
export function projectName(names: ManifestName[], services: DetectedService[]): string | undefined {
  const main = mainRuntime(services);
  const repo = names.filter((n) => !n.host);
  const host = names.filter((n) => n.host && n.ecosystem === main);
  return (
    repo.find((n) => n.ecosystem === main)?.name ?? repo[0]?.name ?? (host.length === 1 ? host[0]!.name : undefined)
  );
}

/** Hosts whose module paths are `host/owner/repository/...`: the repository names the app. */
const CODE_HOSTS = new Set(["github.com", "gitlab.com", "bitbucket.org", "codeberg.org", "gitea.com", "git.sr.ht"]);

/**
 * The app a Go module path names: the repository on a code host (`github.com/mattermost/mattermost/server/v8`
 * → mattermost), else the last element without a major-version suffix and a domain's first label
 * (`code.gitea.io/gitea` → gitea, `miniflux.app/v2` → miniflux).
 */
export function goModuleName(module: string): string | undefined {
  const parts = module.split("/").filter((p) => p && !/^v\d+$/.test(p));
  if (parts.length >= 3 && CODE_HOSTS.has(parts[0]!)) return parts[2];
  return parts.at(-1)?.split(".")[0] || undefined;
}

/** Names a project skeleton ships with, which say nothing about the app built from it. */
const SKELETON = new Set(["laravel/laravel", "laravel/lumen", "symfony/skeleton", "symfony/website-skeleton"]);

/** composer.json's `name` (`kimai/kimai` → kimai), unless it is the skeleton's own. */
export function composerName(text: string): string | undefined {
  let name: unknown;
  try {
    name = (JSON.parse(text) as { name?: unknown }).name;
  } catch {
    return undefined;
  }
  if (typeof name !== "string" || SKELETON.has(name.toLowerCase())) return undefined;
  return name.split("/").at(-1) || undefined;
}

/**
 * A Java build's own name: settings.gradle's rootProject.name, or pom.xml's project artifactId
 * (the one outside <parent>, <dependencies>, <build> and the other blocks that name other artifacts).
 */
export function javaBuildName(file: string, text: string): string | undefined {
  if (/^settings\.gradle(\.kts)?$/.test(file)) return /^\s*rootProject\.name\s*=\s*["']([^"']+)["']/m.exec(text)?.[1];
  if (file !== "pom.xml") return undefined;
  const own = text
    .replace(/<!--[\s\S]*?-->/g, "")
    .replace(
      /<(parent|dependencies|dependencyManagement|build|plugins|profiles|reporting|modules|exclusions)\b[\s\S]*?<\/\1>/g,
      "",
    );
  return /<artifactId>\s*([^<\s]+)\s*<\/artifactId>/.exec(own)?.[1];
}
