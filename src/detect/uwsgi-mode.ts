// Which protocol uWSGI speaks where it listens. Each socket option binds in its own protocol:
// `socket` (`-s`, `uwsgi-socket`) speaks the uwsgi binary protocol that nginx's `uwsgi_pass`
// (`include uwsgi_params`) talks, unless `protocol = http` forces HTTP on it; `http-socket` speaks
// HTTP itself; `http` starts a separate router process that forwards HTTP to the workers.
// uWSGI reads any option from the command line, an ini/yaml/xml config file, or UWSGI_<OPTION>.
// https://uwsgi-docs.readthedocs.io/en/latest/HTTP.html, uwsgi-core(1) (-s|--socket "using default protocol",
// --http-socket "using HTTP protocol"), https://uwsgi-docs.readthedocs.io/en/latest/Configuration.html
import type { Protocol } from "../inventory/schema.js";

export type UwsgiMode = "socket" | "http-socket" | "http";

export interface UwsgiBinds {
  /** Each socket option given, with its address (a host:port, :port or a unix socket path). */
  binds: Array<{ mode: UwsgiMode; address: string }>;
  /** The `protocol` option: what a plain `socket` speaks when it is not uwsgi. */
  protocol?: string;
}

const OPTION: Record<string, UwsgiMode> = {
  socket: "socket",
  s: "socket",
  "uwsgi-socket": "socket",
  "http-socket": "http-socket",
  http: "http",
};

const add = (into: UwsgiBinds, name: string, value: string | undefined) => {
  const key = name.toLowerCase().replace(/_/g, "-");
  const v = value?.trim().replace(/^(["'])(.*)\1$/, "$2");
  if (!v) return;
  if (key === "protocol") into.protocol = v.toLowerCase();
  else if (OPTION[key]) into.binds.push({ mode: OPTION[key], address: v });
};

/** `--socket 127.0.0.1:3031`, `-s /run/app.sock`, `--http-socket=:8000`, `--protocol uwsgi`. */
export function uwsgiBindsFromArgs(args: readonly string[]): UwsgiBinds {
  const out: UwsgiBinds = { binds: [] };
  for (let i = 0; i < args.length; i++) {
    const m = /^--?([a-z][\w-]*)(?:=(.*))?$/.exec(args[i]!);
    if (!m || !(m[1]! in OPTION || m[1] === "protocol")) continue;
    if (m[1] === "s" && args[i]!.startsWith("--")) continue;
    if (m[2] !== undefined) add(out, m[1]!, m[2]);
    else add(out, m[1]!, args[++i]);
  }
  return out;
}

/**
 * The socket options of a uWSGI config file: ini (`socket = /run/uwsgi/app.sock`, an emperor's
 * vassal in /etc/uwsgi/apps-enabled/ is one), YAML (`socket: :3031` under `uwsgi:`) or XML
 * (`<socket>:3031</socket>`). Only lines outside comments; `if-env` blocks are read as if taken.
 */
export function uwsgiBindsFromConfig(text: string): UwsgiBinds {
  const out: UwsgiBinds = { binds: [] };
  for (const m of text.matchAll(/<(socket|uwsgi-socket|http-socket|http|protocol)>([^<]*)<\/\1>/g))
    add(out, m[1]!, m[2]);
  for (const m of text.matchAll(/^[ \t]*(socket|uwsgi-socket|http-socket|http|protocol)[ \t]*[=:][ \t]*([^\s#;]+)/gm))
    add(out, m[1]!, m[2]);
  return out;
}

/** UWSGI_SOCKET, UWSGI_HTTP_SOCKET, UWSGI_HTTP, UWSGI_PROTOCOL: uWSGI takes any option from UWSGI_<NAME>. */
export function uwsgiBindsFromEnv(env: Record<string, string>): UwsgiBinds {
  const out: UwsgiBinds = { binds: [] };
  for (const name of ["UWSGI_SOCKET", "UWSGI_UWSGI_SOCKET", "UWSGI_HTTP_SOCKET", "UWSGI_HTTP", "UWSGI_PROTOCOL"])
    add(out, name.slice("UWSGI_".length), env[name]);
  return out;
}

/**
 * The listener the app is served on: an `http-socket` first (it is HTTP already), else a `socket`
 * (what nginx's uwsgi_pass reaches), else the `http` router (`--http :8000` alone).
 * DefectDojo's `--socket :3031 … --http :8081 --http-to :3031` is a socket app whose router only
 * answers liveness checks.
 */
export function servedBind(b: UwsgiBinds): { mode: UwsgiMode; address: string; protocol: Protocol } | undefined {
  const bind =
    b.binds.find((x) => x.mode === "http-socket") ??
    b.binds.find((x) => x.mode === "socket") ??
    b.binds.find((x) => x.mode === "http");
  if (!bind) return undefined;
  const protocol: Protocol = bind.mode === "socket" && b.protocol !== "http" ? "uwsgi" : "http";
  return { ...bind, protocol };
}

/** The options of several sources together (uWSGI binds every socket it is given). */
export function mergeBinds(...all: UwsgiBinds[]): UwsgiBinds {
  const protocol = all.map((b) => b.protocol).find(Boolean);
  return { binds: all.flatMap((b) => b.binds), ...(protocol ? { protocol } : {}) };
}
