// On the VM, nginx on 127.0.0.1 forwarded every request, and app servers trust X-Forwarded-Proto and
// X-Forwarded-For from loopback only. On Cloud Run (and behind the external Application Load
// Balancer) requests reach the container from Google's front end, from no fixed address, with those
// headers set: an app that still trusts only loopback thinks every request is plain http (http://
// links and OAuth callbacks, redirect loops under an HTTPS redirect) and every client is the front
// end (rate limits, logs). Only Google's front end can reach a Cloud Run container, so the app may
// trust the headers from any peer. Per server and framework, from each one's own docs: where a
// setting the server or framework already reads does it, the deploy sets it (plain env); where only
// code does, the mapping names the one-line change; an app that already trusts the proxy gets nothing.
// https://cloud.google.com/run/docs/container-contract (requests arrive from Google's front end)
import type { Service } from "../../../inventory/schema.js";
import type { AppRepo } from "../../../image/repo.js";
import { frameworkProxyTrust, repoPathOf, type ProxyTrust } from "./proxy-trust-frameworks.js";

export type { ProxyTrust };

const FRONT_END = "on Cloud Run only Google's front end reaches the container, from no fixed address";

/** Python servers that read FORWARDED_ALLOW_IPS (gunicorn; uvicorn alone, as gunicorn's worker, or under `fastapi run`). */
export function pythonServer(s: Service): "gunicorn" | "uvicorn" | undefined {
  const text = `${s.software} ${s.command ?? ""}`;
  if (/\bgunicorn\b/i.test(text)) return "gunicorn";
  if (/\buvicorn\b/i.test(text) || /\bfastapi\s+run\b/.test(s.command ?? "")) return "uvicorn";
  return undefined;
}

/** The value given on the command line, or undefined. */
function flagValue(command: string, flag: string): string | undefined {
  const m = new RegExp(`${flag}(?:=|\\s+)(["']?)([^\\s"']+)\\1`).exec(command);
  return m?.[2];
}

/**
 * gunicorn and uvicorn both take the list of trusted front ends from FORWARDED_ALLOW_IPS when
 * nothing else sets it (default 127.0.0.1); "*" trusts any peer. gunicorn's --forwarded-allow-ips
 * and a config file's forwarded_allow_ips win over the variable, so those are what must change.
 * Trusted, gunicorn sets the request's scheme from X-Forwarded-Proto (secure_scheme_headers) and
 * uvicorn's proxy headers (on by default) set the scheme and the client address.
 * https://docs.gunicorn.org/en/stable/settings.html#forwarded-allow-ips
 * https://www.uvicorn.org/settings/#http (--forwarded-allow-ips, --proxy-headers)
 */
function serverTrust(s: Service, server: "gunicorn" | "uvicorn", repo: AppRepo | undefined): ProxyTrust {
  const command = s.command ?? "";
  const out: ProxyTrust = { set: {}, changes: [] };
  const why = `${server} trusts X-Forwarded-Proto/-For only from the listed addresses, by default 127.0.0.1, where the VM's nginx was; ${FRONT_END}`;
  if (server === "uvicorn" && /--no-proxy-headers\b/.test(command))
    out.changes.push(
      `${s.name}'s command passes --no-proxy-headers: drop it, or uvicorn ignores the X-Forwarded-Proto/-For headers Google's front end sends (http:// links and redirects, every client seen as the front end).`,
    );
  const flag = flagValue(command, "--forwarded-allow-ips");
  if (flag !== undefined) {
    if (flag !== "*")
      out.changes.push(
        `${s.name}'s command passes --forwarded-allow-ips=${flag}, which wins over the environment: make it '*' (${FRONT_END}), or the app sees every request as plain http.`,
      );
    return out;
  }
  const config = server === "gunicorn" ? gunicornConfig(command, repo) : undefined;
  const line = config && /^\s*forwarded_allow_ips\s*=\s*(.+)$/m.exec(config.text)?.[1]?.trim();
  if (config && line) {
    const fromEnv = /(?:environ\.get|getenv|environ\[)\(?\s*["']([A-Z][A-Z0-9_]*)["']/.exec(line)?.[1];
    if (fromEnv)
      out.set[fromEnv] = { value: "*", why: `${config.file} sets forwarded_allow_ips from it; ${FRONT_END}` };
    else if (!/^["']\*["']/.test(line))
      out.changes.push(
        `${config.file} sets forwarded_allow_ips = ${line.slice(0, 80)}, which wins over FORWARDED_ALLOW_IPS: set it to "*" (${FRONT_END}), or gunicorn ignores X-Forwarded-Proto and the app sees every request as plain http.`,
      );
    return out;
  }
  out.set.FORWARDED_ALLOW_IPS = { value: "*", why };
  return out;
}

/** The gunicorn config file the command names (-c/--config), else gunicorn.conf.py, as found in the repository. */
function gunicornConfig(command: string, repo: AppRepo | undefined): { file: string; text: string } | undefined {
  if (!repo?.present) return undefined;
  const named = flagValue(command, "(?:^|\\s)(?:-c|--config)")?.replace(/^python:/, "");
  for (const candidate of [named, "gunicorn.conf.py"]) {
    const file = candidate && repoPathOf(candidate, repo);
    const text = file ? repo.read(file) : undefined;
    if (file && text !== undefined) return { file, text };
  }
  return undefined;
}

/** What one serving process needs to trust Google's front end on Cloud Run. */
export function proxyTrust(s: Service, repo: AppRepo | undefined): ProxyTrust {
  const server = pythonServer(s);
  const fromServer = server ? serverTrust(s, server, repo) : { set: {}, changes: [] };
  const fromFramework = frameworkProxyTrust(s, repo, server !== undefined);
  return {
    set: { ...fromFramework.set, ...fromServer.set },
    changes: [...fromServer.changes, ...fromFramework.changes],
  };
}
