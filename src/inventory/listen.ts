// A service's listen address in the inventory is "host:port" (the schema checks the form; an IPv6
// host is bracketed, so the port is what follows the last colon). Every layer reads addresses this
// way: detection, the phases, the image builders, the wizard.

/** The port of a "host:port" address. */
export function portOf(listen: string): number {
  return Number(listen.slice(listen.lastIndexOf(":") + 1));
}

/** The host of a "host:port" address ("" for ":8000"). */
export function hostOf(listen: string): string {
  const at = listen.lastIndexOf(":");
  return at < 0 ? "" : listen.slice(0, at);
}

/** An address on every interface (reachable from outside the host, firewall aside). */
export function isPublicAddress(listen: string): boolean {
  const host = hostOf(listen);
  return host === "0.0.0.0" || host === "*" || host === "[::]" || host === "::";
}

/** The one port a process's addresses name, when they name exactly one (several sockets on it count once). */
export function onlyPort(listen: readonly string[]): number | undefined {
  const ports = [...new Set(listen.map(portOf))];
  return ports.length === 1 && ports[0]! > 0 ? ports[0] : undefined;
}
