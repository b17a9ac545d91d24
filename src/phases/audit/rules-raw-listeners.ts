// Listeners clients reach directly in a protocol other than HTTP: a GPS tracking server's port per
// device protocol (TCP and UDP), a game or syslog server, an SSH server for git. Cloud Run receives
// only HTTP, gRPC and websockets on one port (https://cloud.google.com/run/docs/container-contract#port)
// and no UDP, so the audit names each one: a plan that loses them loses those clients silently.
import type { AuditRule } from "./rules.js";
import { PROCESS_ROLES, RAW_LISTENER_RISK, rawPortList, rawTransports } from "../../contracts/process-homes.js";
import type { Service } from "../../inventory/schema.js";

const raw = (s: Service) => Boolean(s.rawPorts?.length) || (s.protocols ?? []).some((p) => p === "tcp" || p === "udp");

export const rawListenersRisk: AuditRule = (inv) => {
  const found = inv.services.filter((s) => PROCESS_ROLES.has(s.role) && raw(s));
  if (found.length === 0) return undefined;
  const udp = found.some((s) => rawTransports(s).includes("UDP"));
  return {
    title: `${RAW_LISTENER_RISK} ${udp ? "TCP and UDP" : "TCP"} ports that Cloud Run cannot receive`,
    category: "coupling",
    severity: "high",
    likelihood: "likely",
    mttrMinutes: { min: 60, max: 1440 },
    businessImpact: `${found.map((s) => s.name).join(", ")} take${found.length === 1 ? "s" : ""} connections that do not go through the HTTP proxy (devices, agents or clients configured with this host and port). Moved to Cloud Run alone, they stop arriving at the cut-over, with no error on the server side${udp ? "; UDP has no serverless home on Google Cloud at all" : ""}.`,
    evidence: found.flatMap((s) => [
      ...(s.rawPorts?.length ? [`services.${s.name}.rawPorts: ${rawPortList(s.rawPorts)}`] : []),
      `services.${s.name}.protocols: ${(s.protocols ?? []).join(", ")}`,
    ]),
    mitigation: `Keep these ports on a Compute Engine VM with a static IP (and the same database), or move the clients to HTTP where they can switch; the design lists each as a decision. Keep the DNS name the clients use pointing at whatever keeps the ports.`,
    affects: found.map((s) => s.name),
    growthSensitive: false,
  };
};
