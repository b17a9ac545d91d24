// `--service name:role:software[:port[:schedule]]` and the same fields typed into the wizard,
// checked with the inventory's own rules so an answer that passes here also passes the loader.
import { z } from "zod";
import { LISTEN, SERVICE_ROLES, serviceSchema, type ServiceRole } from "../inventory/schema.js";
import type { Parsed, ServiceAnswer } from "./answers.js";
import { hostOf } from "../inventory/listen.js";

const portSchema = z.coerce
  .number()
  .int()
  .min(1, "port must be between 1 and 65535")
  .max(65535, "port must be between 1 and 65535");

export function parseServiceName(text: string): Parsed<string> {
  const r = serviceSchema.shape.name.safeParse(text.trim());
  return r.success
    ? { ok: true, value: r.data }
    : { ok: false, error: `service name "${text}": ${r.error.issues[0]!.message}` };
}

export function parseRole(text: string): Parsed<ServiceRole> {
  const role = text.trim() as ServiceRole;
  return SERVICE_ROLES.includes(role)
    ? { ok: true, value: role }
    : { ok: false, error: `role "${text}" is not one of ${SERVICE_ROLES.join(", ")}` };
}

/** Empty → no port (undefined); otherwise 1–65535. */
export function parsePort(text: string): Parsed<number> {
  if (text.trim() === "") return { ok: true, value: undefined };
  if (!/^\d+$/.test(text.trim())) return { ok: false, error: `port "${text}" is not a number` };
  const r = portSchema.safeParse(text.trim());
  return r.success ? { ok: true, value: r.data } : { ok: false, error: r.error.issues[0]!.message };
}

/** Proxies face the internet; everything else on a single VM listens on loopback. */
export function listenFor(role: ServiceRole, port: number): string {
  return `${role === "reverse-proxy" ? "0.0.0.0" : "127.0.0.1"}:${port}`;
}

/** Replaces the port of the first listen address (or adds one), keeping its host. */
export function withPort(service: ServiceAnswer, port: number | undefined): ServiceAnswer {
  if (port === undefined) return { ...service, listen: [] };
  const first = service.listen[0];
  const host = first && LISTEN.test(first) ? hostOf(first) : undefined;
  const listen = host ? `${host}:${port}` : listenFor(service.role, port);
  return { ...service, listen: [listen, ...service.listen.slice(1)] };
}

/** Empty → none; otherwise a cron expression the inventory accepts. */
export function parseSchedule(text: string): Parsed<string> {
  if (text.trim() === "") return { ok: true, value: undefined };
  const r = serviceSchema.shape.schedule.safeParse(text);
  return r.success
    ? { ok: true, value: r.data }
    : { ok: false, error: r.error.issues[0]?.message ?? "invalid schedule" };
}

export function parseServiceSpec(spec: string): Parsed<ServiceAnswer> {
  const parts = spec.split(":");
  if (parts.length < 3 || parts.length > 5) {
    return {
      ok: false,
      error: `"${spec}": expected name:role:software[:port[:schedule]], e.g. api:web:uvicorn:8000 or report:cron:python::"0 3 * * *"`,
    };
  }
  const [nameText, roleText, software, portText = "", scheduleText = ""] = parts as [
    string,
    string,
    string,
    string?,
    string?,
  ];
  const name = parseServiceName(nameText);
  if (!name.ok) return name;
  const role = parseRole(roleText);
  if (!role.ok) return role;
  if (!software.trim()) return { ok: false, error: `"${spec}": software is empty` };
  const port = parsePort(portText);
  if (!port.ok) return { ok: false, error: `"${spec}": ${port.error}` };
  const schedule = parseSchedule(scheduleText);
  if (!schedule.ok) return { ok: false, error: `"${spec}": schedule "${scheduleText}": ${schedule.error}` };
  const service: ServiceAnswer = {
    name: name.value!,
    role: role.value!,
    software: software.trim(),
    listen: [],
    dependsOn: [],
    ...(schedule.value ? { schedule: schedule.value } : {}),
  };
  return { ok: true, value: withPort(service, port.value) };
}

export function formatService(s: ServiceAnswer): string {
  const where = s.listen.length ? ` on ${s.listen.join(", ")}` : "";
  const when = s.schedule ? `, "${s.schedule}"` : "";
  // What detection added (runtime, framework, protocols, an always-on loop), so a person can check it.
  const traits = [
    s.runtime,
    s.framework,
    ...(s.protocols ?? []).filter((p) => p !== "http"),
    s.longRunning && s.role !== "web" ? "always on" : undefined,
    s.usedFor?.length ? `used for ${s.usedFor.join(", ")}` : undefined,
  ].filter(Boolean);
  return `${s.name} (${s.role}, ${s.software}${s.version ? ` ${s.version}` : ""}${when}${where})${traits.length ? ` · ${traits.join(", ")}` : ""}`;
}
