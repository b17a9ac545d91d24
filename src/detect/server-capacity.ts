// How many requests one copy of a synchronous web server serves at once on the VM: its worker
// processes × threads per worker, from its flags, its config file and the environment it runs
// with. Cloud Run sends an instance up to its concurrency setting at once, so a server that takes
// 5 (Puma with 5 threads) must not be told 80: the other requests wait in its backlog while Cloud
// Run sees no reason to add an instance. Only what is read counts: a server told nothing keeps
// the design's default. Async servers (uvicorn, gevent workers, Node) are not sized this way.
//   gunicorn: -w/--workers, --threads, the -c file's `workers =`/`threads =`, WEB_CONCURRENCY
//     (docs.gunicorn.org/en/stable/settings.html#workers: default 1, $WEB_CONCURRENCY)
//   Puma (also under `rails server`): -w, -t min:max, config/puma.rb `workers`/`threads`,
//     RAILS_MAX_THREADS through the ENV.fetch puma.rb reads (github.com/puma/puma, docs/deployment.md)
//   uWSGI: --processes/-p, --threads, the ini's `processes =`/`threads =`
//   Unicorn: the -c file's `worker_processes` (one thread each)
import { flagValue } from "./process-rules.js";
import type { ServiceFinding } from "./types.js";

export interface ServerCapacity {
  workers: number;
  threads: number;
}

const int = (v: string | undefined): number | undefined => {
  const n = v && /^\d{1,4}$/.test(v.trim()) ? Number(v.trim()) : undefined;
  return n && n > 0 ? n : undefined;
};

/** A Ruby expression puma.rb gives a number by: `5`, `ENV.fetch('X') { 5 }`, `ENV.fetch("X", 5)`, `Integer(ENV['X'] || 5)`, or a variable set so. */
function rubyNumber(expr: string, text: string, env: Record<string, string>, depth = 0): number | undefined {
  const e = expr
    .trim()
    .replace(/^Integer\((.*)\)$/, "$1")
    .replace(/\.to_i$/, "");
  if (/^\d+$/.test(e)) return int(e);
  const fetch = /^ENV\.fetch\(\s*['"](\w+)['"]\s*(?:,\s*['"]?(\d+)['"]?\s*)?\)\s*(?:\{\s*['"]?(\w+)['"]?\s*\})?/.exec(
    e,
  );
  if (fetch) {
    const fallback = fetch[2] ?? fetch[3];
    return (
      int(env[fetch[1]!]) ?? (fallback ? (int(fallback) ?? rubyNumber(fallback, text, env, depth + 1)) : undefined)
    );
  }
  const index = /^ENV\[\s*['"](\w+)['"]\s*\]\s*(?:\|\|\s*(\d+))?/.exec(e);
  if (index) return int(env[index[1]!]) ?? int(index[2]);
  if (/^[a-z_]\w*$/.test(e) && depth < 3) {
    const assigned = new RegExp(`^\\s*${e}\\s*=\\s*(.+)$`, "m").exec(text)?.[1];
    return assigned ? rubyNumber(assigned, text, env, depth + 1) : undefined;
  }
  return undefined;
}

/** `threads 1, 5` and `workers 2` in a puma.rb (commented lines are not read). */
function pumaConfig(text: string, env: Record<string, string>): Partial<ServerCapacity> {
  const threads = /^\s*threads\s+([^,\n]+),\s*([^\n#]+)/m.exec(text);
  const workers = /^\s*workers\s+([^\n#]+)/m.exec(text);
  const max = threads ? rubyNumber(threads[2]!, text, env) : undefined;
  const count = workers ? rubyNumber(workers[1]!, text, env) : undefined;
  return { ...(max ? { threads: max } : {}), ...(count ? { workers: count } : {}) };
}

/** `workers = 4`, `threads = 2` (gunicorn's Python config, a uWSGI ini's `processes = 4`). */
function assignments(text: string, names: { workers: string[]; threads: string[] }): Partial<ServerCapacity> {
  const read = (keys: string[]) =>
    keys.map((k) => int(new RegExp(`^\\s*${k}\\s*[=:]\\s*(\\d+)\\s*$`, "m").exec(text)?.[1])).find(Boolean);
  const workers = read(names.workers);
  const threads = read(names.threads);
  return { ...(workers ? { workers } : {}), ...(threads ? { threads } : {}) };
}

/**
 * Workers × threads of the VM's synchronous web server, when its flags, config or environment say
 * either; undefined for an async server or one told nothing. `read` reads a file relative to the
 * process's working directory.
 */
export async function serverCapacity(
  s: ServiceFinding,
  env: Record<string, string>,
  read: (file: string) => Promise<string | undefined>,
): Promise<ServerCapacity | undefined> {
  const words = s.process?.words ?? (s.command ?? "").split(/\s+/);
  const args = words.slice(1);
  const config = s.process?.configFile;
  let found: Partial<ServerCapacity> = {};
  if (s.software === "gunicorn") {
    const worker = flagValue(args, ["--worker-class", "-k"]) ?? "";
    if (/gevent|eventlet|tornado|uvicorn|asyncio/i.test(worker)) return undefined;
    const text = config ? await read(config) : undefined;
    if (text && /^\s*worker_class\s*=\s*["'][^"']*(gevent|eventlet|tornado|uvicorn|asyncio)/im.test(text))
      return undefined;
    found = {
      ...(int(env.WEB_CONCURRENCY) ? { workers: int(env.WEB_CONCURRENCY) } : {}),
      ...(text ? assignments(text, { workers: ["workers"], threads: ["threads"] }) : {}),
    };
    const w = int(flagValue(args, ["--workers", "-w"]));
    const t = int(flagValue(args, ["--threads"]));
    if (w) found.workers = w;
    if (t) found.threads = t;
  } else if (s.software === "puma" || (s.software === "rails" && s.runtime === "ruby")) {
    // `rails server` runs Puma with config/puma.rb (railties' server command), as `puma` without -C does.
    const text = await read(config ?? "config/puma.rb");
    found = text ? pumaConfig(text, env) : {};
    // Without the file at hand, Rails' generated puma.rb reads RAILS_MAX_THREADS.
    if (!text && s.software === "rails" && int(env.RAILS_MAX_THREADS)) found.threads = int(env.RAILS_MAX_THREADS);
    const t = flagValue(args, ["--threads", "-t"]);
    const w = int(flagValue(args, ["--workers", "-w"]));
    if (t && int(t.split(":").pop())) found.threads = int(t.split(":").pop());
    if (w) found.workers = w;
  } else if (s.software === "uwsgi") {
    const text = config ? await read(config) : undefined;
    found = text ? assignments(text, { workers: ["processes", "workers"], threads: ["threads"] }) : {};
    const w = int(flagValue(args, ["--processes", "-p", "--workers"]));
    const t = int(flagValue(args, ["--threads"]));
    if (w) found.workers = w;
    if (t) found.threads = t;
  } else if (s.software === "unicorn") {
    const text = await read(config ?? "config/unicorn.rb");
    const w = text ? int(/^\s*worker_processes\s+(\d+)/m.exec(text)?.[1]) : undefined;
    if (w) found = { workers: w, threads: 1 };
  }
  if (!found.workers && !found.threads) return undefined;
  return { workers: found.workers ?? 1, threads: found.threads ?? 1 };
}
