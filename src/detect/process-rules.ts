// One rule per kind of program: what it is (web server, queue worker, scheduler, data store), the
// runtime it needs, and where its address comes from. Defaults are the programs' documented ones
// (uvicorn, gunicorn, granian: 8000; rails server and puma: 3000; flower: 5555; Spring Boot: 8080).
import { basename, type CommandFacts } from "./command-facts.js";
import { servedBind, uwsgiBindsFromArgs } from "./uwsgi-mode.js";

export function flagValue(words: string[], names: string[]): string | undefined {
  for (let i = 0; i < words.length; i++) {
    const word = words[i]!;
    for (const name of names) {
      if (word === name) return words[i + 1];
      if (word.startsWith(`${name}=`)) return word.slice(name.length + 1);
    }
  }
  return undefined;
}

/** "0.0.0.0:8000" / ":8000" / "8000" / "tcp://0.0.0.0:3000" → "host:port"; unix sockets and $PORT give nothing. */
export function toListen(bind: string | undefined, defaultHost = "127.0.0.1"): string | undefined {
  if (!bind) return undefined;
  const m = /^(?:tcp:\/\/|http:\/\/)?(?:([A-Za-z0-9.\-*]+|\[[0-9a-fA-F:]+\])?:)?(\d{1,5})\/?$/.exec(bind);
  if (!m) return undefined;
  const host = !m[1] || m[1] === "[::]" || m[1] === "*" || m[1] === "::" ? (m[1] ? "0.0.0.0" : defaultHost) : m[1];
  return `${host}:${m[2]}`;
}

const PYTHON_WEB = new Set(["uvicorn", "hypercorn", "daphne", "gunicorn", "waitress-serve", "granian", "uwsgi"]);
const RUBY_WEB = new Set(["puma", "unicorn", "thin", "falcon", "passenger", "iodine"]);
const NODE = new Set(["node", "nodejs", "ts-node", "tsx", "bun", "deno"]);
const NODE_PACKAGE_RUNNERS = new Set(["npm", "yarn", "pnpm"]);
const PY_WORKERS: Record<string, string> = {
  rq: "rq",
  rqworker: "rq",
  dramatiq: "dramatiq",
  huey_consumer: "huey",
  "huey_consumer.py": "huey",
  arq: "arq",
};

type Rule = (exe: string, args: string[], words: string[]) => CommandFacts | undefined;

const pythonWeb: Rule = (exe, args) => {
  if (!PYTHON_WEB.has(exe)) return undefined;
  const software = exe === "waitress-serve" ? "waitress" : exe;
  const host = flagValue(args, ["--host"]) ?? "127.0.0.1";
  const port = flagValue(args, ["--port", "-p"]);
  // uWSGI's socket options each speak their own protocol (uwsgi-mode.ts): `--socket` is not HTTP.
  const uwsgi = exe === "uwsgi" ? servedBind(uwsgiBindsFromArgs(args)) : undefined;
  const bind = uwsgi?.address ?? flagValue(args, ["--bind", "-b", "--listen"]);
  const listen = toListen(bind) ?? (port ? toListen(port, host) : undefined);
  const configFile = flagValue(args, ["--config", "-c", "--ini", "--yaml", "--yml", "--xml"]);
  const websocket = exe === "daphne" || args.includes("--ws");
  const protocols: CommandFacts["protocols"] = websocket
    ? ["http", "websocket"]
    : uwsgi?.protocol === "uwsgi"
      ? ["uwsgi"]
      : undefined;
  return {
    software,
    role: "web",
    runtime: "python",
    ...(listen ? { listen } : {}),
    ...(configFile ? { configFile } : {}),
    ...(protocols ? { protocols } : {}),
    ...(uwsgi?.protocol === "uwsgi" ? { uwsgiSocket: { setIn: "command" as const } } : {}),
    portEnv:
      exe === "granian"
        ? ["GRANIAN_PORT", "PORT"]
        : exe === "uwsgi"
          ? ["UWSGI_HTTP_SOCKET", "UWSGI_SOCKET", "UWSGI_HTTP", "PORT"]
          : ["PORT"],
    // Documented defaults: uvicorn, gunicorn, hypercorn and daphne listen on 127.0.0.1:8000 when told
    // nothing; granian too, unless GRANIAN_PORT says otherwise; gunicorn's config file may bind elsewhere.
    ...(!listen && !bind && !configFile && ["uvicorn", "gunicorn", "hypercorn", "daphne"].includes(exe)
      ? { listen: "127.0.0.1:8000" }
      : {}),
    ...(!listen && !bind && exe === "granian" ? { defaultPort: 8000 } : {}),
  };
};

