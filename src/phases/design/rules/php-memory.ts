// PHP's memory_limit against the instance's memory. The generated image runs Apache with mod_php
// (prefork: one child per concurrent request), and PHP lets each request allocate up to
// memory_limit (the VM's, which the image keeps as php_value); Cloud Run stops an instance that
// passes its memory limit, and that memory also holds the files a request writes (uploads in /tmp)
// (https://cloud.google.com/run/docs/configuring/services/memory-limits). So concurrency ×
// memory_limit plus a base must fit the instance: the concurrency comes down to what the memory
// holds (https://cloud.google.com/run/docs/about-concurrency: lower it when each request uses much
// of the memory), and where that would leave fewer than MIN_CONCURRENCY requests the memory goes
// up instead, up to the most the vCPUs allow (4 GiB for 1 vCPU, 8 GiB for 2). The image never
// runs PHP-FPM, so no pm.max_children is sized here.
import { phpQuantity } from "../../../inventory/php-limits.js";
import type { Service } from "../../../inventory/schema.js";
import { memoryMiB } from "../../../contracts/deployment.js";

/** Apache's parent, opcache's shared memory (the image's opcache.memory_consumption = 128) and the system. */
export const PHP_BASE_MIB = 256;
/** Below this, a PHP instance would wait on the database with its vCPU mostly idle: add memory instead. */
export const MIN_CONCURRENCY = 8;
const SIZES_MIB = [512, 1024, 2048, 4096, 8192];

const format = (m: number) => (m % 1024 === 0 ? `${m / 1024}Gi` : `${m}Mi`);

/** What one PHP request may allocate, in MiB; undefined when the VM set no limit or it is not known. */
export function phpRequestMiB(s: Service): number | undefined {
  const bytes = s.runtime === "php" && s.phpIni?.memoryLimit ? phpQuantity(s.phpIni.memoryLimit) : undefined;
  return bytes !== undefined && bytes > 0 ? Math.ceil(bytes / 1024 ** 2) : undefined;
}

/** The instance's memory and concurrency with PHP's memory_limit taken into account (unchanged when it fits or is unknown). */
export function phpMemorySizing(
  s: Service,
  plan: { cpu: number; memory: string; concurrency: number },
): { memory: string; concurrency: number } {
  const per = phpRequestMiB(s);
  const memory = memoryMiB(plan.memory);
  if (per === undefined || memory === undefined) return plan;
  const holds = (m: number) => Math.floor((m - PHP_BASE_MIB) / per);
  if (holds(memory) >= plan.concurrency) return plan;
  if (holds(memory) >= MIN_CONCURRENCY) return { ...plan, concurrency: holds(memory) };
  const most = plan.cpu >= 2 ? 8192 : 4096;
  const larger = SIZES_MIB.filter((m) => m > memory && m <= most);
  const size = larger.find((m) => holds(m) >= MIN_CONCURRENCY) ?? larger.at(-1) ?? memory;
  return { ...plan, memory: format(size), concurrency: Math.max(1, Math.min(plan.concurrency, holds(size))) };
}

/** Why the PHP service has its memory and concurrency, said in the design's mapping; undefined for other services. */
export function phpMemoryNote(s: Service, t: { memory: string; concurrency: number }): string | undefined {
  if (s.runtime !== "php") return undefined;
  const per = phpRequestMiB(s);
  if (per === undefined)
    return s.phpIni?.memoryLimit
      ? `PHP's memory_limit is ${s.phpIni.memoryLimit} (no limit): one request may take the whole instance's ${t.memory}, which Cloud Run then stops; set a memory_limit to size the concurrency by.`
      : undefined;
  const total = t.concurrency * per + PHP_BASE_MIB;
  return `PHP's memory_limit (${s.phpIni!.memoryLimit}) is what each request may allocate, and the image's Apache serves each concurrent request in a process of its own: ${t.concurrency} × ${per} MiB + ${PHP_BASE_MIB} MiB for Apache and opcache = ${total} MiB, within the instance's ${t.memory} (Cloud Run stops an instance that passes its memory limit).`;
}
