// What the deploy job looks up before it deploys (workflow.ts lookup steps), and so which viewer
// roles its identity needs (setup-wif.sh): only for what the deploy deploys. A held target
// (contracts/held-targets.ts) is skipped, so an address only it would read is not looked up, and
// the deployer gets no role for it until the decision brings it and setup-wif.sh reruns.
import { type Deployment, reachesMemorystore } from "../../contracts/deployment.js";
import { deployedOnly } from "../../contracts/held-targets.js";

export interface DeployLookups {
  /** Every cache's address (the deploy hands all of them to each target that reaches Memorystore). */
  caches: boolean;
  /** The Cloud SQL instance's private IP, for clients that take only a host. */
  cloudSqlPrivateIp: boolean;
  /** The Filestore shares a deployed target mounts. */
  filestores: string[];
}

export function deployLookups(deployment: Deployment): DeployLookups {
  const run = deployedOnly(deployment).services;
  return {
    caches: (deployment.caches ?? []).length > 0 && run.some(reachesMemorystore),
    cloudSqlPrivateIp: Boolean(deployment.database) && run.some((t) => t.cloudSqlPrivateIp),
    filestores: (deployment.filestores ?? [])
      .filter((f) => run.some((t) => t.nfsVolumes?.some((v) => v.filestore === f.name)))
      .map((f) => f.name),
  };
}

/** The viewer roles the deployer needs for those lookups. */
export function deployerViewRoles(deployment: Deployment): string[] {
  const looks = deployLookups(deployment);
  return [
    ...new Set([
      ...(looks.caches
        ? (deployment.caches ?? []).map((c) => (c.engine === "redis" ? "roles/redis.viewer" : "roles/memcache.viewer"))
        : []),
      ...(looks.cloudSqlPrivateIp ? ["roles/cloudsql.viewer"] : []),
      ...(looks.filestores.length ? ["roles/file.viewer"] : []),
    ]),
  ].sort();
}

/**
 * The viewer roles only the held targets' deploys would need (a private IP only a held service
 * reads): not granted yet, named in setup-wif.sh's "rerun after the decision" note.
 */
export function heldViewerRoles(deployment: Deployment): string[] {
  if (!deployment.services.some((t) => t.held)) return [];
  const now = new Set(deployerViewRoles(deployment));
  const decided = { ...deployment, services: deployment.services.map((t) => ({ ...t, held: undefined })) };
  return deployerViewRoles(decided).filter((r) => !now.has(r));
}
