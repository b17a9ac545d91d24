// The VPC network and subnet Cloud Run's Direct VPC egress joins: one per design, named after the app.
import type { Draft } from "./draft.js";
import { runName } from "./names.js";

/** The network Direct VPC egress joins (Memorystore, Cloud SQL's private IP, a Filestore share). */
export function ensureNetwork(d: Draft): void {
  d.network ??= { network: runName(d.base, "vpc"), subnet: runName(d.base, "run"), range: "10.8.0.0/24" };
}
