// Where a server listens when its command line does not say: its config file (gunicorn.py
// `bind`, a uWSGI ini's `http-socket`, puma.rb's `bind`/`port`), its environment (PORT,
// GRANIAN_PORT, LISTEN_ADDR…), Spring's application.properties, or the documented default.
import { toListen } from "./process-rules.js";
import { servedBind, uwsgiBindsFromConfig } from "./uwsgi-mode.js";

/** `bind = '127.0.0.1:8001'` (gunicorn), `http-socket = :8000` (uWSGI), `bind "tcp://…:#{ENV.fetch('PORT', 3000)}"` (puma). */
export function listenFromConfig(text: string, env: Record<string, string>): string | undefined {
  const gunicorn = /^\s*bind\s*=\s*\[?\s*["']([^"']+)["']/m.exec(text)?.[1];
  if (gunicorn) return toListen(gunicorn);
  // uWSGI: the socket it serves the app on (uwsgi-mode.ts), an `http-socket` before a `socket`.
  const uwsgi = servedBind(uwsgiBindsFromConfig(text))?.address;
  if (uwsgi) return toListen(uwsgi);
  // puma: bind "tcp://#{ENV.fetch('BIND', '127.0.0.1')}:#{ENV.fetch('PORT', 3000)}" or port ENV.fetch('PORT', 3000)
  const rubyEnv = (expr: string) =>
    expr.replace(
      /#\{\s*ENV\.fetch\(\s*['"](\w+)['"]\s*(?:,\s*['"]?([\w.]+)['"]?\s*)?\)\s*(?:\{\s*['"]?([\w.]+)['"]?\s*\})?\s*\}/g,
      (_m, name: string, dflt?: string, block?: string) => env[name] ?? dflt ?? block ?? "",
    );
  const pumaMatch = /^\s*bind\s+(?:"([^"]+)"|'([^']+)')/m.exec(text);
  const pumaBind = pumaMatch?.[1] ?? pumaMatch?.[2];
  if (pumaBind) return toListen(rubyEnv(pumaBind));
  const pumaPort =
    /^\s*port\s+(?:ENV\.fetch\(\s*['"](\w+)['"]\s*(?:,\s*['"]?(\d+)['"]?)?\s*\)\s*(?:\{\s*['"]?(\d+)['"]?\s*\})?|(\d+))/m.exec(
      text,
    );
  if (pumaPort) {
    const port = pumaPort[4] ?? env[pumaPort[1] ?? ""] ?? pumaPort[2] ?? pumaPort[3];
    return port ? toListen(port, "0.0.0.0") : undefined;
  }
  return undefined;
}

/** The port a process takes from its environment: the first of `names` set to a port or host:port. */
export function listenFromEnv(names: string[], env: Record<string, string>, host = "127.0.0.1"): string | undefined {
  for (const name of names) {
    const value = env[name];
    if (!value) continue;
    // GRANIAN_PORT beside GRANIAN_HOST=::, PORT beside HOST=0.0.0.0: the host says which addresses.
    const sibling = env[name.replace(/PORT$/, "HOST")];
    const bindHost =
      name.endsWith("PORT") && sibling ? (/^(::|\[::\]|\*|0\.0\.0\.0)$/.test(sibling) ? "0.0.0.0" : sibling) : host;
    const listen = toListen(value.replace(/^https?:\/\//, ""), bindHost);
    if (listen) return listen;
  }
  return undefined;
}

/** Variables Go and other single-binary servers commonly read their address from. */
export const GENERIC_LISTEN_ENV = [
  "LISTEN_ADDR",
  "LISTEN_ADDRESS",
  "BIND_ADDR",
  "HTTP_ADDR",
  "ADDR",
  "PORT",
  "HTTP_PORT",
];

/** Ports of other services a process is told about (its database's, its mail server's), not its own. */
const CLIENT_PORT =
  /(DB|DATABASE|POSTGRES|PG|MYSQL|MARIADB|REDIS|CACHE|MEMCACHED?|RABBITMQ|AMQP|BROKER|SMTP|EMAIL|MAIL|LDAP|ELASTIC\w*|MONGO\w*)_PORT$/;

/** Whether nginx proxies to a port one of the process's own `*_PORT` settings names (Metabase's MB_JETTY_PORT). */
export function proxiesToOwnPort(env: Record<string, string>, proxied: ReadonlySet<number>): boolean {
  return Object.entries(env).some(
    ([name, value]) =>
      /_PORT$/.test(name) && !CLIENT_PORT.test(name) && /^\d{2,5}$/.test(value) && proxied.has(Number(value)),
  );
}

/**
 * The ports a web process's own env file gives it under names of its own choosing
 * (taiga-events' `.env`: WEB_SOCKET_SERVER_PORT=8888 for the websocket, APP_PORT=3023 for its
 * /healthz server), the one the reverse proxy reaches first. Only when the generic names say nothing.
 */
export function listensFromPortNames(env: Record<string, string>, proxied: ReadonlySet<number>): string[] {
  const ports = Object.entries(env)
    .filter(([name, value]) => /_PORT$/.test(name) && !CLIENT_PORT.test(name) && /^\d{2,5}$/.test(value))
    .map(([, value]) => Number(value))
    .filter((port, i, all) => port >= 1 && port <= 65535 && all.indexOf(port) === i);
  ports.sort((a, b) => Number(proxied.has(b)) - Number(proxied.has(a)));
  return ports.map((port) => `127.0.0.1:${port}`);
}

/** Spring Boot: `server.port=8081` in application(-profile).properties, or `server: port:` in YAML. */
export function springPort(configTexts: { file: string; text: string }[], profiles: string[]): number | undefined {
  let port: number | undefined;
  const wanted = new Set(["", ...profiles.map((p) => `-${p}`)]);
  for (const { file, text } of configTexts) {
    const profile = /application(-[\w]+)?\.(properties|ya?ml)$/.exec(file)?.[1] ?? "";
    if (!/application(-[\w]+)?\.(properties|ya?ml)$/.test(file) || !wanted.has(profile)) continue;
    const value =
      /^\s*server\.port\s*[=:]\s*(\d+)/m.exec(text)?.[1] ?? /^server:\s*\n\s+port:\s*(\d+)/m.exec(text)?.[1];
    if (value && (port === undefined || profile)) port = Number(value);
  }
  return port;
}
