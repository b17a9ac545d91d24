// Procfile (Heroku/Dokku/foreman): `web: gunicorn app:app`, `worker: celery -A app worker`, …
// A `release:` line runs once per deploy (migrations), so it is reported but is not a service.
import { procfileEntries, procfileRelease } from "../image/procfile.js";
import { classifyCommand, findingFacts } from "./command.js";
import type { ServiceFinding } from "./types.js";

export interface ProcfileFacts {
  services: ServiceFinding[];
  releaseCommand?: string;
}

export function sanitiseName(raw: string): string {
  const name = raw
    .toLowerCase()
    .replace(/[^a-z0-9-]+/g, "-")
    .replace(/^[^a-z]+/, "")
    .replace(/-+/g, "-")
    .replace(/-$/, "")
    .slice(0, 49)
    .replace(/-$/, "");
  return name;
}

export function parseProcfile(text: string, file = "Procfile"): ProcfileFacts {
  const services: ServiceFinding[] = [];
  for (const { type, command, line } of procfileEntries(text)) {
    if (type === "release") continue;
    const facts = classifyCommand(command);
    // The process type is what Heroku routes by: `web` is the HTTP one whatever runs it.
    const role = type === "web" ? "web" : facts.role === "other" && /worker/.test(type) ? "worker" : facts.role;
    const name = sanitiseName(type) || "process";
    services.push({ ...findingFacts(facts), name, role, command, source: file, line });
  }
  const releaseCommand = procfileRelease(text);
  return { services, ...(releaseCommand ? { releaseCommand } : {}) };
}
