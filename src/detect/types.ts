// What `init` can learn about a repository without asking: plain data, no UI. Every fact keeps
// the file it came from, so the wizard can say "from deploy/systemd/api.service" and a person
// can judge the guess.
import type {
  CacheStore,
  Protocol,
  Runtime,
  ProxyRoute,
  ServiceRole,
  SecretFile,
  BuildInput,
  SessionStore,
  OutboundMail,
  Storage,
  StoreUse,
  ServerDatabase,
} from "../inventory/schema.js";
import type { PhpIni } from "../inventory/php-limits.js";
import type { CommandFacts } from "./command.js";

/** One service as `init` asks for it and detection reports it (the inventory service's core). */
export interface ServiceAnswer {
  name: string;
  role: ServiceRole;
  software: string;
  version?: string;
  command?: string;
  systemdUnit?: string;
  listen: string[];
  dependsOn: string[];
  /**
   * dependsOn was read from the process's own checkout (folder-stores.ts): an empty list means it
   * reaches no store, and init keeps it empty instead of linking every store by role.
   */
  ownStores?: boolean;
  schedule?: string;
  /** Names (never values) of the environment variables the process gets. */
  env?: string[];
  /** Names of `env` whose value on the VM is the empty string (no value is kept, only that it is empty). */
  emptyEnv?: string[];
  /** Names of `env` whose value on the VM is plain by its shape and name (plain-values.ts): never the value. */
  plainEnv?: string[];
  /** Names of `env` whose value only the unit's own Environment= lines hold (no EnvironmentFile= sets them). */
  unitEnv?: string[];
  /** The VM's file those values live in (EnvironmentFile=, the app's .env): where the secrets setup reads them. */
  envFile?: string;
  /** An app process's folder on the VM (WorkingDirectory=, directory=, pm2's cwd): where its relative paths land. */
  workingDir?: string;
  runtime?: Runtime;
  framework?: string;
  packageManager?: string;
  protocols?: Protocol[];
  /** uWSGI speaking the uwsgi protocol: what sets its socket (uwsgi-mode.ts). */
  uwsgiSocket?: { setIn: "command" | "config" | "env"; file?: string; modeEnv?: string; addressEnv?: string };
  /** Ports clients reach directly in a raw protocol, from the VM's firewall (firewall.ts): "5000-5500/udp". */
  rawPorts?: string[];
  longRunning?: boolean;
  usedFor?: StoreUse[];
  /** The largest request body the web front (nginx, Apache) accepts, in MiB: how big an upload the product takes. */
  maxRequestBodyMiB?: number | "unlimited";
  /** Reverse proxies: folders served only to the app's X-Accel-Redirect answers (nginx `internal` locations). */
  internalFolders?: string[];
  /** Reverse proxies: URL paths they serve from a folder on disk themselves (nginx alias/root). */
  servedFolders?: { path: string; folder: string; built?: true }[];
  /** The URL path the VM serves this web process's app under (an Apache Alias), when it is not /. */
  urlPath?: string;
  /** A PHP web process: PHP's limits on the VM (php-ini.ts). */
  phpIni?: PhpIni;
  /** Where the web app keeps sessions, from its settings (detect/session-store.ts). */
  sessionStore?: SessionStore;
  /** Where the app's shared-state cache lives, from its settings (detect/cache-store.ts). */
  cacheStore?: CacheStore;
  /** Background jobs the web process runs on its own threads after the response (in-process-jobs.ts). */
  inProcessJobs?: string;
  /** How the process sends mail where Cloud Run cannot (outbound-mail.ts). */
  outboundMail?: OutboundMail;
  /** Why the app's own docs say this process runs as one instance only (single-instance.ts). */
  singleInstance?: string;
  /** A process that runs once and exits (a Type=oneshot unit no timer starts): never a server or a loop. */
  runsOnce?: true;
  /** The team's image build a compose process runs (compose.ts `build:`): the deploy builds it. */
  build?: TeamBuild;
  /** The published image a compose process runs, pulled rather than built (no `build:` anywhere for it). */
  image?: string;
  /** A database server's extensions, as CREATE EXTENSION names (postgres-extensions.ts): vector, vchord, postgis. */
  extensions?: string[];
  /** The app's commands its unit runs before it on every start (ExecStartPre=: a migrate, collectstatic). */
  beforeStart?: string[];
  /** A synchronous web server's worker processes and threads on the VM (server-capacity.ts). */
  capacity?: { workers: number; threads: number };
  /**
   * How many processes of this one kind the VM runs (a template unit enabled as `@1` and `@2`, a
   * pm2 app started with several instances): the design sizes the target for all of them.
   */
  instances?: number;
  /** A reverse proxy: the paths it sends to each service it fronts (nginx location blocks). */
  routes?: ProxyRoute[];
}

