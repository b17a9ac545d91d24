// A web server that forks worker processes (Puma's `-w`/WEB_CONCURRENCY, Laravel Octane's
// `--workers`/`--task-workers`, a Node cluster's WEB_CONCURRENCY) runs as many copies of the app
// as the VM asked for, sized for the VM's CPUs and memory. The image runs the same command and
// the deploy carries the same settings, so a Cloud Run instance of 1 vCPU and 1 GiB starts that
// many copies too; each holds its own memory, and an instance over its limit is restarted
// (https://cloud.google.com/run/docs/configuring/services/memory-limits). No per-worker size is
// known here, so the mapping says so and how to check, rather than guessing a size.
// Not here: Python servers (the design gives 2 vCPU / 2 GiB to two workers and more, compute.ts)
// and PHP-FPM (its pool is sized against memory_limit, php-memory.ts).
import type { DeployTarget } from "../../../contracts/deployment.js";
import type { Draft } from "./draft.js";
import type { Service } from "../../../inventory/schema.js";
import { flagNumber, webFlavour } from "./classify.js";

/** The mapping change for a web target whose server forks more workers than it has vCPUs. */
export function forkedWorkersChange(d: Draft, s: Service, t: DeployTarget): string | undefined {
  const flavour = webFlavour(s);
  if (flavour === "python-async" || flavour === "python-wsgi" || /php-fpm/i.test(s.software)) return undefined;
  const cpus = Number(t.cpu);
  const vm = [
    d.inv.host.cpus ? `${d.inv.host.cpus} CPUs` : "",
    d.inv.host.memoryGiB ? `${d.inv.host.memoryGiB} GiB` : "",
  ]
    .filter(Boolean)
    .join(" and ");
  const sizedFor = vm ? `, sized for the VM's ${vm}` : "";
  const room = `${t.name} has ${t.cpu} vCPU and ${t.memory}`;
  const check = `each worker is a copy of the app with its own memory: check on the VM that the workers' resident memory together (\`ps -o rss=,args= --ppid MASTER_PID\`) fits ${t.memory} with room to spare, or Cloud Run restarts the instance when it goes over`;
  const flag = flagNumber(s.command, "--workers", "-w");
  const tasks = flagNumber(s.command, "--task-workers") ?? 0;
  const known = flag ?? s.capacity?.workers;
  if (known !== undefined) {
    const total = known + tasks;
    if (total <= cpus) return undefined;
    const what = tasks ? `${known} request workers and ${tasks} task workers` : `${known} worker processes`;
    const from = flag !== undefined ? "its command" : "the VM's server settings";
    return `${s.name} forks ${what} (${from})${sizedFor}; ${room}, and the image runs the same command: ${check}. If not, lower the count${flag !== undefined ? ` on the command` : ""} to ${cpus} (Cloud Run adds instances for more requests) or raise the memory.`;
  }
  const carried = [...(t.plainEnv ?? []), ...t.secrets].includes("WEB_CONCURRENCY");
  if (!carried) return undefined;
  return `WEB_CONCURRENCY, carried from the VM, is the worker count a forking server reads (Puma's config/puma.rb, a Node cluster)${sizedFor}; ${room}: ${check}. If not, give it ${cpus} in deploy/cloud-run.env (Cloud Run adds instances for more requests) or raise the memory.`;
}