const celery: Rule = (exe, args) => {
  if (exe !== "celery") return undefined;
  const base = { software: "celery", runtime: "python" as const, framework: "celery" };
  if (args.includes("flower")) {
    const listen = toListen(flagValue(args, ["--port"]), flagValue(args, ["--address"]) ?? "0.0.0.0");
    return { ...base, framework: "flower", role: "web", listen: listen ?? "0.0.0.0:5555", protocols: ["http"] };
  }
  if (args.includes("beat")) return { ...base, role: "scheduler" };
  if (args.includes("worker") || args.includes("multi")) return { ...base, role: "worker" };
  return { ...base, role: "other" };
};

/** `rq worker`, `rqscheduler`, `dramatiq app.tasks`, and `manage.py rqworker` / `manage.py rq worker`. */
function rqLike(words: string[]): CommandFacts | undefined {
  const [head, sub] = words;
  if (head === "rqworker" || head === "rqworker-pool" || (head === "rq" && sub === "worker"))
    return { software: "rq", role: "worker", runtime: "python", framework: "rq" };
  if (head === "rqscheduler" || head === "rq-scheduler" || (head === "rq" && sub === "scheduler"))
    return { software: "rq", role: "scheduler", runtime: "python", framework: "rq" };
  if (head === "celery") return celery("celery", words.slice(1), words);
  return undefined;
}

const pythonWorkers: Rule = (exe, args) => {
  const rq = rqLike([exe, ...args]);
  if (rq) return rq;
  const framework = PY_WORKERS[exe];
  return framework ? { software: framework, role: "worker", runtime: "python", framework } : undefined;
};

/** `python manage.py <command>`: Django's (or a Flask app's click) management commands. */
const managePy: Rule = (exe, args) => {
  if (!/^python[\d.]*$/.test(exe) && exe !== "manage.py") return undefined;
  const rest = exe === "manage.py" ? args : args[0]?.endsWith("manage.py") ? args.slice(1) : undefined;
  if (!rest) return /^python/.test(exe) ? { software: "python", role: "other", runtime: "python" } : undefined;
  const [command = "", ...more] = rest;
  const worker = rqLike(rest);
  if (worker) return worker;
  if (command === "runserver") {
    const listen = toListen(more.find((w) => !w.startsWith("-")) ?? "8000");
    return { software: "django", role: "web", runtime: "python", framework: "django", ...(listen ? { listen } : {}) };
  }
  const port = toListen(flagValue(more, ["--port", "-p"]), flagValue(more, ["--host", "--address"]) ?? "0.0.0.0");
  // A mail listener (`manage.py smtpd --port 2525`) receives SMTP, not HTTP.
  const smtp = /smtp/i.test(command);
  return {
    software: "django",
    role: "other",
    runtime: "python",
    ...(port ? { listen: port } : {}),
    ...(smtp ? { protocols: ["smtp"] } : {}),
    words: rest,
  };
};

const flask: Rule = (exe, args) => {
  if (exe !== "flask" || args[0] !== "run") return undefined;
  const listen = toListen(
    flagValue(args, ["--port", "-p"]) ?? "5000",
    flagValue(args, ["--host", "-h"]) ?? "127.0.0.1",
  );
  return { software: "flask", role: "web", runtime: "python", framework: "flask", ...(listen ? { listen } : {}) };
};

