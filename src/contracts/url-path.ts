// How a reverse proxy's route is written, shared by the inventory (services[].routes, read from
// nginx and Apache) and the load balancer that takes the routes over (deployment.loadBalancer):
// both must accept the same paths and host names, or a valid inventory makes an invalid design.

/** A proxy route's path: / or a URL path, with the trailing slash the proxy's rule has. */
export const ROUTE_PATH = /^\/$|^(\/[A-Za-z0-9._~-]+){1,10}\/?$/;

/**
 * A host name a proxy routes by (nginx server_name, Apache ServerName/ServerAlias), lower case,
 * with at most a leading `*.` wildcard: the forms a URL map's host rule takes.
 * https://cloud.google.com/load-balancing/docs/url-map-concepts#host-rules
 */
export const ROUTE_HOST = /^(\*\.)?([a-z0-9]([a-z0-9-]{0,61}[a-z0-9])?\.)+[a-z][a-z0-9-]{0,61}[a-z0-9]$/;

export const ROUTE_HOST_HINT = 'expected a lower-case host name such as "api.example.org" or "*.example.org"';
