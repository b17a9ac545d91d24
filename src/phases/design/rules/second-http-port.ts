// A web process that serves HTTP on two ports of its own, each with its own paths at the VM's
// proxy: Odoo's multi-processing server answers on http_port (8069) with its HTTP workers and on
// gevent_port (8072) with its evented worker, which alone takes `/websocket` (its HTTP workers refuse
// the upgrade). A Cloud Run service sends every request to one port (the container contract's
// PORT), so the second listener gets nothing once the VM's proxy is gone: the feature behind it
// (Odoo's live chat, notifications and the rest of its bus) stops. Said in the mapping with the
// two ways out, never dropped in silence.
// https://cloud.google.com/run/docs/container-contract#port
// https://www.odoo.com/documentation/18.0/administration/on_premise/deploy.html ("LiveChat")
import { sideListener } from "../../../contracts/process-homes.js";
import { portOf } from "../../../inventory/listen.js";
import type { Service } from "../../../inventory/schema.js";

/** The change for a web process with a second HTTP (or websocket) port, or undefined. */
export function secondHttpPortChange(s: Service): string | undefined {
  // A raw TCP or SMTP listener is decided on its own (open-decisions.ts sideListenerDecision).
  if (s.role !== "web" || sideListener(s)) return undefined;
  const ports = [...new Set(s.listen.map(portOf))].filter((p) => p > 0);
  if (ports.length < 2) return undefined;
  const others = ports.slice(1).join(" and ");
  const websocket = s.protocols?.includes("websocket");
  return (
    `${s.name} serves HTTP on ${ports.join(" and ")} on the VM${websocket ? " (websockets among them)" : ""}; a Cloud Run service takes requests on one port, so nothing reaches ${others} after the cut-over. ` +
    `If the VM's proxy sent paths there (a websocket endpoint on an evented worker), deploy a second Cloud Run service from the same image whose command starts only that listener on 8080, with a path rule in the load balancer's URL map for those paths, ` +
    `or make the app serve every path on its one port. A health or metrics port loses nothing.`
  );
}
