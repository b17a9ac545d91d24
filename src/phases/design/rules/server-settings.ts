// Settings about the server process itself, which Cloud Run decides rather than the VM: where it
// listens (Cloud Run sends requests to 0.0.0.0 on the service's port) and where its logs go
// (stdout). Names are recognised in upper case; the design keeps the app's own case (app-env.ts).

/** Host a server binds (not a host it connects to). */
const BIND_HOST =
  /^(HOST|BIND|BIND_HOST|BIND_ADDR|LISTEN_HOST|SERVER_HOST|APP_HOST|[A-Z0-9]+_BIND_ADDR|GRANIAN_HOST|UVICORN_HOST|GUNICORN_HOST)$/;
/** host:port a server binds (Go and Node servers often take one variable). */
const BIND_ADDR = /^(LISTEN_ADDR|LISTEN_ADDRESS|BIND_ADDRESS|HTTP_ADDR|SERVER_ADDR|ADDR)$/;
/** The port a server binds, under its own name. */
const BIND_PORT = /^(GRANIAN_PORT|UVICORN_PORT|SERVER_PORT|APP_PORT|HTTP_PORT|LISTEN_PORT|[A-Z0-9]+_WEB_PORT)$/;
/**
 * Which part of the listen address a setting holds, if any. A config-file app's nested keys
 * arrive joined by `__` (Ghost's `server__host` / `server__port` through nconf; ASP.NET Core and
 * pydantic-settings nest the same way): `SERVER__PORT` is the server's port as `SERVER_PORT` is.
 * https://ghost.org/docs/config/#server
 */
export function bindSetting(name: string): "host" | "addr" | "port" | undefined {
  const flat = name.toUpperCase().replace(/_{2,}/g, "_");
  if (BIND_HOST.test(flat)) return "host";
  if (BIND_ADDR.test(flat)) return "addr";
  if (BIND_PORT.test(flat)) return "port";
  const server = EMBEDDED_SERVER.exec(flat);
  if (server && !CLIENT_PREFIX.test(flat)) return server[1] === "HOST" ? "host" : "port";
  return undefined;
}

/**
 * An app's own setting for its embedded server, prefixed with the app's name: Metabase's
 * MB_JETTY_HOST / MB_JETTY_PORT (docs "Environment variables"), XYZ_HTTP_PORT, XYZ_SERVER_HOST.
 */
const EMBEDDED_SERVER = /^[A-Z0-9]+_(?:JETTY|TOMCAT|UNDERTOW|NETTY|HTTP|SERVER|LISTEN|WEB)_(HOST|PORT)$/;
/** …unless the prefix names a server the app connects to (DB_SERVER_HOST, SMTP_SERVER_PORT). */
const CLIENT_PREFIX =
  /^(?:[A-Z0-9]+_)?(DB|DATABASE|POSTGRES|PG|MYSQL|MARIADB|REDIS|CACHE|MEMCACHED?|RABBITMQ|AMQP|BROKER|SMTP|EMAIL|MAIL|LDAP|ELASTIC\w*|MONGO\w*|PROXY|S3|MINIO|SENTRY|OTEL|STATSD|SYSLOG)_/;

/**
 * Settings that send the app's logs to files on the VM. On Cloud Run only what a container writes
 * to stdout/stderr reaches Cloud Logging, and its files live in memory and go with the instance
 * (https://cloud.google.com/run/docs/logging#container-logs): such a setting is set to stdout.
 * [name, value, why]; a name is matched in upper case.
 */
const LOG_TO_STDOUT: ReadonlyArray<[RegExp, string, string]> = [
  // Ghost's `logging.transports` (["file","stdout"] as ghost-cli writes it): an array, which nconf
  // parses from JSON (`parseValues: true`). https://ghost.org/docs/config/#logging
  [/^LOGGING__TRANSPORTS$/, '["stdout"]', "Cloud Logging reads stdout; a log file dies with the instance"],
];
export const logToStdout = (name: string) => LOG_TO_STDOUT.find(([pattern]) => pattern.test(name.toUpperCase()));
