// Cloud Run sends requests to 0.0.0.0:$PORT. Each web server spells its listen address its own
// way; the VM's (127.0.0.1:8000, a unix socket, a --port of its own) is replaced by that. A flag
// on the command line overrides the server's config file (gunicorn, uWSGI, puma all apply the
// command line last), so `--config gunicorn.py` keeps every other setting.
// https://cloud.google.com/run/docs/container-contract#port

interface Server {
  /** Matches the program, or the subcommand after it (`celery … flower`, `rails server`). */
  is: (argv: string[]) => boolean;
  /** Flags that set the address, with whether they take a value. */
  drop: Array<[flag: string, takesValue: boolean]>;
  listen: (port: string) => string[];
}

/** Launchers that run the next word as the program: `bundle exec rails`, `poetry run gunicorn`. */
const WRAPPERS: Array<[launcher: string, subcommand: string]> = [
  ["bundle", "exec"],
  ["poetry", "run"],
  ["pipenv", "run"],
  ["uv", "run"],
  ["pdm", "run"],
  ["hatch", "run"],
  ["rye", "run"],
];
const base = (word: string | undefined) => word?.split("/").pop() ?? "";
/**
 * The server program an argv starts, past its launchers: `bundle exec rails server` is rails,
 * `python -m uvicorn` and `poetry run uvicorn` are uvicorn. The flags that follow are the server's.
 */
const prog = (argv: string[]): string => {
  let words = argv;
  for (;;) {
    const head = base(words[0]);
    if (WRAPPERS.some(([launcher, sub]) => head === launcher && words[1] === sub)) words = words.slice(2);
    else if (/^python[\d.]*$/.test(head) && words[1] === "-m") words = words.slice(2);
    else return head;
  }
};
const after = (argv: string[], word: string) => argv.includes(word);

const SERVERS: Server[] = [
  {
    is: (a) => prog(a) === "gunicorn",
    drop: [
      ["--bind", true],
      ["-b", true],
    ],
    listen: (p) => ["--bind", `0.0.0.0:${p}`],
  },
  {
    is: (a) => ["uvicorn", "granian"].includes(prog(a)),
    drop: [
      ["--host", true],
      ["--port", true],
      ["--uds", true],
      ["--fd", true],
      ["--reload", false],
    ],
    listen: (p) => ["--host", "0.0.0.0", "--port", p],
  },
  {
    is: (a) => prog(a) === "hypercorn",
    drop: [
      ["--bind", true],
      ["-b", true],
    ],
    listen: (p) => ["--bind", `0.0.0.0:${p}`],
  },
  {
    is: (a) => prog(a) === "daphne",
    drop: [
      ["-b", true],
      ["--bind", true],
      ["-p", true],
      ["--port", true],
      ["-u", true],
      ["--unix-socket", true],
    ],
    listen: (p) => ["--bind", "0.0.0.0", "--port", p],
  },
  {
    is: (a) => ["uwsgi", "pyuwsgi"].includes(prog(a)),
    drop: [
      ["--http-socket", true],
      ["--http", true],
      // The router's target (`--http :8081 --http-to :3031`): the router goes with --http.
      ["--http-to", true],
      ["--socket", true],
      ["-s", true],
      ["--uwsgi-socket", true],
      ["--daemonize", true],
      ["--uid", true],
      ["--gid", true],
    ],
    listen: (p) => ["--http-socket", `0.0.0.0:${p}`],
  },
  {
    is: (a) => prog(a) === "puma",
    drop: [
      ["-b", true],
      ["--bind", true],
      ["-p", true],
      ["--port", true],
    ],
    listen: (p) => ["-b", `tcp://0.0.0.0:${p}`],
  },
  {
    is: (a) => (prog(a) === "rails" || a.some((w) => w.endsWith("bin/rails"))) && (after(a, "server") || after(a, "s")),
    drop: [
      ["-b", true],
      ["--binding", true],
      ["-p", true],
      ["--port", true],
    ],
    listen: (p) => ["-b", "0.0.0.0", "-p", p],
  },
  {
    is: (a) => prog(a) === "celery" && after(a, "flower"),
    drop: [
      ["--port", true],
      ["--address", true],
    ],
    listen: (p) => [`--port=${p}`, "--address=0.0.0.0"],
  },
  {
    // `artisan serve`, and Laravel's own servers: Reverb and laravel-websockets (websockets), Octane.
    is: (a) =>
      /^php[\d.]*$/.test(prog(a)) &&
      ["serve", "reverb:start", "websockets:serve", "octane:start"].some((command) => after(a, command)),
    drop: [
      ["--host", true],
      ["--port", true],
    ],
    listen: (p) => ["--host=0.0.0.0", `--port=${p}`],
  },
];

