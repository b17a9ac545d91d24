// How many requests one copy of a synchronous web server serves at once on the VM: its worker
// processes × threads per worker, from its flags, its config file and the environment it runs
// with. Cloud Run sends an instance up to its concurrency setting at once, so a server that takes
// 5 (Puma with 5 threads) must not be told 80: the other requests wait in its backlog while Cloud
// Run sees no reason to add an instance. Only what is read counts: a server told nothing keeps
// the design's default. Async servers (uvicorn, gevent workers, Node) are not sized this way.
// Each server's own order of precedence, least to most authoritative:
//   gunicorn: WEB_CONCURRENCY (the default of `workers`), the config file (-c, else
//     gunicorn.conf.py in the working directory), GUNICORN_CMD_ARGS, the command line
//     (gunicorn.org/configure, docs.gunicorn.org/en/stable/settings.html#workers)
//   Puma (also under `rails server`): WEB_CONCURRENCY and PUMA_MAX_THREADS/MAX_THREADS (the
//     defaults Puma's configuration.rb takes from the environment), config/puma.rb `workers`/
//     `threads` (RAILS_MAX_THREADS through the ENV.fetch it reads), -w and -t min:max
//   uWSGI: UWSGI_PROCESSES/UWSGI_THREADS (uWSGI reads any option from UWSGI_<NAME>), the ini's
//     `processes =`/`threads =`, --processes/-p, --threads
//   Unicorn: the -c file's `worker_processes` (one thread each)
// PHP-FPM's pool (pm.max_children) is read beside the pool's env (fpm-env.ts).
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
  // `workers n if n > 1` (Maybe's puma.rb): the number is n, or Puma's single mode, one process.
  const e = expr
    .trim()
    .replace(/\s+(if|unless)\s.*$/, "")
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

/**
 * What a config file says: a number, or NaN for a setting it makes in a way not read here
 * (`workers = multiprocessing.cpu_count() * 2 + 1`), which still overrides the environment's default.
 */
type Said = { workers?: number; threads?: number };
const said = (workers: number | undefined, threads: number | undefined, has: { w: boolean; t: boolean }): Said => ({
  ...(has.w ? { workers: workers ?? NaN } : {}),
  ...(has.t ? { threads: threads ?? NaN } : {}),
});

