// Workers × threads of a synchronous web server on the VM, from its flags, config and environment
// (detect/server-capacity.ts): what one copy of it serves at once. An async server, or one told
// nothing, gets none (the design keeps its default).
import { describe, expect, it } from "vitest";
import { classifyCommand } from "../../src/detect/command.js";
import { serverCapacity } from "../../src/detect/server-capacity.js";
import type { ServiceFinding } from "../../src/detect/types.js";

const PUMA_RB = `max_threads_count = ENV.fetch('RAILS_MAX_THREADS') { 5 }
min_threads_count = ENV.fetch('RAILS_MIN_THREADS') { max_threads_count }
threads min_threads_count, max_threads_count
# workers ENV.fetch("WEB_CONCURRENCY") { 2 }
`;

function finding(command: string): ServiceFinding {
  const { software, role, listen: _l, ...process } = classifyCommand(command);
  return { name: "web", role, software, command, listen: [], source: "x", process, runtime: process.runtime };
}

describe("serverCapacity", () => {
  it.each([
    ["gunicorn -w 4 --threads 2", "gunicorn -w 4 --threads 2 app:app", {}, {}, { workers: 4, threads: 2 }],
    ["gunicorn told nothing", "gunicorn app:app", {}, {}, undefined],
    ["gunicorn's WEB_CONCURRENCY", "gunicorn app:app", { WEB_CONCURRENCY: "3" }, {}, { workers: 3, threads: 1 }],
    [
      "gunicorn's config file (NetBox's gunicorn.py)",
      "gunicorn -c /opt/netbox/gunicorn.py netbox.wsgi",
      {},
      { "/opt/netbox/gunicorn.py": "bind = '127.0.0.1:8001'\nworkers = 5\nthreads = 3\n" },
      { workers: 5, threads: 3 },
    ],
    ["gunicorn with gevent workers is async", "gunicorn -k gevent -w 4 app:app", {}, {}, undefined],
    [
      "Chatwoot: rails server with config/puma.rb and RAILS_MAX_THREADS=5",
      "bin/rails server -p 3000",
      { RAILS_MAX_THREADS: "5" },
      { "config/puma.rb": PUMA_RB },
      { workers: 1, threads: 5 },
    ],
    [
      "puma.rb's default when the env does not say",
      "bundle exec puma -C config/puma.rb",
      {},
      { "config/puma.rb": PUMA_RB.replace("{ 5 }", "{ 3 }") },
      { workers: 1, threads: 3 },
    ],
    ["puma -w 2 -t 5:5", "bundle exec puma -w 2 -t 5:5", {}, {}, { workers: 2, threads: 5 }],
    [
      "Mastodon's puma.rb workers and threads",
      "bundle exec puma -C config/puma.rb",
      { WEB_CONCURRENCY: "3", MAX_THREADS: "4" },
      {
        "config/puma.rb":
          "threads_count = ENV.fetch('MAX_THREADS') { 5 }.to_i\nthreads threads_count, threads_count\nworkers     ENV.fetch('WEB_CONCURRENCY') { 2 }.to_i\n",
      },
      { workers: 3, threads: 4 },
    ],
    [
      "uWSGI's ini",
      "uwsgi --ini /srv/app/uwsgi.ini",
      {},
      { "/srv/app/uwsgi.ini": "[uwsgi]\nprocesses = 4\nthreads = 2\n" },
      { workers: 4, threads: 2 },
    ],
    ["uWSGI's flags", "uwsgi --http :8000 --processes 3 --module app", {}, {}, { workers: 3, threads: 1 }],
    [
      "Unicorn's worker_processes",
      "bundle exec unicorn -c config/unicorn.rb",
      {},
      { "config/unicorn.rb": "worker_processes 6\n" },
      { workers: 6, threads: 1 },
    ],
    ["uvicorn is async", "uvicorn app:app --workers 4", {}, {}, undefined],
    // gunicorn's order: WEB_CONCURRENCY < the config file < GUNICORN_CMD_ARGS < the command line.
    [
      "GUNICORN_CMD_ARGS",
      "gunicorn app:app",
      { GUNICORN_CMD_ARGS: "--bind=0.0.0.0:8000 --workers=3 --threads 2" },
      {},
      { workers: 3, threads: 2 },
    ],
    [
      "GUNICORN_CMD_ARGS over the config file, the command line over both",
      "gunicorn -c conf.py --threads 6 app:app",
      { GUNICORN_CMD_ARGS: "--workers=3 --threads=2", WEB_CONCURRENCY: "9" },
      { "conf.py": "workers = 5\nthreads = 4\n" },
      { workers: 3, threads: 6 },
    ],
    [
      "the config file over WEB_CONCURRENCY",
      "gunicorn app:app",
      { WEB_CONCURRENCY: "9" },
      { "gunicorn.conf.py": "workers = 2\n" },
      { workers: 2, threads: 1 },
    ],
    [
      "a config file GUNICORN_CMD_ARGS names",
      "gunicorn app:app",
      { GUNICORN_CMD_ARGS: "-c /etc/app/gunicorn.py" },
      { "/etc/app/gunicorn.py": "workers = 4\nthreads = 2\n" },
      { workers: 4, threads: 2 },
    ],
    [
      "gunicorn.conf.py's workers from the environment, through a name",
      "gunicorn app:app",
      { GUNICORN_WORKERS: "6", THREADS: "2" },
      {
        "gunicorn.conf.py":
          "import os\nn = int(os.getenv('GUNICORN_WORKERS', 2))\nworkers = n\nthreads = int(os.environ['THREADS'])\n",
      },
      { workers: 6, threads: 2 },
    ],
    [
      "workers the config computes (cpu_count) leave the capacity unknown, whatever WEB_CONCURRENCY says",
      "gunicorn app:app",
      { WEB_CONCURRENCY: "3" },
      { "gunicorn.conf.py": "import multiprocessing\nworkers = multiprocessing.cpu_count() * 2 + 1\n" },
      undefined,
    ],
    [
      "gevent through GUNICORN_CMD_ARGS is async",
      "gunicorn -w 4 app:app",
      { GUNICORN_CMD_ARGS: "-k gevent" },
      {},
      undefined,
    ],
    // Puma's own defaults come from the environment (WEB_CONCURRENCY, PUMA_MAX_THREADS/MAX_THREADS).
    [
      "Puma's WEB_CONCURRENCY and MAX_THREADS with no puma.rb",
      "bundle exec puma",
      { WEB_CONCURRENCY: "2", MAX_THREADS: "8" },
      {},
      { workers: 2, threads: 8 },
    ],
    [
      "Maybe's puma.rb: `workers n if n > 1`, WEB_CONCURRENCY unset",
      "bundle exec puma -C config/puma.rb",
      {},
      {
        "config/puma.rb":
          'threads_count = ENV.fetch("RAILS_MAX_THREADS") { 3 }\nthreads threads_count, threads_count\nif rails_env == "production"\n  workers_count = Integer(ENV.fetch("WEB_CONCURRENCY") { 1 })\n  workers workers_count if workers_count > 1\nend\n',
      },
      { workers: 1, threads: 3 },
    ],
    [
      "puma.rb's workers over WEB_CONCURRENCY",
      "bundle exec puma -C config/puma.rb",
      { WEB_CONCURRENCY: "6" },
      { "config/puma.rb": "workers 2\nthreads 3, 3\n" },
      { workers: 2, threads: 3 },
    ],
    [
      "uWSGI's UWSGI_ variables",
      "uwsgi --module app",
      { UWSGI_PROCESSES: "4", UWSGI_THREADS: "2" },
      {},
      { workers: 4, threads: 2 },
    ],
  ])("%s", async (_label, command, env, files, want) => {
    const read = async (file: string) => (files as Record<string, string>)[file];
    expect(await serverCapacity(finding(command), env, read)).toEqual(want);
  });
});

describe("over ssh", () => {
  it("Chatwoot's config/puma.rb (read unnamed by `rails server`) is sent, and both reads find 1 × 5", async () => {
    const { sharedSshRead } = await import("../helpers/host-reads.js");
    const { detectRepo } = await import("../../src/detect/detect-repo.js");
    const path = await import("node:path");
    const vm = path.resolve(import.meta.dirname, "../fixtures/real/chatwoot/vm");
    const read = (root: string) =>
      detectRepo(path.join(root, "home/chatwoot/chatwoot"), {
        host: { root, readListeners: async () => "" },
        readRemote: async () => undefined,
      });
    const web = (facts: Awaited<ReturnType<typeof read>>) => facts.services.find((s) => s.role === "web")?.capacity;
    expect(web(await read(vm))).toEqual({ workers: 1, threads: 5 });
    const collected = await sharedSshRead(vm);
    const { existsSync } = await import("node:fs");
    expect(existsSync(path.join(collected.root, "home/chatwoot/chatwoot/config/puma.rb"))).toBe(true);
    expect(web(await read(collected.root))).toEqual({ workers: 1, threads: 5 });
  });
});