/** Drop `--flag value` / `--flag=value` pairs. */
function without(argv: string[], flags: Array<[string, boolean]>, dropped: string[]): string[] {
  const out: string[] = [];
  for (let i = 0; i < argv.length; i++) {
    const word = argv[i]!;
    const name = word.split("=")[0]!;
    const flag = flags.find(([f]) => f === name);
    if (!flag) {
      out.push(word);
      continue;
    }
    if (flag[1] && !word.includes("=")) {
      dropped.push(`${word} ${argv[i + 1] ?? ""}`.trim());
      i++;
    } else dropped.push(word);
  }
  return out;
}

/** Flags a server of its own may take its listen address from (`-b`, `--bind`, `--host`, `--listen`…). */
const BIND_FLAGS = new Set(["-b", "--bind", "--binding", "--host", "-H", "--address", "--listen", "-l"]);
/** A loopback address, alone or with its port: `127.0.0.1`, `localhost:6042`, `[::1]`. */
const LOOPBACK = /^(127\.0\.0\.1|localhost|\[?::1\]?)(:\d{1,5})?$/;

/**
 * A server bindArgs does not know keeps its flags and port (Zammad's `script/websocket-server.rb -b
 * 127.0.0.1 -p 6042 start`), but not a loopback address: Cloud Run connects to the container from
 * outside it, so a process bound to 127.0.0.1 is never reached. That value becomes 0.0.0.0.
 */
function openLoopback(argv: string[], dropped: string[]): string[] {
  const out = [...argv];
  for (let i = 0; i < out.length; i++) {
    const [flag, inline] = out[i]!.split(/=(.*)/s) as [string, string | undefined];
    if (!BIND_FLAGS.has(flag)) continue;
    const at = inline !== undefined ? i : i + 1;
    const value = inline ?? out[at];
    const m = value !== undefined ? LOOPBACK.exec(value) : null;
    if (!m) continue;
    const open = `0.0.0.0${m[2] ?? ""}`;
    out[at] = inline !== undefined ? `${flag}=${open}` : open;
    dropped.push(`${flag} ${value} (Cloud Run reaches the container on 0.0.0.0)`);
  }
  return out;
}

/** A broker or backend URL on the command line pointing at the VM's loopback: the env var holds the real one. */
const LOOPBACK_URL = /^--?(broker|result-backend|redis|redis-url|url)=\w+:\/\/(127\.0\.0\.1|localhost)\b/;

/** The argv listening on 0.0.0.0:port, for the web servers we know; others are left as they are. */
export function bindArgs(argv: string[], port: string, dropped: string[]): string[] {
  const local = argv.filter((w) => {
    if (!LOOPBACK_URL.test(w)) return true;
    dropped.push(`${w} (the environment names the managed service instead)`);
    return false;
  });
  const server = SERVERS.find((s) => s.is(local));
  if (!server) return openLoopback(local, dropped);
  return [...without(local, server.drop, dropped), ...server.listen(port)];
}

/** True when bindArgs knows how this program listens (else the app must read PORT itself). */
export function bindsItself(argv: string[]): boolean {
  return SERVERS.some((s) => s.is(argv));
}