const ruby: Rule = (exe, args, words) => {
  if (RUBY_WEB.has(exe) || ((exe === "rails" || exe === "bin/rails") && /^(s|server)$/.test(args[0] ?? ""))) {
    const listen = toListen(flagValue(args, ["--port", "-p"]), flagValue(args, ["--binding", "-b"]) ?? "127.0.0.1");
    const bind = toListen(flagValue(args, ["--bind", "-b", "-l", "--listen"]));
    const configFile = flagValue(args, ["--config", "-C", "-c"]);
    return {
      software: RUBY_WEB.has(exe) ? exe : "rails",
      role: "web",
      runtime: "ruby",
      ...((bind ?? listen) ? { listen: (bind ?? listen)! } : {}),
      ...(configFile ? { configFile } : {}),
      portEnv: ["PORT"],
      defaultPort: exe === "unicorn" ? 8080 : 3000,
    };
  }
  const line = words.join(" ");
  const worker = (framework: string, role: CommandFacts["role"] = "worker"): CommandFacts => ({
    software: framework,
    role,
    runtime: "ruby",
    framework,
  });
  if (exe === "sidekiq" || exe === "sidekiqswarm") return worker("sidekiq");
  if (exe === "good_job") return worker("good_job");
  if (exe === "resque-pool" || /\brake\b.*\bresque:work/.test(line)) return worker("resque");
  if (/\brake\b.*\bjobs:work\b/.test(line)) return worker("delayed_job");
  if (/\b(solid_queue:start|bin\/jobs)\b/.test(line) || exe === "jobs") return worker("solid_queue");
  if (exe === "clockwork") return worker("clockwork", "scheduler");
  if (exe === "ruby" || exe === "rake" || exe === "rails") return { software: exe, role: "other", runtime: "ruby" };
  // A Ruby script of the app run directly (`bundle exec script/websocket-server.rb -p 6042 start`,
  // Zammad's Procfile): Ruby, on the port its `-p`/`--port` names (OptionParser's usual flags).
  if (/^[\w.-]+\.rb$/.test(exe)) {
    const listen = toListen(flagValue(args, ["--port", "-p"]), flagValue(args, ["--bind", "-b"]) ?? "127.0.0.1");
    return { software: exe, role: "other", runtime: "ruby", ...(listen ? { listen } : {}), words: [exe, ...args] };
  }
  return undefined;
};

const node: Rule = (exe, args) => {
  if (NODE_PACKAGE_RUNNERS.has(exe)) {
    const script = args[0] === "run" || args[0] === "run-script" ? args[1] : args[0];
    return { software: "node", role: "other", runtime: "node", ...(script ? { script } : {}), words: [exe, ...args] };
  }
  if (exe === "pm2" || exe === "pm2-runtime") return { software: "pm2", role: "other", runtime: "node" };
  if (!NODE.has(exe)) return undefined;
  return { software: "node", role: "other", runtime: "node", portEnv: ["PORT"], words: [exe, ...args] };
};

/**
 * Symfony console commands that consume a queue: Messenger's, php-amqplib/rabbitmq-bundle's and
 * enqueue's. https://symfony.com/doc/current/messenger.html#deploying-to-production
 */
const SYMFONY_CONSUMERS =
  /^(rabbitmq:(consumer|multiple-consumer|batch:consumer|dynamic-consumer)|enqueue:(transport:)?consume)$/;

function symfonyConsole(command: string): CommandFacts {
  const base = { runtime: "php" as const, software: "symfony" };
  if (command === "messenger:consume") return { ...base, role: "worker", framework: "symfony-messenger" };
  if (SYMFONY_CONSUMERS.test(command)) return { ...base, role: "worker", framework: "symfony" };
  return { ...base, role: "other", framework: "symfony" };
}

/** `php artisan horizon`, `php artisan queue:work`, `php bin/console messenger:consume`, php-fpm. */
const php: Rule = (exe, args, words) => {
  if (/^php-fpm[\d.]*$/.test(exe)) return { software: "php-fpm", role: "web", runtime: "php", protocols: ["http"] };
  // bin/console run directly (its shebang is php), as systemd units often do.
  if (exe === "console" && /(^|\/)bin\/console$/.test(words[0] ?? "")) return symfonyConsole(args[0] ?? "");
  if (/^php[\d.]*$/.test(exe) && args[0] && /(^|\/)bin\/console$/.test(args[0]))
    return symfonyConsole(args.slice(1).find((a) => !a.startsWith("-")) ?? "");
  if (!/^php[\d.]*$/.test(exe) && exe !== "artisan") return undefined;
  const rest = exe === "artisan" ? args : args[0] && basename(args[0]) === "artisan" ? args.slice(1) : undefined;
  const base = { runtime: "php" as const };
  if (rest) {
    const command = rest[0] ?? "";
    if (command === "horizon") return { ...base, software: "horizon", role: "worker", framework: "horizon" };
    if (command === "queue:work" || command === "queue:listen")
      return { ...base, software: "laravel", role: "worker", framework: "laravel-queue" };
    if (command === "schedule:work") return { ...base, software: "laravel", role: "scheduler", framework: "laravel" };
    if (command === "reverb:start" || command === "websockets:serve")
      return { ...base, software: "laravel", role: "web", framework: "laravel", protocols: ["websocket"] };
    return { ...base, software: "laravel", role: "other", framework: "laravel" };
  }
  return { ...base, software: "php", role: "other" };
};

