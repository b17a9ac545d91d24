// What a start command says about a service (command.ts reads it, process-rules.ts knows the
// programs), kept apart so the two do not import each other.
import type { Protocol, Runtime, Service, ServiceRole } from "../inventory/schema.js";

export interface CommandFacts {
  software: string;
  role: ServiceRole;
  /** "host:port" when the command (or the server's documented default) says where it listens. */
  listen?: string;
  runtime?: Runtime;
  /** The web or worker framework the program itself names (celery, sidekiq, horizon, flower…). */
  framework?: string;
  protocols?: Protocol[];
  /** uWSGI told to speak the uwsgi protocol: where (uwsgi-mode.ts). */
  uwsgiSocket?: Service["uwsgiSocket"];
  /** `npm run start`, `yarn start`: the package.json script to look up. */
  script?: string;
  /** A file the server reads its address from: gunicorn -c, uwsgi --ini, puma -C. */
  configFile?: string;
  /** Environment variables that carry the port for this server, most specific first. */
  portEnv?: string[];
  /** The server's documented port when nothing else says (applied once config and env are read). */
  defaultPort?: number;
  /** The program and its arguments after unwrapping, for rules that need the app's files. */
  words?: string[];
}

/** The program's file name: `/srv/app/.venv/bin/uvicorn` → `uvicorn`. */
export function basename(word: string): string {
  return word.slice(word.lastIndexOf("/") + 1);
}
