// Where observe's files go and what its cloud resources are called. Display names double as the
// setup script's lookup keys (Cloud Monitoring assigns alert policy, uptime check and dashboard
// ids itself), so they are built from pattern-checked names only and prefixed with the app.
import { createHash } from "node:crypto";
import type { Deployment } from "../../contracts/deployment.js";

export const OBSERVE_DIR = "monitoring";

export const OBSERVE_PATHS = {
  slosDoc: "docs/migration/observe/slos.md",
  policyDoc: "docs/migration/observe/error-budget-policy.md",
  readme: "docs/migration/observe/README.md",
  script: "scripts/setup-observability.sh",
  /** Sourced by the script; written as it ships (src/validate/shipped-scripts.ts). */
  scriptLib: "scripts/lib/monitoring-api.sh",
  service: (id: string) => `${OBSERVE_DIR}/services/${id}.json`,
  slo: (id: string) => `${OBSERVE_DIR}/slos/${id}.json`,
  policy: (name: string) => `${OBSERVE_DIR}/alert-policies/${name}.json`,
  logMetric: (name: string) => `${OBSERVE_DIR}/log-metrics/${name}.json`,
  dashboard: (name: string) => `${OBSERVE_DIR}/dashboards/${name}.json`,
  grafana: (name: string) => `${OBSERVE_DIR}/grafana/${name}.json`,
} as const;

/** Placeholders the setup script replaces in alert policies before sending them. */
export const CHANNEL_TOKEN = "@NOTIFICATION_CHANNEL@";
export const UPTIME_TOKEN = "@UPTIME_CHECK_ID@";

/** The app's short name: the design's Artifact Registry repository, unique to the app. */
export function appName(deployment: Deployment): string {
  return deployment.artifactRepository;
}

export function displayName(deployment: Deployment, what: string): string {
  return `${appName(deployment)}: ${what}`;
}

/** Longest SLO id we generate (Monitoring ids are lowercase letters, digits and dashes). */
export const MAX_SLO_ID = 63;

/** `base-suffix`, shortened with a stable hash when a long Cloud Run name would make it too long. */
export function sloId(base: string, suffix: string): string {
  const id = `${base}-${suffix}`;
  if (id.length <= MAX_SLO_ID) return id;
  const hash = createHash("sha256").update(id).digest("hex").slice(0, 6);
  const room = MAX_SLO_ID - suffix.length - hash.length - 2;
  return `${base.slice(0, room).replace(/-+$/, "")}-${hash}-${suffix}`;
}