export interface HostFacts {
  hostname?: string;
  os?: string;
  cpus?: number;
  memoryGiB?: number;
}

export type LlmProviderGuess = "vertex-ai" | "gemini-api" | "openai" | "anthropic";
export type DeployMethodGuess = "ssh-systemctl" | "ssh-supervisorctl" | "ssh-pm2" | "containers";

/** A service found in the repo: the same shape `init` asks for, plus where it was found. */
export interface DetectedService extends ServiceAnswer {
  /** Repo-relative file the service was found in, or "dependencies" when inferred from packages. */
  source: string;
  /** 1-based line in `source` that defines it (ExecStart=, the crontab line, the Procfile entry, nginx's listen). */
  line?: number;
}

export interface Evidence {
  file: string;
  found: string;
}

export interface DetectedFacts {
  /** Absolute directory that was scanned. */
  dir: string;
  /** Project name candidate (pyproject / package.json / git repo / directory name), not yet sanitised. */
  name?: string;
  services: DetectedService[];
  /** `path` and `services`: a SQLite file on the VM's disk and the processes that open it. */
  database?: {
    engine: string;
    version?: string;
    source: string;
    path?: string;
    services?: string[];
    /** A server's databases when two processes' settings name different ones (server-databases.ts). */
    databases?: ServerDatabase[];
  };
  llm?: { provider: LlmProviderGuess; source: string };
  /** owner/repo from `git remote get-url origin` when it points at GitHub. */
  github?: string;
  deployMethod?: DeployMethodGuess;
  /** Frameworks and tools seen in dependency files, sorted: fastapi, celery, django, … */
  frameworks: string[];
  /** The machine's name and size, with `init --from-host`. */
  host?: HostFacts;
  /** Procfile `release:` command: runs once per deploy, so it is not a service. */
  releaseCommand?: string;
  /** Folders of user files on the VM (uploads, media). */
  storage?: Storage[];
  /** Small files in the app's folder that hold a secret and are not in the repository (secret-files.ts). */
  secretFiles?: SecretFile[];
  /** Folders in the app's folder of code the app loads (plugins an admin installed: build-inputs.ts). */
  buildInputs?: BuildInput[];
  evidence: Evidence[];
  /** What kept the reading from being complete (a tool missing on the VM, a folder not readable). */
  warnings?: string[];
}

/** A path a proxy sends to a port on the VM (`location /api { proxy_pass http://127.0.0.1:3000; }`). */
export interface PortRoute {
  path: string;
  port: number;
  exact?: boolean;
  rewrite?: string;
  /** The proxy asked for a login first (route-access.ts). */
  guarded?: boolean;
  /** The proxy let only these client addresses through (`[]`: nobody); route-access.ts. */
  allowFrom?: string[];
  /**
   * Regex sections under this path that asked for more than the path does (`^/api/.*\.json$`):
   * no load-balancer path rule can hold them, so the design names them.
   */
  guardedPatterns?: string[];
  /** The site's host names (server_name, ServerName/ServerAlias); none: it answers for any host. */
  hosts?: string[];
}

/** A team image's build: folder, Dockerfile (both from the repository's root), stage, build arguments. */
export interface TeamBuild {
  context: string;
  dockerfile: string;
  target?: string;
  args?: Record<string, string>;
}

/** A compose service's image as its entry gives it (compose.ts; compose-process.ts reads it). */
export interface ComposeImage {
  image?: string;
  /** `image:` with compose's variables filled in from the project's .env (ghcr.io/immich-app/immich-server:v2). */
  reference?: string;
  build?: { context: string; dockerfile: string; target?: string; args?: Record<string, string> };
  /** The entry sets `entrypoint:` (the image's ENTRYPOINT and CMD then do not run). */
  entrypoint?: boolean;
}

