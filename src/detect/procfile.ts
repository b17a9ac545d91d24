// Procfile (Heroku/Dokku/foreman): `web: gunicorn app:app`, `worker: celery -A app worker`, …
// A `release:` line runs once per deploy (migrations), so it is reported but is not a service.
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
  let releaseCommand: string | undefined;
  for (const [index, raw] of text.split(/\r?\n/).entries()) {
    const m = /^([A-Za-z0-9_-]+)\s*:\s*(.+)$/.exec(raw.trim());
    if (!m) continue;
    const [, type, command] = m as unknown as [string, string, string];
    if (type === "release") {
      releaseCommand = command.trim();
      continue;
    }
    const facts = classifyCommand(command);
    // The process type is what Heroku routes by: `web` is the HTTP one whatever runs it.
    const role = type === "web" ? "web" : facts.role === "other" && /worker/.test(type) ? "worker" : facts.role;
    const name = sanitiseName(type) || "process";
    services.push({ ...findingFacts(facts), name, role, command: command.trim(), source: file, line: index + 1 });
  }
  return { services, releaseCommand };
}