/** `threads 1, 5` and `workers 2` in a puma.rb (commented lines are not read). */
function pumaConfig(text: string, env: Record<string, string>): Said {
  const threads = /^\s*threads\s+([^,\n]+),\s*([^\n#]+)/m.exec(text);
  const workers = /^\s*workers\s+([^\n#]+)/m.exec(text);
  const max = threads ? rubyNumber(threads[2]!, text, env) : undefined;
  const count = workers ? rubyNumber(workers[1]!, text, env) : undefined;
  return said(count, max, { w: !!workers, t: !!threads });
}

/** A Python expression a gunicorn.conf.py gives a number by: `4`, `int(os.environ.get("X", 4))`, `os.getenv("X", "4")`, `int(os.environ["X"])`, or a name set so. */
function pythonNumber(expr: string, text: string, env: Record<string, string>, depth = 0): number | undefined {
  const e = expr
    .trim()
    .replace(/^int\((.*)\)$/, "$1")
    .trim();
  if (/^\d+$/.test(e)) return int(e);
  const get = /^os\.(?:environ\.get|getenv)\(\s*['"](\w+)['"]\s*(?:,\s*['"]?(\d+)['"]?\s*)?\)$/.exec(e);
  if (get) return int(env[get[1]!]) ?? int(get[2]);
  const index = /^os\.environ\[\s*['"](\w+)['"]\s*\]$/.exec(e);
  if (index) return int(env[index[1]!]);
  if (/^[A-Za-z_]\w*$/.test(e) && depth < 3) {
    const assigned = new RegExp(`^${e}\\s*=\\s*(.+)$`, "m").exec(text)?.[1];
    return assigned ? pythonNumber(assigned, text, env, depth + 1) : undefined;
  }
  return undefined;
}

/** `workers = 4`, `threads = 2` at the top level of a gunicorn.conf.py (module-level names are its settings). */
function gunicornConfig(text: string, env: Record<string, string>): Said {
  const line = (key: string) => new RegExp(`^${key}\\s*=\\s*([^#\\n]+)`, "m").exec(text)?.[1];
  const [w, t] = [line("workers"), line("threads")];
  return said(w ? pythonNumber(w, text, env) : undefined, t ? pythonNumber(t, text, env) : undefined, {
    w: w !== undefined,
    t: t !== undefined,
  });
}

/** `processes = 4`, `threads = 2` in a uWSGI ini. */
function uwsgiIni(text: string): Said {
  const read = (keys: string[]) =>
    keys.map((k) => int(new RegExp(`^\\s*${k}\\s*[=:]\\s*(\\d+)\\s*$`, "m").exec(text)?.[1])).find(Boolean);
  const [workers, threads] = [read(["processes", "workers"]), read(["threads"])];
  return { ...(workers ? { workers } : {}), ...(threads ? { threads } : {}) };
}

/** Layers of settings, least authoritative first: each one's number replaces the ones before it. */
function layered(...layers: Said[]): Said {
  const out: Said = {};
  for (const layer of layers) {
    if (layer.workers !== undefined) out.workers = layer.workers;
    if (layer.threads !== undefined) out.threads = layer.threads;
  }
  return out;
}

const flags = (args: string[], workers: string[], threads: string[]): Said => {
  const [w, t] = [int(flagValue(args, workers)), int(flagValue(args, threads)?.split(":").pop())];
  return { ...(w ? { workers: w } : {}), ...(t ? { threads: t } : {}) };
};

const ASYNC_WORKER = /gevent|eventlet|tornado|uvicorn|asyncio/i;

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
  let found: Said = {};
  if (s.software === "gunicorn") {
    const envArgs = (env.GUNICORN_CMD_ARGS ?? "").replace(/["']/g, "").split(/\s+/).filter(Boolean);
    const worker = flagValue(args, ["--worker-class", "-k"]) ?? flagValue(envArgs, ["--worker-class", "-k"]) ?? "";
    if (ASYNC_WORKER.test(worker)) return undefined;
    // -c on the command line, else in GUNICORN_CMD_ARGS, else ./gunicorn.conf.py; `python:module` is not a file.
    const file = (config ?? flagValue(envArgs, ["-c", "--config"]) ?? "gunicorn.conf.py").replace(/^file:/, "");
    const text = file.startsWith("python:") ? undefined : await read(file);
    if (text && /^\s*worker_class\s*=\s*["'][^"']*(gevent|eventlet|tornado|uvicorn|asyncio)/im.test(text))
      return undefined;
    found = layered(
      { workers: int(env.WEB_CONCURRENCY) },
      text ? gunicornConfig(text, env) : {},
      flags(envArgs, ["--workers", "-w"], ["--threads"]),
      flags(args, ["--workers", "-w"], ["--threads"]),
    );
  } else if (s.software === "puma" || (s.software === "rails" && s.runtime === "ruby")) {
    // `rails server` runs Puma with config/puma.rb (railties' server command), as `puma` without -C does.
    const text = await read(config ?? "config/puma.rb");
    // Without the file at hand, Rails' generated puma.rb reads RAILS_MAX_THREADS.
    const rails = !text && s.software === "rails" ? { threads: int(env.RAILS_MAX_THREADS) } : {};
    found = layered(
      { workers: int(env.WEB_CONCURRENCY), threads: int(env.PUMA_MAX_THREADS ?? env.MAX_THREADS) },
      rails,
      text ? pumaConfig(text, env) : {},
      flags(args, ["--workers", "-w"], ["--threads", "-t"]),
    );
  } else if (s.software === "uwsgi") {
    const text = config ? await read(config) : undefined;
    found = layered(
      { workers: int(env.UWSGI_PROCESSES ?? env.UWSGI_WORKERS), threads: int(env.UWSGI_THREADS) },
      text ? uwsgiIni(text) : {},
      flags(args, ["--processes", "-p", "--workers"], ["--threads"]),
    );
  } else if (s.software === "unicorn") {
    const text = await read(config ?? "config/unicorn.rb");
    const w = text ? int(/^\s*worker_processes\s+(\d+)/m.exec(text)?.[1]) : undefined;
    if (w) found = { workers: w, threads: 1 };
  }
  // A number the config sets in a way not read here (NaN) leaves the capacity unknown: no guess.
  const { workers, threads } = found;
  if (Number.isNaN(workers) || Number.isNaN(threads) || (!workers && !threads)) return undefined;
  return { workers: workers ?? 1, threads: threads ?? 1 };
}
