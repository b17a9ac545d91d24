// What a start command says about a service: `/srv/app/.venv/bin/uvicorn app.main:app --port 8000`
// is a web service run by uvicorn on 127.0.0.1:8000. Used for systemd ExecStart, Procfile lines
// and docker-compose commands alike.
import type { ServiceRole } from "../inventory/schema.js";

export interface CommandFacts {
  software: string;
  role: ServiceRole;
  /** "host:port" when the command (or the server's documented default) says where it listens. */
  listen?: string;
}

/** Splits a command line into words, honouring simple single and double quotes. */
export function splitCommand(command: string): string[] {
  const words: string[] = [];
  const re = /"([^"]*)"|'([^']*)'|(\S+)/g;
  for (const m of command.matchAll(re)) words.push(m[1] ?? m[2] ?? m[3]!);
  return words;
}

function flagValue(words: string[], names: string[]): string | undefined {
  for (let i = 0; i < words.length; i++) {
    const word = words[i]!;
    for (const name of names) {
      if (word === name) return words[i + 1];
      if (word.startsWith(`${name}=`)) return word.slice(name.length + 1);
    }
  }
  return undefined;
}

/** "0.0.0.0:8000" / ":8000" / "8000" → "host:port"; unix sockets and $PORT give nothing. */
function toListen(bind: string | undefined, defaultHost: string): string | undefined {
  if (!bind) return undefined;
  const m = /^(?:([A-Za-z0-9.\-*]+|\[[0-9a-fA-F:]+\])?:)?(\d{1,5})$/.exec(bind);
  if (!m) return undefined;
  return `${m[1] || defaultHost}:${m[2]}`;
}

const WEB_SERVERS = new Set(["uvicorn", "hypercorn", "daphne", "gunicorn", "waitress-serve"]);
const NODE_RUNNERS = new Set(["node", "npm", "yarn", "pnpm", "npx", "bun", "pm2"]);

function basename(word: string): string {
  return word.slice(word.lastIndexOf("/") + 1);
}

export function classifyCommand(command: string): CommandFacts {
  let words = splitCommand(command.replace(/^[-@+!:]+/, "").trim());
  // `bash -c "…"`, `sh -c '…'`: the interesting command is inside.
  if (words.length >= 3 && /^(ba|da)?sh$/.test(basename(words[0]!)) && words[1] === "-c")
    return classifyCommand(words[2]!);
  // `python -m uvicorn …`, `poetry run celery …`, `exec gunicorn …`
  while (words.length > 1) {
    const head = basename(words[0]!);
    if (/^python[\d.]*$/.test(head) && words[1] === "-m") words = words.slice(2);
    else if ((head === "poetry" || head === "pipenv" || head === "uv") && words[1] === "run") words = words.slice(2);
    else if (head === "exec" || head === "env") words = words.slice(1);
    else break;
  }
  const exe = basename(words[0] ?? "");
  const args = words.slice(1);

  if (WEB_SERVERS.has(exe)) {
    const host = flagValue(args, ["--host"]) ?? "127.0.0.1";
    const port = flagValue(args, ["--port", "-p"]);
    const bind = flagValue(args, ["--bind", "-b"]);
    // Documented defaults: uvicorn and gunicorn both listen on 127.0.0.1:8000 when told nothing.
    const fallback = exe === "uvicorn" || exe === "gunicorn" ? "127.0.0.1:8000" : undefined;
    const listen =
      toListen(bind, "127.0.0.1") ?? (port ? toListen(port, host) : undefined) ?? (bind ? undefined : fallback);
    return { software: exe === "waitress-serve" ? "waitress" : exe, role: "web", ...(listen ? { listen } : {}) };
  }
  if (exe === "celery") {
    if (args.includes("beat")) return { software: "celery", role: "scheduler" };
    if (args.includes("worker")) return { software: "celery", role: "worker" };
    return { software: "celery", role: "other" };
  }
  if (exe === "rq" || exe === "dramatiq" || exe === "huey_consumer" || exe === "arq")
    return { software: exe, role: "worker" };
  if (/^python[\d.]*$/.test(exe) && args[0]?.endsWith("manage.py")) {
    if (args[1] === "runserver") {
      const listen = toListen(args[2] ?? "8000", "127.0.0.1");
      return { software: "django", role: "web", ...(listen ? { listen } : {}) };
    }
    return { software: "django", role: "other" };
  }
  if (exe === "flask" && args[0] === "run") {
    const listen = toListen(flagValue(args, ["--port", "-p"]), flagValue(args, ["--host", "-h"]) ?? "127.0.0.1");
    return { software: "flask", role: "web", ...(listen ? { listen } : {}) };
  }
  if (NODE_RUNNERS.has(exe)) return { software: "node", role: "web" };
  if (exe === "nginx") return { software: "nginx", role: "reverse-proxy" };
  if (exe === "redis-server") return { software: "redis", role: "cache" };
  if (exe === "mysqld" || exe === "mysqld_safe") return { software: "mysql", role: "database" };
  if (exe === "postgres" || exe === "postmaster") return { software: "postgres", role: "database" };
  if (exe === "mongod") return { software: "mongodb", role: "database" };
  if (exe === "memcached") return { software: "memcached", role: "cache" };
  if (exe === "rabbitmq-server") return { software: "rabbitmq", role: "broker" };
  return { software: exe || "unknown", role: "other" };
}

/** Port number of a "host:port" string. */
export function portOf(listen: string): number {
  return Number(listen.slice(listen.lastIndexOf(":") + 1));
}
