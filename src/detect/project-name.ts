// The project's name: the one the main app's own manifest gives (pyproject.toml `name`,
// package.json `name`), never a neighbour's. A repository often holds a second manifest for a
// part of the app (Redash's root package.json is its front end, `redash-client`), and a VM often
// runs other checkouts beside the app (Taiga's taiga-events, whose package.json says
// `taigaio-events`): the main app is the one the proxy serves at `/`, else the runtime most of the
// processes run, and only the repository's manifests (not the VM's other folders) name it.
import type { DetectedService } from "./types.js";

export type NamedEcosystem = "python" | "node";

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
