// Inventory format v1: the contract (README "The inventory"; schema/inventory.schema.json is
// generated from this file). Unknown keys are allowed through
// (`z.looseObject`) and reported as warnings by the loader, never as failures.
import { Cron } from "croner";
import { z } from "zod";
import { CLOUD_RUN_NAME, PROJECT_ID, cloudRunNameProblem, projectIdProblem } from "./gcp-names.js";
import { phpIniSchema } from "./php-limits.js";
import { ROUTE_HOST, ROUTE_HOST_HINT, ROUTE_PATH } from "../contracts/url-path.js";
import { portOf } from "./listen.js";

export const SERVICE_NAME = /^[a-z][a-z0-9-]*$/;
/** "host:port", where host is an IPv4 address, a hostname, `*`, or a bracketed IPv6 address. */
export const LISTEN = /^(\*|\[[0-9a-fA-F:.]+\]|[A-Za-z0-9.-]+):(\d{1,5})$/;
/** An environment variable name, as the inventory's `env` lists them. */
export const ENV_NAME = /^[A-Za-z_][A-Za-z0-9_]*$/;
/** A URL path below the root: `/wiki`, `/apps/shop` (no trailing slash, query or pattern). */
export const URL_PATH = /^(\/[A-Za-z0-9._~-]+){1,10}$/;

