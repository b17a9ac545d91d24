// How many jobs one worker process runs at once, each on its own thread (or forked child) holding
// its own database connection: the worker pool's share of the Cloud SQL connection budget and its
// memory. The command's flag when it has one (`-c N`, `--concurrency N`); for Sidekiq, else the
// `:concurrency:` of its config file (`-C FILE`, config/sidekiq.yml by default: Sidekiq reads it
// through ERB, so `<%= ENV.fetch("X", 10) %>` counts as its default, 10), else Sidekiq's own
// default: 5 since Sidekiq 7, 10 before.
// https://github.com/sidekiq/sidekiq/wiki/Advanced-Options#concurrency
// https://github.com/sidekiq/sidekiq/blob/main/docs/7.0-Upgrade.md (default concurrency 10 → 5)
import { openRepo } from "../../../image/repo.js";
import type { Service } from "../../../inventory/schema.js";
import { queueSystem } from "../../../contracts/queue-systems.js";
import { flagNumber } from "./classify.js";

export interface WorkerThreads {
  threads: number;
  /** Where the number comes from, for the mapping ("set on its command", "Sidekiq 7's default"), or "assumed". */
  source: string;
  /**
   * Whether each job in flight holds a database connection of its own: a thread or forked child
   * of a Ruby or Python queue worker (Sidekiq, Celery, RQ…). Not a Node worker (BullMQ, n8n's
   * `worker --concurrency`): its jobs share the one process's pool, whatever the concurrency.
   */
  connectionEach: boolean;
  /** Connections one process holds when more than its threads (GoodJob's LISTEN/NOTIFY and cron). */
  connections?: number;
}

/** GoodJob's own default for max_threads (GOOD_JOB_MAX_THREADS, --max-threads). */
const GOOD_JOB_THREADS = 5;

/** Threads when nothing says: the design's long-standing assumption for a queue worker. */
const ASSUMED = 4;

/** The `concurrency` a Sidekiq config file sets: an integer, or the default of an ERB `ENV.fetch`. */
export function sidekiqConfigConcurrency(text: string): number | undefined {
  const values = [...text.matchAll(/^\s*:?concurrency:\s*(.+?)\s*$/gm)].map((m) => {
    const value = m[1]!;
    const plain = /^(\d+)$/.exec(value);
    if (plain) return Number(plain[1]);
    // <%= ENV.fetch("SIDEKIQ_CONCURRENCY", 10) %>, <%= ENV.fetch("RAILS_MAX_THREADS") { 3 } %>, `|| 5`
    const fallback = /ENV\.fetch\([^)]*?,\s*(\d+)\s*\)|ENV\.fetch\([^)]*\)\s*\{\s*(\d+)\s*\}|\|\|\s*(\d+)/.exec(value);
    const n = fallback && (fallback[1] ?? fallback[2] ?? fallback[3]);
    return n ? Number(n) : undefined;
  });
  const known = values.filter((n): n is number => n !== undefined && n > 0);
  // A file with per-environment sections: the largest, so the budget holds for any of them.
  return known.length ? Math.max(...known) : undefined;
}

function sidekiqConfigFile(s: Service): string {
  // The command may sit inside a `bash -lc '…'` string: read the flag's word, quotes left out.
  return /(?:^|\s)(?:-C|--config)(?:=|\s+)["']?([^\s"']+)/.exec(s.command ?? "")?.[1] ?? "config/sidekiq.yml";
}

export function workerThreads(s: Service, repoDir?: string): WorkerThreads {
  const system = queueSystem(s);
  const connectionEach = system !== undefined && system !== "bullmq" && s.runtime !== "node";
  // GoodJob: each execution thread holds a connection, plus one for LISTEN/NOTIFY and one for cron
  // (its README's "Database connections"); `--max-threads`, else its default of 5.
  // https://github.com/bensheldon/good_job#database-connections
  if (system === "good_job") {
    const max = flagNumber(s.command, "--max-threads");
    const threads = max ?? GOOD_JOB_THREADS;
    const source = `${max ? "--max-threads on its command" : "GoodJob's default of 5 threads"}, plus one for LISTEN/NOTIFY and one for cron`;
    return { threads, connections: threads + 2, source, connectionEach };
  }
  const flag = flagNumber(s.command, "--concurrency", "-c", "--threads", "--workers", "-w");
  if (flag !== undefined) return { threads: flag, source: "set on its command", connectionEach };
  if (system !== "sidekiq") return { threads: ASSUMED, source: "assumed", connectionEach };
  const file = sidekiqConfigFile(s);
  const repo = repoDir ? openRepo(repoDir) : undefined;
  // An absolute path on the VM under the app's folder is the same file in the repository.
  const rel = s.workingDir && file.startsWith(`${s.workingDir}/`) ? file.slice(s.workingDir.length + 1) : file;
  const text = repo?.present ? repo.read(rel) : undefined;
  const configured = text ? sidekiqConfigConcurrency(text) : undefined;
  if (configured !== undefined) return { threads: configured, source: `the concurrency in ${rel}`, connectionEach };
  const major = Number(/^(\d+)/.exec(s.version ?? "")?.[1]);
  if (major && major < 7) return { threads: 10, source: `Sidekiq ${major}'s default`, connectionEach };
  return { threads: 5, source: major ? `Sidekiq ${major}'s default` : "Sidekiq 7's default", connectionEach };
}