const java: Rule = (exe, args) => {
  if (exe !== "java") return undefined;
  // Spring Boot's server.port, Jetty's jetty.http.port (jetty.port before Jetty 9), Play's http.port.
  const port = flagValue(args, ["--server.port", "-Dserver.port", "-Djetty.http.port", "-Djetty.port", "-Dhttp.port"]);
  return {
    software: "java",
    role: "other",
    runtime: "java",
    ...(port ? { listen: toListen(port, "0.0.0.0")! } : {}),
    portEnv: ["SERVER_PORT", "PORT"],
    words: [exe, ...args],
  };
};

const STORES: Record<string, Pick<CommandFacts, "software" | "role">> = {
  nginx: { software: "nginx", role: "reverse-proxy" },
  "redis-server": { software: "redis", role: "cache" },
  "valkey-server": { software: "redis", role: "cache" },
  mysqld: { software: "mysql", role: "database" },
  mysqld_safe: { software: "mysql", role: "database" },
  mariadbd: { software: "mariadb", role: "database" },
  "mariadbd-safe": { software: "mariadb", role: "database" },
  postgres: { software: "postgres", role: "database" },
  postmaster: { software: "postgres", role: "database" },
  pg_ctlcluster: { software: "postgres", role: "database" },
  mongod: { software: "mongodb", role: "database" },
  memcached: { software: "memcached", role: "cache" },
  "rabbitmq-server": { software: "rabbitmq", role: "broker" },
};

/**
 * A search engine's own server (contracts/search-engine.ts): Elasticsearch's and OpenSearch's
 * launchers (the Debian packages' systemd-entrypoint under their own folder, bin/elasticsearch) or
 * their JVM by its main class, Solr's bin/solr, Meilisearch, Typesense, Manticore's searchd.
 */
const searchEngine: Rule = (exe, args, words) => {
  const program = words[0] ?? "";
  const text = words.join(" ");
  const software =
    /\/elasticsearch\/|^elasticsearch$/.test(program) ||
    exe === "elasticsearch" ||
    /org\.elasticsearch\.bootstrap\.Elasticsearch\b/.test(text)
      ? "elasticsearch"
      : /\/opensearch\/|^opensearch$/.test(program) ||
          exe === "opensearch" ||
          /org\.opensearch\.bootstrap\.OpenSearch\b/.test(text)
        ? "opensearch"
        : exe === "solr" || /\/solr\/bin\//.test(program) || /-Dsolr\.solr\.home=/.test(text)
          ? "solr"
          : exe === "meilisearch"
            ? "meilisearch"
            : exe === "typesense-server"
              ? "typesense"
              : exe === "searchd"
                ? "manticore"
                : undefined;
  // No runtime: the engine is a store beside the app, never built into the app's image.
  return software ? { software, role: "other", words: [exe, ...args] } : undefined;
};

/**
 * A vendor's server started by its own launcher, not the app's code: Keycloak's `kc.sh start`
 * (Quarkus: `--http-port`, 8080 by default, on every interface) and Grafana's `grafana-server` /
 * `grafana server` (3000 by default). Named, with its documented port, so the proxy's routes to it
 * are kept; no runtime: the app's image does not hold it (design foreign-program.ts).
 */
const vendorServer: Rule = (exe, args) => {
  if (exe === "kc.sh" && ["start", "start-dev"].includes(args[0] ?? "")) {
    const port = flagValue(args, ["--http-port"]) ?? "8080";
    const host = flagValue(args, ["--http-host"]) ?? "0.0.0.0";
    return { software: "keycloak", role: "other", listen: toListen(port, host)!, words: [exe, ...args] };
  }
  if (exe === "grafana-server" || (exe === "grafana" && args[0] === "server")) {
    return { software: "grafana", role: "other", listen: "0.0.0.0:3000", words: [exe, ...args] };
  }
  return undefined;
};

const RULES: Rule[] = [
  searchEngine,
  vendorServer,
  pythonWeb,
  celery,
  pythonWorkers,
  managePy,
  flask,
  ruby,
  node,
  php,
  java,
];

export function classifyProgram(words: string[]): CommandFacts {
  const exe = basename(words[0] ?? "");
  const args = words.slice(1);
  for (const rule of RULES) {
    const facts = rule(exe, args, words);
    if (facts) return facts;
  }
  const store = STORES[exe];
  if (store) return { ...store };
  return { software: exe || "unknown", role: "other", words };
}