/** One path a reverse proxy sends to one service. */
export const proxyRouteSchema = z.looseObject({
  path: z.string().regex(ROUTE_PATH, 'expected "/" or a URL path such as "/api/v1/streaming"'),
  service: z.string().trim().min(1),
  /** Only this path (nginx `location = /path`); otherwise the path and everything under it. */
  exact: z.boolean().optional(),
  /** What the proxy replaces the path with before passing it on (`location /flower/ { proxy_pass http://…:5555/; }`: "/"). */
  rewrite: z.string().regex(ROUTE_PATH, 'expected "/" or a URL path').optional(),
  /** The proxy asks for a login on this path (nginx auth_basic, Apache AuthType Basic + Require valid-user): the app behind it has no login of its own to rely on. */
  guarded: z.boolean().optional(),
  /**
   * The proxy let only these client addresses reach this path (nginx allow/deny, Apache Require ip
   * or 2.2's Order/Allow/Deny): networks, addresses or host names; [] when it refused everyone.
   */
  allowFrom: z.array(z.string().trim().min(1).max(200)).max(20).optional(),
  /** Regex sections of the proxy that guarded only part of this path, which no load-balancer path rule can hold. */
  guardedPatterns: z.array(z.string().trim().min(1).max(200)).max(10).optional(),
  /**
   * The host names the rule belongs to (nginx server_name, Apache ServerName/ServerAlias), when the
   * proxy routes by host: the same path on another host goes elsewhere. Without it, every host.
   */
  hosts: z.array(z.string().regex(ROUTE_HOST, ROUTE_HOST_HINT)).min(1).max(20).optional(),
});
export type ProxyRoute = z.infer<typeof proxyRouteSchema>;
const CRON_FIELD = /^[\d*/,\-A-Za-z?LW#]+$/;

/** Where a web app keeps sessions (detect/session-store.ts); file, memory and cache-local live in one instance. */
export const SESSION_STORES = [
  "file",
  "memory",
  "cache-local",
  "database",
  "redis",
  "memcached",
  "cookie",
  "dynamodb",
] as const;
export type SessionStore = (typeof SESSION_STORES)[number];
/** Stores that live inside one instance: lost or unseen when another instance serves the user. */
export const PER_INSTANCE_STORES: ReadonlySet<SessionStore> = new Set(["file", "memory", "cache-local"]);

/** Where an app's cache lives (detect/cache-store.ts): file and memory are each instance's own. */
export const CACHE_STORES = ["file", "memory", "database", "redis", "memcached", "dynamodb"] as const;
export type CacheStore = (typeof CACHE_STORES)[number];
export const PER_INSTANCE_CACHES: ReadonlySet<CacheStore> = new Set(["file", "memory"]);

export const SERVICE_ROLES = [
  "reverse-proxy",
  "web",
  "worker",
  "scheduler",
  "database",
  "cache",
  "broker",
  "cron",
  "other",
] as const;
export type ServiceRole = (typeof SERVICE_ROLES)[number];

/** The language runtime a process runs on: what a container image or buildpack must provide. */
export const RUNTIMES = ["python", "node", "ruby", "go", "php", "java", "other"] as const;
export type Runtime = (typeof RUNTIMES)[number];
/**
 * What a process speaks to its clients: a websocket or SMTP listener needs more than an HTTP front
 * door; `tcp` and `udp` are raw listeners of another protocol (GPS trackers, game clients, syslog);
 * `uwsgi` is uWSGI's binary protocol (a `socket` behind nginx's `uwsgi_pass`), which uWSGI switches to
 * HTTP with `http-socket`.
 */
export const PROTOCOLS = ["http", "websocket", "grpc", "smtp", "tcp", "udp", "uwsgi"] as const;
/** "5055/tcp", "5000-5500/udp": a port or a range clients reach directly, and its transport. */
export const RAW_PORT = /^(\d{1,5})(?:-(\d{1,5}))?\/(tcp|udp)$/;
export type Protocol = (typeof PROTOCOLS)[number];
/** What an app uses a data store for: Redis is often a broker, a cache and a pub/sub bus at once. */
export const STORE_USES = ["broker", "cache", "pubsub", "results", "sessions", "locks"] as const;
export type StoreUse = (typeof STORE_USES)[number];

/** A 5-field (or, with seconds, 6-field) cron expression whose values croner accepts. */
function isCron(expression: string): boolean {
  if (!/^\S+(\s+\S+){4,5}$/.test(expression) || !expression.split(/\s+/).every((f) => CRON_FIELD.test(f))) return false;
  try {
    new Cron(expression, { paused: true });
    return true;
  } catch {
    return false;
  }
}

const cronSchedule = z
  .string()
  .trim()
  .refine((s) => {
    // @reboot is no schedule croner knows, but a crontab may say it: the design reports it.
    return /^@(yearly|annually|monthly|weekly|daily|midnight|hourly|reboot)$/.test(s) || isCron(s);
  }, 'expected a cron expression such as "*/5 * * * *"');

/**
 * How a process sends mail where Cloud Run cannot: through an MTA on the VM, its sendmail, a relay
 * on port 25, or a development mail catcher (Mailpit, MailHog…) that delivers nothing at all.
 */
export const OUTBOUND_MAIL = ["local-mta", "sendmail", "port-25", "dev-catcher"] as const;
/** The mail servers init recognises on a VM (their units, packages or main config files). */
export const LOCAL_MTAS = ["postfix", "exim4", "opensmtpd", "nullmailer", "msmtp", "ssmtp"] as const;
export type LocalMtaName = (typeof LOCAL_MTAS)[number];
const outboundMailSchema = z.looseObject({
  via: z.enum(OUTBOUND_MAIL),
  settings: z
    .array(z.string().regex(ENV_NAME, "expected an environment variable name (values never belong here)"))
    .max(20)
    .default([]),
  /** The MTA on the VM the mail goes through (local-mta, sendmail): it stays behind at the cut-over. */
  mta: z.enum(LOCAL_MTAS).optional(),
  /** The framework whose default sends the mail when no setting names a host (Django, Rails, Laravel). */
  frameworkDefault: z.string().max(40).optional(),
});
export type OutboundMail = z.input<typeof outboundMailSchema>;

/** A repository path with no `..` segment: the build stays in the checkout. */
const IN_REPO = /^(?!.*(^|\/)\.\.(\/|$))/;

/** How the team's image is built (service `build`): init writes only what passes this. */
export const teamBuildSchema = z
  .object({
    context: z
      .string()
      .regex(
        /^(\.|[A-Za-z0-9_@+-][A-Za-z0-9._@+-]*(\/[A-Za-z0-9._@+-]+)*)$/,
        "expected a folder of the repository such as . or docker",
      )
      .regex(IN_REPO, "expected a folder inside the repository (no ..)")
      .max(300),
    dockerfile: z
      .string()
      .regex(
        /^[A-Za-z0-9_@+-][A-Za-z0-9._@+-]*(\/[A-Za-z0-9._@+-]+)*$/,
        "expected a repository path such as docker/Dockerfile",
      )
      .regex(IN_REPO, "expected a path inside the repository (no ..)")
      .max(300),
    target: z
      .string()
      .regex(/^[A-Za-z0-9][A-Za-z0-9._-]*$/, "expected a build stage name")
      .max(100)
      .optional(),
    args: z
      .record(
        z.string().regex(/^[A-Za-z_][A-Za-z0-9_]*$/),
        z
          .string()
          .max(500)
          .regex(
            /^(?![\s\S]*\$\{\{)[^\n\r]*$/,
            "expected one line without ${{ (the workflow would read it as an expression)",
          ),
      )
      .optional(),
  })
  .strict();

export const serviceSchema = z.looseObject({
  name: z.string().regex(SERVICE_NAME, "expected lowercase letters, digits and dashes, starting with a letter").max(49),
  role: z.enum(SERVICE_ROLES),
  software: z.string().trim().min(1).max(100),
  version: z.union([z.string(), z.number()]).transform(String).optional(),
  systemdUnit: z.string().max(200).optional(),
  command: z.string().max(4000).optional(),
  listen: z
    .array(
      z
        .string()
        .regex(LISTEN, 'expected "host:port"')
        .refine((s) => {
          const port = portOf(s);
          return port >= 1 && port <= 65535;
        }, "port must be between 1 and 65535"),
    )
    .default([]),
  dependsOn: z.array(z.string()).default([]),
  env: z
    .array(z.string().regex(ENV_NAME, "expected an environment variable name (values never belong here)"))
    .default([]),
  /**
   * Names of `env` the VM sets to an empty string (`REDIS_PASSWORD=` in Mastodon's env file,
   * Laravel's `AWS_ACCESS_KEY_ID=`): that a value is empty says nothing secret, and it matters,
   * because Secret Manager refuses an empty secret version, so such a name is set empty on Cloud Run.
   */
  emptyEnv: z
    .array(z.string().regex(ENV_NAME, "expected an environment variable name (values never belong here)"))
    .optional(),
  /**
   * Names of `env` whose VM value is plain by its shape (a flag, a small number, a mode, a host name,
   * a path, a URL of a scheme and host only) under a name that hints at no credential: they go to
   * Cloud Run as plain env vars (deploy/cloud-run.env), not Secret Manager. Only names: the values
   * stay on the VM. Take a name out to keep it a secret.
   */
  plainEnv: z
    .array(z.string().regex(ENV_NAME, "expected an environment variable name (values never belong here)"))
    .optional(),
  /**
   * Names of `env` whose value only the systemd unit's own `Environment=` lines hold (no
   * `EnvironmentFile=` sets them): the secrets setup reads the unit (`--unit`) for them. Only names.
   */
  unitEnv: z
    .array(z.string().regex(ENV_NAME, "expected an environment variable name (values never belong here)"))
    .optional(),
  /**
   * App processes: the folder they run in on the VM (systemd `WorkingDirectory=` with its specifiers
   * filled in, Supervisor's `directory=`, pm2's cwd). A relative path the app writes to (an uploads
   * folder setting such as "uploads" or "./media") lands there: the image and the mounts keep it so.
   */
  workingDir: z
    .string()
    .regex(/^\/[A-Za-z0-9._/@+-]*$/, "expected an absolute folder on the VM such as /opt/myapp")
    .max(500)
    .optional(),
  /** The VM's file the env values live in (EnvironmentFile=, the app's .env): the secrets setup reads it. */
  envFile: z
    .string()
    .regex(/^\/[A-Za-z0-9._/@+-]+$/, "expected an absolute path on the VM such as /etc/myapp/env")
    .max(500)
    .optional(),
  schedule: cronSchedule.optional(),
  runtime: z.enum(RUNTIMES).optional(),
  /** Free text: django, rails, express, laravel, spring, celery, sidekiq… */
  framework: z.string().trim().min(1).max(50).optional(),
  /** npm, yarn, pnpm, pip, poetry, uv, bundler, composer, go, maven, gradle… (from the lockfile). */
  packageManager: z.string().trim().min(1).max(30).optional(),
  protocols: z.array(z.enum(PROTOCOLS)).max(PROTOCOLS.length).optional(),
  /**
   * Ports clients reach directly, in a protocol other than HTTP, beside the process's `listen`
   * (the VM's firewall opens them; the app's default listeners need no setting): "5000-5500/tcp".
   * Cloud Run receives only HTTP, gRPC and websockets on one port, and no UDP at all.
   */
  rawPorts: z
    .array(
      z
        .string()
        .regex(RAW_PORT, 'expected "PORT/tcp", "PORT/udp" or a range "FROM-TO/tcp"')
        .refine((s) => {
          const m = RAW_PORT.exec(s);
          if (!m) return true; // the regex above reports it
          const from = Number(m[1]);
          const to = Number(m[2] ?? m[1]);
          return from >= 1 && to <= 65535 && from <= to;
        }, "ports must be between 1 and 65535, the range from low to high"),
    )
    .max(64)
    .optional(),
  /**
   * uWSGI speaking the uwsgi protocol (protocols: uwsgi): what sets its `socket`, so the plan can
   * switch it to `http-socket` on Cloud Run's port. `command`: a flag; `config`: the file `file`
   * (`socket = …`); `env`: variables, uWSGI's own UWSGI_SOCKET (`addressEnv`) or a start script's
   * that build the flag (DefectDojo's `"--${DD_UWSGI_MODE}" "${DD_UWSGI_ENDPOINT}"`).
   */
  uwsgiSocket: z
    .looseObject({
      setIn: z.enum(["command", "config", "env"]),
      file: z.string().max(500).optional(),
      modeEnv: z.string().regex(ENV_NAME, "expected an environment variable name").optional(),
      addressEnv: z.string().regex(ENV_NAME, "expected an environment variable name").optional(),
    })
    .optional(),
  /** A loop or consumer that must always run (a queue worker, a streaming server, a mail listener). */
  longRunning: z.boolean().optional(),
  /** Data stores: what the apps use this one for. */
  usedFor: z.array(z.enum(STORE_USES)).max(STORE_USES.length).optional(),
  /**
   * Web fronts: the largest request body accepted, in MiB, or "unlimited" (nginx client_max_body_size,
   * Apache LimitRequestBody): how big an upload the product takes. Cloud Run caps HTTP/1 bodies at 32 MiB.
   */
  maxRequestBodyMiB: z.union([z.number().positive().max(1_048_576), z.literal("unlimited")]).optional(),
  /**
   * Reverse proxies: folders it serves only to the app's X-Accel-Redirect answers (nginx `internal`
   * locations; Taiga's /_protected/ hands out attachments once taiga-protected has checked the token).
   * Google's load balancer reads no such header: the app must serve or sign those files itself.
   */
  internalFolders: z
    .array(z.string().regex(/^\/[A-Za-z0-9._@+\/-]*$/, "expected an absolute folder such as /srv/media"))
    .max(50)
    .optional(),
  /**
   * Reverse proxies: URL paths the proxy serves from a folder on disk itself (nginx `location
   * /dashboard/ { alias /var/www/dashboard/; }`), not from an app. The load balancer serves no
   * files: the design says where each goes (user files' bucket, the app, or a bucket of its own).
   */
  servedFolders: z
    .array(
      z.looseObject({
        path: z.string().regex(ROUTE_PATH, 'expected "/" or a URL path such as "/media"'),
        folder: z.string().regex(/^\/[A-Za-z0-9._@+\/-]*$/, "expected an absolute folder such as /var/www/dashboard"),
        /**
         * The folder holds files built from the app's code (Django's STATIC_ROOT, which
         * collectstatic fills): they ship in the image wherever the folder sits, even in a folder
         * of user files or a data directory, and are never copied or mounted as state.
         */
        built: z.literal(true).optional(),
      }),
    )
    .max(50)
    .optional(),
  /**
   * Web processes: the URL path the VM serves the app under instead of / (an Apache `Alias /wiki …`).
   * Cloud Run serves a service at /, so the move must keep that path or change the app's base path.
   */
  urlPath: z.string().regex(URL_PATH, 'expected a URL path such as "/wiki"').optional(),
  /**
   * PHP web processes: the limits PHP had on the VM (php.ini, conf.d, the FPM pool's or Apache's
   * php_value), a directive not given being PHP's default. PHP caps uploads again behind the front.
   */
  phpIni: phpIniSchema.optional(),
  /**
   * Web processes: where the app keeps its users' sessions, as its settings say. file, memory and
   * cache-local stay in one instance: on Cloud Run's several instances users are logged out at random.
   */
  sessionStore: z.enum(SESSION_STORES).optional(),
  /**
   * App processes: where the cache lives that the app relies on being one for every process (rate
   * limits, locks, a scheduler's overlap guard, unique jobs), as its settings say. Only claimed where
   * the framework or a package keeps such state in it. file and memory stay in one instance.
   */
  cacheStore: z.enum(CACHE_STORES).optional(),
  /**
   * Web processes: background work the app runs on threads of the web process after the response,
   * and what says so (Rails' Active Job with no queue adapter, i.e. its default :async, no job
   * backend gem, and app code calling deliver_later/perform_later). Cloud Run's request-based CPU
   * starves those threads, and an instance that stops loses what is queued.
   */
  inProcessJobs: z.string().trim().min(1).max(400).optional(),
  /**
   * App processes: how they send mail where nothing on Cloud Run takes it, as their settings on the
   * VM say (`settings`: the env names that say it, to change). local-mta: an MTA on the VM
   * (localhost:25, a host setting left empty); sendmail: the VM's /usr/sbin/sendmail; port-25: a
   * relay on port 25, which Google Cloud blocks outbound. Absent when mail goes to a provider's
   * port 587/465 or an HTTP API.
   */
  outboundMail: outboundMailSchema.optional(),
  /**
   * App processes whose own documentation says they run as one instance only, and why (Ghost:
   * "Clustering or sharding is not supported in any way"). The design caps them at one instance.
   */
  singleInstance: z.string().trim().min(1).max(400).optional(),
  /**
   * App processes that run once and exit, at boot or with each release (a systemd Type=oneshot
   * unit no timer starts: an upgrade, a migration, a registration of background jobs). The deploy
   * runs the ones it can name as Cloud Run jobs; the others are open decisions with their command.
   */
  runsOnce: z.literal(true).optional(),
  /**
   * App processes run from the team's own image: how it is built, as the compose file's `build:`
   * says (paths from the repository's root, the compose file's folder; `${VAR:-x}` filled in). The
   * deploy builds this image, with this target and these build arguments, instead of writing one.
   */
  build: teamBuildSchema.optional(),
  /**
   * App processes that run a published image no one here builds (a compose `image:` without
   * `build:`, compose's variables filled in): the deploy has to run that image, not build one.
   */
  image: z
    .string()
    .max(300)
    .regex(/^[a-z0-9][a-z0-9._/-]*(:[\w.-]+)?(@sha256:[a-f0-9]{64})?$/)
    .optional(),
  /**
   * A database server's extensions, as `CREATE EXTENSION` names (vector, vchord, vectors, postgis,
   * timescaledb), where the VM shows them (the image it runs): Cloud SQL offers only some of them.
   */
  extensions: z
    .array(
      z
        .string()
        .regex(/^[a-z][a-z0-9_-]*$/)
        .max(63),
    )
    .max(30)
    .optional(),
  beforeStart: z
    .array(z.string().trim().min(1).max(4000))
    .max(20)
    .optional()
    .describe(
      "App processes: the app's own commands its systemd unit runs before it on every start (ExecStartPre=: manage.py migrate, collectstatic), housekeeping such as mkdir or chown left out. Nothing runs them on Cloud Run: the deploy runs each as a job in its place (a migration as the migrate job) or the plan names it.",
    ),
  /**
   * App processes: how many processes of this one kind the VM runs, when more than one (a template
   * unit enabled as `worker@1` and `worker@2`, a pm2 app started N times, a Node web server
   * clustered by WEB_CONCURRENCY). Each runs the same
   * command; the design sizes the target for all of them.
   */
  instances: z.number().int().min(2).max(1000).optional(),
  /**
   * Synchronous web servers: the worker processes and threads per worker the VM's server runs
   * (gunicorn -w/--threads, GUNICORN_CMD_ARGS, its config file or WEB_CONCURRENCY; Puma -w/-t,
   * config/puma.rb or WEB_CONCURRENCY/MAX_THREADS; uWSGI processes/threads; Unicorn
   * worker_processes; PHP-FPM's pm.max_children as workers of one thread): workers × threads is
   * how many requests one copy serves at once, and the
   * Cloud Run service's concurrency follows it.
   */
  capacity: z
    .object({ workers: z.number().int().min(1).max(1000), threads: z.number().int().min(1).max(1000) })
    .optional(),
  /**
   * Reverse proxies: the URL paths they send to a service other than the one behind / (nginx
   * `location /api/v1/streaming { proxy_pass … }`, Apache `ProxyPass /events …`). The load balancer
   * that replaces the proxy gets the same rules, or those paths reach the wrong service.
   */
  routes: z.array(proxyRouteSchema).max(50).optional(),
});
export type Service = z.infer<typeof serviceSchema>;

export const BACKUPS = ["none", "manual", "daily", "continuous"] as const;

/** A database's name on its server: what setup-database.sh can create (letters, digits and _). */
export const DATABASE_NAME = /^[A-Za-z_][A-Za-z0-9_]{0,62}$/;

/** One database of a server, and the processes that use it. */
export const serverDatabaseSchema = z.object({
  name: z.string().regex(DATABASE_NAME, "a database name: letters, digits and _, not starting with a digit"),
  services: z.array(z.string()).min(1).max(50),
});
export type ServerDatabase = z.infer<typeof serverDatabaseSchema>;

export const dataStoreSchema = z.looseObject({
  service: z.string(),
  engine: z.string().trim().min(1).max(50),
  version: z.union([z.string(), z.number()]).transform(String).optional(),
  sizeGiB: z.number().nonnegative().max(1_000_000).optional(),
  backups: z.enum(BACKUPS).default("none"),
  /** A file database (engine sqlite): the file on the VM's disk; `service` is a process that opens it. */
  path: z.string().trim().min(1).max(500).optional(),
  /** Every process that opens the file (they must all reach the same copy). */
  services: z.array(z.string()).optional(),
  /**
   * A server holding several databases (an app beside Keycloak, Metabase or a second app): which
   * database each process uses. Without it, every process uses one database.
   */
  databases: z.array(serverDatabaseSchema).min(1).max(20).optional(),
});
export type DataStore = z.infer<typeof dataStoreSchema>;
export { isFileDatabase } from "./file-database.js";

/** Known deploy methods: suggestions, not a closed list (the contract says free text). */
export const DEPLOY_METHODS = [
  "ssh-systemctl",
  "ssh-supervisorctl",
  "ssh-pm2",
  "ssh-script",
  "manual",
  "ci-ssh",
  "containers",
  "other",
] as const;

export const deploySchema = z.looseObject({
  method: z.string().trim().min(1).max(100).default("ssh-systemctl"),
  durationMinutes: z.number().positive().max(10_000).optional(),
  perWeek: z.number().nonnegative().max(10_000).optional(),
  rollback: z.enum(["none", "manual", "automatic"]).default("none"),
  downtime: z.boolean().default(true),
  testCommand: z.string().max(500).optional(),
});

export const trafficSchema = z.looseObject({
  peakRps: z.number().nonnegative().max(10_000_000).optional(),
  averageRps: z.number().nonnegative().max(10_000_000).optional(),
  growth: z.number().min(1).max(10_000).default(10),
});

export const teamSchema = z.looseObject({
  engineers: z.number().int().min(1).max(10_000).optional(),
  kubernetes: z.boolean().default(false),
});

export const GCP_REGION = /^[a-z]+-[a-z]+\d+$/;
/** "08:00-20:00 America/Sao_Paulo": opening hours and an IANA time zone. */
export const BUSINESS_HOURS = /^\d{2}:\d{2}-\d{2}:\d{2}( [A-Za-z_]+(\/[A-Za-z_+-]+)*)?$/;
export const GITHUB_REPO = /^[A-Za-z0-9-]{1,39}\/[A-Za-z0-9._-]{1,100}$/;

export const targetSchema = z.looseObject({
  cloud: z.literal("gcp").default("gcp"),
  project: z
    .string()
    .regex(PROJECT_ID, {
      error: (issue) => `a GCP project id ${projectIdProblem(String(issue.input))}, e.g. acme-shop-prod`,
    })
    .optional(),
  region: z.string().regex(GCP_REGION, 'expected a GCP region such as "us-central1"').default("us-central1"),
  service: z
    .string()
    .regex(CLOUD_RUN_NAME, {
      error: (issue) => `a Cloud Run service name ${cloudRunNameProblem(String(issue.input))}, e.g. web-app-prod`,
    })
    .optional(),
  github: z.string().regex(GITHUB_REPO, 'expected "owner/repo"').optional(),
  businessHours: z.string().regex(BUSINESS_HOURS, 'expected "HH:MM-HH:MM Area/City"').optional(),
});

/** One folder name inside a storage folder (not "." or ".."). */
const SUBFOLDER = /^(?!\.\.?$)[A-Za-z0-9._@+-]{1,100}$/;
const SUBFOLDER_HINT = "expected a folder name such as images";
/** A relative path of plain folder names, no `..` segment. */
const LINK_PATH = /^(?!.*(^|\/)\.\.?(\/|$))[A-Za-z0-9._@+-]{1,100}(\/[A-Za-z0-9._@+-]{1,100}){0,15}$/;

/**
 * Kinds of data written in place: git repositories, index folders (LevelDB, bleve, Lucene), SQLite
 * files, and `files`: a tree the app manages as a filesystem (its data directory: it renames
 * folders, assembles uploads by rename, checks permissions).
 */
export const IN_PLACE_KINDS = ["git", "index", "sqlite", "files"] as const;
const IN_PLACE_PATH = new RegExp(`^\\.$|${LINK_PATH.source}`);

/** User files on the VM's own disk (uploads, media, attachments): they need a home off the VM. */
export const storageSchema = z.looseObject({
  path: z.string().trim().min(1).max(500),
  purpose: z.string().trim().min(1).max(200).optional(),
  sizeGiB: z.number().nonnegative().max(1_000_000).optional(),
  /** Services that read or write it. */
  services: z.array(z.string()).optional(),
  /**
   * The app's settings name the folder by this absolute path (an env variable, a settings file):
   * it looks there wherever it runs, so the mount keeps the path. Without it, a folder inside a
   * process's working directory is taken as reached by a relative path, and is mounted where that
   * path lands in the image.
   */
  absoluteSetting: z.literal(true).optional(),
  /**
   * Where the folder is on the VM's disk when the app sees it elsewhere: `path` is where the app
   * writes in its container (a compose bind mount `./media:/app/media`, a named volume in
   * /var/lib/docker/volumes/<project>_<name>/_data), and the bucket is mounted there; the copy to
   * the bucket reads this folder.
   */
  hostPath: z.string().trim().regex(/^\//, "expected an absolute path on the VM").max(500).optional(),
  /**
   * The app's data folder this folder sits in, named by its settings (Odoo's data_dir, whose
   * filestore/ is the folder): the app makes and writes the data folder's other subfolders itself
   * (session files, add-ons it installs), so the image makes it and gives it to the app's user.
   */
  dataDir: z
    .string()
    .trim()
    .regex(/^\/[A-Za-z0-9._@+/-]+$/, "expected an absolute path such as /var/lib/odoo")
    .max(500)
    .optional(),
  /**
   * When the folder also holds code (storage-split.ts): its subfolders of user files, the only ones
   * mounted from the bucket and copied to it.
   */
  uploadFolders: z.array(z.string().regex(SUBFOLDER, SUBFOLDER_HINT)).max(50).optional(),
  /**
   * What in the folder is written in place, not as whole files (storage-in-place.ts): git
   * repositories, index folders (LevelDB, bleve, Lucene), SQLite files, an app's data directory
   * managed as a filesystem (`files`: folder renames, permission checks). A Cloud Storage mount
   * cannot carry them; `path` is relative to the folder ("." for all of it).
   */
  inPlace: z
    .array(
      z.object({
        path: z.string().regex(IN_PLACE_PATH, "expected . or a relative path such as gitea-repositories"),
        kind: z.enum(IN_PLACE_KINDS),
      }),
    )
    .max(50)
    .optional(),
  /**
   * The open decision on the data written in place, once taken: `filestore` mounts a Filestore
   * share there over NFS. Until it is set, the services that use the folder are not deployed.
   */
  inPlaceHome: z.enum(["filestore"]).optional(),
  /** Its subfolders that hold the app's code (links into the release, themes, plugins): they ship in the image. */
  codeFolders: z.array(z.string().regex(SUBFOLDER, SUBFOLDER_HINT)).max(50).optional(),
  /**
   * Links in the folder into the app's code: `path` inside the folder, `target` inside the app's
   * folder with the release link followed (versions/5.96.1/content/themes/casper). The image makes them.
   */
  codeLinks: z
    .array(
      z.object({
        path: z.string().regex(LINK_PATH, "expected a relative path such as themes/casper"),
        target: z.string().regex(LINK_PATH, "expected a path relative to the app's folder"),
      }),
    )
    .max(100)
    .optional(),
});
/** Where a storage folder is on the VM's disk (what the copy reads): `hostPath` when the app sees it elsewhere. */
export function storageOnVm(s: { path: string; hostPath?: string }): string {
  return (s.hostPath ?? s.path).replace(/(.)\/+$/, "$1");
}
export type Storage = z.infer<typeof storageSchema>;

/**
 * A folder in the app's folder on the VM that holds code the app loads at run time (plugins an
 * admin installed: Kimai's var/plugins, WordPress's wp-content/plugins, Home Assistant's
 * custom_components): build input, not data. The image must carry it; a bucket must never hold it.
 */
export const buildInputSchema = z.looseObject({
  path: z.string().regex(/^\/[A-Za-z0-9._@+/-]{1,500}$/, "expected an absolute path such as /var/www/app/var/plugins"),
  /** The folder relative to the app's folder (the build context): var/plugins. */
  appPath: z.string().regex(LINK_PATH, "expected a path relative to the app's folder"),
  /** Files of code in it on the VM (.php, .py, .rb, .js…): 0 when none is installed yet. */
  codeFiles: z.number().int().nonnegative().optional(),
});
export type BuildInput = z.infer<typeof buildInputSchema>;

/**
 * A small file in the app's folder that holds a secret and is not in the repository (wallabag's
 * data/site-credentials-secret-key.txt, made at first use; Rails' config/master.key): every instance
 * needs the same file, so it becomes a Secret Manager secret mounted as a file.
 */
export const secretFileSchema = z.looseObject({
  path: z.string().regex(/^\/[A-Za-z0-9._@+\/-]{1,500}$/, "expected an absolute path of plain characters"),
  /** Services that read it; every app process when absent. */
  services: z.array(z.string()).optional(),
  /**
   * A settings file the command names that holds the database connection (Gitea's app.ini
   * `[database] HOST`): the section and the host it names on the VM, which the move changes.
   */
  database: z
    .looseObject({
      section: z.string().max(100),
      host: z.string().max(200).optional(),
      /**
       * The key holding the database's JDBC URL (a JVM app's properties file: Traccar's
       * conf/traccar.xml `database.url`): the URL itself changes, not a host.
       */
      urlKey: z.string().max(200).optional(),
    })
    .optional(),
  /**
   * Settings of that file naming a VM folder of user files, or the folder holding one (pretix's
   * `[pretix] datadir=/var/pretix/data` holds its media): the plan rewrites them to the image's path.
   */
  paths: z
    .array(z.looseObject({ section: z.string().max(100), key: z.string().max(100), value: z.string().max(500) }))
    .max(20)
    .optional(),
  /**
   * Settings of that file naming a log file inside a folder of user files (Nextcloud's `logfile`
   * in its data directory): on a Cloud Storage mount every appended line rewrites the object, and
   * instances overwrite each other's lines, so the plan points them at standard output.
   */
  logFiles: z
    .array(z.looseObject({ section: z.string().max(100), key: z.string().max(100), value: z.string().max(500) }))
    .max(20)
    .optional(),
  /**
   * Settings of that file naming the app's own host names, public URL or proxy trust (Nextcloud's
   * `trusted_domains`, `overwrite.cli.url`, `overwriteprotocol`, `trusted_proxies`; Moodle's
   * `$CFG->wwwroot`, `$CFG->sslproxy`): behind Cloud Run the app sees HTTP from Google's front end.
   */
  ownHost: z
    .array(z.looseObject({ section: z.string().max(100), key: z.string().max(100) }))
    .max(20)
    .optional(),
  /** Settings of that file holding a Redis URL (pretix's [redis] location, [celery] broker and backend). */
  redis: z
    .array(z.looseObject({ section: z.string().max(100), key: z.string().max(100) }))
    .max(20)
    .optional(),
  /** The app's own listener as that file sets it (Gitea's [server] HTTP_ADDR, HTTP_PORT). */
  server: z
    .looseObject({
      section: z.string().max(100),
      addrKey: z.string().max(100).optional(),
      addr: z.string().max(200).optional(),
      portKey: z.string().max(100).optional(),
      port: z.number().int().min(1).max(65535).optional(),
    })
    .optional(),
});
export type SecretFile = z.infer<typeof secretFileSchema>;

export const ORIGINS = ["detected", "answered", "assumed"] as const;
export type ProvenanceOrigin = (typeof ORIGINS)[number];
/**
 * `services[api].listen`, `data[mysql].backups`, `deploy.durationMinutes`: list items are named by
 * their name (service), service (data) or path (storage), so the key survives reordering.
 */
export const PROVENANCE_KEY = /^[A-Za-z][A-Za-z0-9]*(\[[^\]]+\])?(\.[A-Za-z][A-Za-z0-9]*(\[[^\]]+\])?)*$/;
export const provenanceSchema = z.looseObject({
  from: z.enum(ORIGINS),
  /** Where a detected value was read: a repository path, or an absolute path on the VM. */
  file: z.string().max(500).optional(),
  line: z.number().int().positive().optional(),
});
export type Provenance = z.infer<typeof provenanceSchema>;

/** Seconds per model call every phase assumes when the inventory gives no llm.latencySeconds. */
export const ASSUMED_LLM_LATENCY_SECONDS: readonly [number, number] = [5, 15];

export const llmSchema = z.looseObject({
  useCase: z.string().trim().min(1).max(500).optional(),
  latencySeconds: z
    .tuple([z.number().positive(), z.number().positive()])
    .refine(([a, b]) => a <= b, "expected [min, max] with min <= max")
    .optional(),
  provider: z.enum(["vertex-ai", "gemini-api", "openai", "anthropic", "other"]).default("vertex-ai"),
  model: z.string().max(100).optional(),
  requestsPerMinute: z.number().positive().max(1_000_000).optional(),
});

export const inventorySchema = z.looseObject({
  $schema: z.string().optional(),
  apiVersion: z.literal("infra-migrate/v1", { error: 'expected "infra-migrate/v1"' }),
  kind: z.literal("Inventory", { error: 'expected "Inventory"' }),
  metadata: z.looseObject({
    name: z.string().regex(SERVICE_NAME, "expected lowercase letters, digits and dashes").max(63),
    description: z.string().max(2000).optional(),
  }),
  host: z
    .looseObject({
      hostname: z.string().max(253).optional(),
      os: z.string().max(100).optional(),
      cpus: z.number().positive().max(1024).optional(),
      memoryGiB: z.number().positive().max(65536).optional(),
      diskGiB: z.number().positive().max(1_000_000).optional(),
      provider: z.string().max(50).optional(),
      monthlyCostUsd: z.number().nonnegative().max(10_000_000).optional(),
    })
    .default({}),
  services: z.array(serviceSchema).min(1, "an inventory needs at least one service").max(5000),
  data: z.array(dataStoreSchema).default([]),
  deploy: deploySchema.default({ method: "ssh-systemctl", rollback: "none", downtime: true }),
  traffic: trafficSchema.default({ growth: 10 }),
  team: teamSchema.default({ kubernetes: false }),
  target: targetSchema.default({ cloud: "gcp", region: "us-central1" }),
  llm: llmSchema.optional(),
  storage: z.array(storageSchema).max(500).optional(),
  secretFiles: z.array(secretFileSchema).max(50).optional(),
  buildInputs: z.array(buildInputSchema).max(50).optional(),
  /** Where each value came from; a value with no entry was written by hand (or by an older init). */
  provenance: z
    .record(z.string().regex(PROVENANCE_KEY, "expected a key path such as services[api].listen"), provenanceSchema)
    .optional(),
});

export type Inventory = z.infer<typeof inventorySchema>;
export type InventoryInput = z.input<typeof inventorySchema>;

/** A team image's build as the inventory records it (service `build`). */
export type TeamBuild = NonNullable<Service["build"]>;
