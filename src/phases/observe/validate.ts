// Validate what the observe phase rendered: every JSON file against the API's documented shape and
// the metric catalog (src/validate/monitoring.ts), every file the setup script sends present, and
// the script through ShellCheck. Any finding is a generator bug or a bad model answer: nothing is
// written.
import { shellcheckScripts } from "../../validate/shellcheck.js";
import { scriptsToCheck } from "../../validate/shipped-scripts.js";
import { validateMonitoringDocs, type MonitoringDocKind } from "../../validate/monitoring.js";
import type { Artifact } from "../../write/plan.js";
import { CHANNEL_TOKEN, OBSERVE_DIR, OBSERVE_PATHS, UPTIME_TOKEN } from "./names.js";

const KINDS: Record<string, MonitoringDocKind> = {
  services: "service",
  slos: "slo",
  "alert-policies": "alert-policy",
  "log-metrics": "log-metric",
  dashboards: "dashboard",
  grafana: "grafana",
};

/** `shell: false` skips ShellCheck (tests that corrupt JSON files only). */
export async function validateObserve(
  artifacts: Artifact[],
  project: string,
  options = { shell: true },
): Promise<string[]> {
  // ShellCheck (another process) starts first and runs while this thread checks the JSON files.
  const script = artifacts.find((a) => a.path === OBSERVE_PATHS.script);
  // The script's library (lib/monitoring-api.sh) ships as it is: checked by the tests, not here.
  const shell = options.shell ? shellcheckScripts(scriptsToCheck(artifacts)) : undefined;
  shell?.catch(() => undefined); // awaited below
  const docs = artifacts.flatMap((a) => {
    const m = new RegExp(`^${OBSERVE_DIR}/([a-z-]+)/[^/]+\\.json$`).exec(a.path);
    const kind = m ? KINDS[m[1]!] : undefined;
    return kind ? [{ path: a.path, kind, content: a.content }] : [];
  });
  const findings = validateMonitoringDocs(docs, {
    project,
    placeholders: { channel: CHANNEL_TOKEN, uptimeCheck: UPTIME_TOKEN },
  });
  if (script) {
    const paths = new Set(artifacts.map((a) => a.path));
    for (const file of script.content.match(new RegExp(`${OBSERVE_DIR}/[a-z-]+/[a-z0-9-]+\\.json`, "g")) ?? [])
      if (!paths.has(file)) findings.push(`${script.path}: sends ${file}, which is not generated`);
  }
  findings.push(...((await shell) ?? []));
  return findings;
}