/** A service as one source file describes it, before sources are merged. */
export interface ServiceFinding extends Omit<DetectedService, "dependsOn"> {
  dependsOn?: string[];
  /** One instance of a template unit whose command names its instance (`--queue=%i`): its own work. */
  templateInstance?: string;
  /** One node of a unit's `celery multi start` (celery-multi.ts): a worker of its own, in one unit with the others. */
  celeryNode?: string;
  /** nginx: ports of upstreams it proxies to, to link it to the services listening there. */
  proxiesToPorts?: number[];
  /** Apache: the PHP-FPM services its handlers pass PHP to over FastCGI (a socket has no port to link by). */
  proxiesToServices?: string[];
  /** nginx: the port each proxied location path goes to, resolved to services in merge.ts. */
  routesToPorts?: PortRoute[];
  /** nginx: upstream ports whose location upgrades the connection to a websocket. */
  websocketPorts?: number[];
  /** nginx: upstream ports with a location of their own that upgrades, beside plain ones (nginx-routes.ts). */
  websocketRoutePorts?: number[];
  /** nginx: upstream ports only websocket locations reach (nginx-routes.ts websocketOnlyPorts). */
  websocketOnlyPorts?: number[];
  /** What the command said beyond role and software, for enrich.ts; never written out. */
  process?: Omit<CommandFacts, "software" | "role" | "listen">;
  /** PHP's session.save_handler on the VM (php.ini, conf.d, the pool): plain PHP sessions live there. */
  phpSessionHandler?: string;
  /** Values of the process's environment on the VM, read for ports and engines only; never written out. */
  envValues?: Record<string, string>;
  /** The unit's User= on the VM: whose home holds its SSH keys (git-over-ssh.ts). */
  unitUser?: string;
  /** The unit's WorkingDirectory on the VM. */
  workingDirectory?: string;
  /** A template unit's WorkingDirectory= still naming its instance (`%S/listmonk-%i`): templateInstances fills it in. */
  workingDirectoryTemplate?: string;
  /** Read from the VM (units, sites, crontabs, listeners) rather than from the repository. */
  onHost?: boolean;
  /** A distribution's unit (reached through a link) that runs no program we know: kept only if it runs the app. */
  packaged?: boolean;
  /** Supervisor's `[program:x]` name and file: two programs are two processes. */
  supervisorProgram?: string;
  /** The app folder one web server process serves (Apache with mod_php): two apps are two services. */
  servedApp?: string;
  /** pm2's app (dump or ecosystem file, namespace and name): two apps are two processes. */
  pm2App?: string;
  /** How pm2 runs the app: processes, cluster mode, `cron_restart`; said as evidence. */
  pm2?: { instances: number; cluster: boolean; restartSchedule?: string };
  /** A unit started by a .timer, or a crontab line: it runs and exits. */
  scheduled?: boolean;
  /** A `Type=oneshot` unit: it runs once and exits (a setup or upgrade command), never a server or a loop. */
  oneShot?: boolean;
  /** Data folders the settings file its command names sets (ini-settings.ts: app.ini's APP_DATA_PATH). */
  settingsFolders?: Storage[];
  /** Data folders of its unit (state-folders.ts: StateDirectory=, what ExecStartPre= makes there), as paths on the VM. */
  stateFolders?: Storage[];
  /**
   * A compose service's `volumes:` (compose.ts): `target` is where the container sees the folder;
   * `bind` a host path as written (relative to the compose file's folder, or absolute), `volume` a
   * named volume's key, with `volumeName` when the file names its Docker volume itself (`name:`,
   * `external:`). `project` is the compose file's top-level `name:`.
   */
  /** From the compose file on the VM itself (a unit running `docker compose` starts it): what runs there. */
  vmCompose?: boolean;
  composeMounts?: { target: string; bind?: string; volume?: string; volumeName?: string; project?: string }[];
  /** A compose service's `env_file:` entries, as written (relative to the compose file's folder, or absolute). */
  composeEnvFiles?: string[];
  /** A compose service of no known image: the image it runs and where that is built (compose-process.ts). */
  composeImage?: ComposeImage;
}
