// A web process that holds the VM's port 443 itself (a Go binary with autocert, a Node or Java
// server given its certificate files): no proxy in front of it, it terminates TLS. On Cloud Run,
// Google's front end terminates TLS before a request reaches the container and sends plain HTTP
// on PORT (and redirects HTTP to HTTPS on its own URL), so a TLS listener there fails every
// request's handshake; the domain's certificate is Google-managed (the domain mapping's or the
// load balancer's). Its port-80 listener (the redirect to HTTPS, ACME's HTTP challenge) has no
// work left. Said in the mapping, never left to "listen on PORT" alone.
// https://cloud.google.com/run/docs/container-contract#tls
import { isPublicAddress, portOf } from "../../../inventory/listen.js";
import type { Inventory, Service } from "../../../inventory/schema.js";

const HTTPS_PORT = 443;

/** True when the web process itself listens on the VM's public port 443 (no proxy holds it). */
export function terminatesOwnTls(inv: Inventory, s: Service): boolean {
  if (s.role !== "web") return false;
  const holds443 = (x: Service) => x.listen.some((a) => isPublicAddress(a) && portOf(a) === HTTPS_PORT);
  return holds443(s) && !inv.services.some((p) => p.role === "reverse-proxy" && holds443(p));
}

/** The change for a web process that terminates TLS itself, or undefined. */
export function ownTlsChange(inv: Inventory, s: Service): string | undefined {
  if (!terminatesOwnTls(inv, s)) return undefined;
  const plain = [...new Set(s.listen.map(portOf))].filter((p) => p !== HTTPS_PORT);
  return (
    `${s.name} terminates TLS itself on 443 (no proxy in front of it). Cloud Run terminates TLS before a request reaches the container and sends plain HTTP on PORT: turn the app's own TLS off (certificate files, or ACME autocert and its cache) and serve HTTP, or every request fails. ` +
    `The domain's certificate becomes Google-managed (domain mapping or load balancer).` +
    (plain.length
      ? ` Its listener on ${plain.join(" and ")} (the redirect to HTTPS, ACME's HTTP challenge) has nothing left to do: Cloud Run redirects HTTP to HTTPS itself.`
      : "")
  );
}
