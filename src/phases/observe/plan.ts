// Everything observe creates in Cloud Monitoring and Cloud Logging, as request bodies with their
// file paths and the ids/display names the setup script needs. Renderers (JSON files, the
// script, the docs) all read this one plan.
import { type DeployTarget, isPublicApi } from "../../contracts/deployment.js";
import { burnRatePolicies, uptimePolicy, type PolicySpec } from "./alert-bodies.js";
import type { ObserveContext } from "./context.js";
import { cloudDashboard, grafanaDashboard } from "./dashboards.js";
import { dashboardModels } from "./dashboard-model.js";
import { aiLogMetrics, schedulerFailureMetric, type LogMetricSpec } from "./log-metrics.js";
import { appName, displayName, OBSERVE_PATHS } from "./names.js";
import { aiPolicy, databasePolicy, jobPolicy, queuePolicy, schedulerPolicy } from "./resource-alerts.js";
import type { ObserveResult, Slo } from "./schema.js";
import { serviceBody, sloBody } from "./slo-bodies.js";
import { poolPolicy, poolWatches, type PoolWatch } from "./worker-pools.js";

export interface JsonFile {
  path: string;
  body: object;
}

export interface UptimeCheck {
  service: string;
  displayName: string;
  path: string;
  /** HTTP classes that pass: 2xx on a health route; any answer below 500 for an app without one. */
  statusClasses: string;
}

export interface MonitoringPlan {
  services: { id: string; file: string }[];
  slos: { service: string; id: string; file: string; slo: Slo }[];
  logMetrics: { name: string; file: string; spec: LogMetricSpec }[];
  uptimeChecks: UptimeCheck[];
  policies: { displayName: string; file: string; spec: PolicySpec }[];
  dashboards: { displayName: string; file: string; grafanaFile: string }[];
  /** Jobs whose silence is alerted on, with the window (seconds). */
  freshness: { job: string; seconds?: number }[];
  /** Worker pools and what watches each. */
  pools: PoolWatch[];
  files: JsonFile[];
}

/**
 * Public services: reachable from the internet on their run.app URL, so an uptime check can see
 * them. The AI gateway and an IAM-only admin tool refuse anonymous callers: request SLOs watch them.
 */
export function publicServices(ctx: ObserveContext): DeployTarget[] {
  return ctx.deployment.services.filter((s) => isPublicApi(s) && s.ingress === "all");
}

export function buildPlan(ctx: ObserveContext, result: ObserveResult): MonitoringPlan {
  const { deployment } = ctx;
  const app = appName(deployment);
  const files: JsonFile[] = [];
  const add = <T extends object>(path: string, body: T) => (files.push({ path, body }), path);

  const serviceIds = [...new Set(result.slos.map((s) => s.service))];
  const services = serviceIds.map((id) => ({ id, file: add(OBSERVE_PATHS.service(id), serviceBody(deployment, id)) }));
  const slos = result.slos.map((slo) => ({
    service: slo.service,
    id: slo.id,
    slo,
    file: add(OBSERVE_PATHS.slo(slo.id), sloBody(deployment, slo)),
  }));

  const metricSpecs: LogMetricSpec[] = [];
  if (ctx.aiWorker) metricSpecs.push(...Object.values(aiLogMetrics(ctx.aiWorker.name)));
  const scheduler = schedulerFailureMetric(deployment);
  if (scheduler) metricSpecs.push(scheduler);
  const pools = poolWatches(ctx);
  for (const p of pools) if (p.jobs) metricSpecs.push(p.jobs.metric);
  const logMetrics = metricSpecs.map((spec) => ({
    name: spec.name,
    spec,
    file: add(OBSERVE_PATHS.logMetric(spec.name), spec.body),
  }));

  const uptimeChecks = publicServices(ctx).map((s) => ({
    service: s.name,
    displayName: displayName(deployment, `${s.name} ${s.healthPath}`),
    path: s.healthPath,
    // No health route (a TCP startup probe): a login redirect or a 404 on / still means it is up.
    statusClasses: s.probe === "tcp" ? "2xx,3xx,4xx" : "2xx",
  }));

  const specs: PolicySpec[] = result.slos.flatMap((slo) => burnRatePolicies(deployment, slo, result));
  uptimeChecks.forEach((u) => specs.push(uptimePolicy(deployment, u.service, u.displayName, u.path)));
  const db = result.database && databasePolicy(deployment, result.database);
  if (db) specs.push(db);
  result.queues.forEach((q) => specs.push(queuePolicy(deployment, q)));
  if (ctx.aiWorker && result.aiWorker) specs.push(aiPolicy(deployment, ctx.aiWorker.name, result.aiWorker));
  if (scheduler) specs.push(schedulerPolicy(deployment, scheduler));
  const freshness: MonitoringPlan["freshness"] = [];
  for (const job of deployment.services.filter((s) => s.kind === "job")) {
    const { spec, silenceSeconds } = jobPolicy(deployment, job.name);
    specs.push(spec);
    freshness.push({ job: job.name, ...(silenceSeconds !== undefined ? { seconds: silenceSeconds } : {}) });
  }
  pools.forEach((p) => specs.push(poolPolicy(deployment, p)));
  const policies = specs.map((spec) => ({
    displayName: spec.body.displayName,
    spec,
    file: add(OBSERVE_PATHS.policy(spec.name), spec.body),
  }));

  const dashboards = dashboardModels(ctx, app, pools).map((model) => ({
    displayName: model.title,
    file: add(OBSERVE_PATHS.dashboard(model.name), cloudDashboard(model)),
    grafanaFile: add(OBSERVE_PATHS.grafana(model.name), grafanaDashboard(model, deployment.project, app)),
  }));
  return { services, slos, logMetrics, uptimeChecks, policies, dashboards, freshness, pools, files };
}
