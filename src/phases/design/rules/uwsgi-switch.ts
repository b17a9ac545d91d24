// uWSGI in socket mode speaks the uwsgi binary protocol (the VM's nginx reaches it with
// `uwsgi_pass` and `include uwsgi_params`); Cloud Run sends HTTP to PORT. The same server answers
// HTTP itself with `http-socket`, in its workers, which is what the plan switches it to; not `http`,
// which starts a separate router process in front of them.
// https://uwsgi-docs.readthedocs.io/en/latest/HTTP.html, https://cloud.google.com/run/docs/container-contract#port
import type { Service } from "../../../inventory/schema.js";
import { imageFor } from "../../../image/plan.js";
import { bindsItself } from "../../../image/web-bind.js";
import type { Draft } from "./draft.js";

/** A uWSGI process the VM runs in socket mode (inventory protocols: uwsgi). */
export const servesUwsgiProtocol = (s: Service): boolean => (s.protocols ?? []).includes("uwsgi");

/** The plan's own command for it binds `--http-socket 0.0.0.0:$PORT` (web-bind.ts). */
function commandSwitches(d: Draft, s: Service): boolean {
  const planned = imageFor(d.images, s)?.argv[s.name];
  return Boolean(planned?.ok && bindsItself(planned.argv));
}

/** uWSGI's own variable for the socket (UWSGI_SOCKET): not a start script's that builds a flag. */
const ownSocketVar = (name: string | undefined) => name !== undefined && /^UWSGI_(UWSGI_)?SOCKET$/.test(name);

/** Whether the deploy's environment alone makes it serve HTTP on PORT (a start script's DD_UWSGI_MODE). */
export function envSwitchesUwsgi(s: Service): boolean {
  const set = s.uwsgiSocket;
  return servesUwsgiProtocol(s) && set?.setIn === "env" && Boolean(set.modeEnv && set.addressEnv);
}

/** The env the deploy sets or drops so uWSGI answers HTTP on 0.0.0.0:port. */
export function uwsgiEnv(
  d: Draft,
  s: Service,
  port: number,
): { set: Record<string, { value: string; why: string }>; dropped: Array<{ name: string; why: string }> } {
  const out = {
    set: {} as Record<string, { value: string; why: string }>,
    dropped: [] as Array<{ name: string; why: string }>,
  };
  const set = s.uwsgiSocket;
  if (!servesUwsgiProtocol(s) || set?.setIn !== "env") return out;
  if (set.modeEnv && set.addressEnv) {
    out.set[set.modeEnv] = {
      value: "http-socket",
      why: "uWSGI answers HTTP itself on an http-socket; a socket speaks the uwsgi protocol, which Cloud Run does not send",
    };
    out.set[set.addressEnv] = { value: `0.0.0.0:${port}`, why: "Cloud Run sends requests to 0.0.0.0 on PORT" };
  } else if (ownSocketVar(set.addressEnv)) {
    // uWSGI binds every socket it is given: this one beside the http-socket would still speak uwsgi.
    out.dropped.push({ name: set.addressEnv!, why: "a uwsgi-protocol socket: Cloud Run sends HTTP" });
    if (!commandSwitches(d, s))
      out.set.UWSGI_HTTP_SOCKET = {
        value: `0.0.0.0:${port}`,
        why: "uWSGI answers HTTP on it (UWSGI_<OPTION> sets any option)",
      };
  }
  return out;
}

/** What the mapping tells the team about switching uWSGI from the uwsgi protocol to HTTP. */
export function uwsgiPortChange(d: Draft, s: Service, port: number): string {
  const why = `${s.name} runs uWSGI in socket mode on the VM: it speaks the uwsgi binary protocol there (nginx's uwsgi_pass), and Cloud Run sends HTTP to PORT (${port}).`;
  const set = s.uwsgiSocket;
  if (envSwitchesUwsgi(s))
    return `${why} The deploy sets ${set!.modeEnv}=http-socket and ${set!.addressEnv}=0.0.0.0:${port}, so the image's start answers HTTP itself (an http-socket, not --http, which would start a separate router process).`;
  const file = set?.setIn === "config" && set.file ? set.file : "the uWSGI config file";
  if (commandSwitches(d, s)) {
    const also =
      set?.setIn === "config"
        ? `; delete \`socket = …\` from ${file}, since uWSGI binds every socket it is given and a unix socket's folder is not in the container`
        : ownSocketVar(set?.addressEnv)
          ? `; the deploy drops ${set!.addressEnv}, since uWSGI binds every socket it is given`
          : "";
    return `${why} The image's command serves --http-socket 0.0.0.0:$PORT instead of the socket (uWSGI answers HTTP itself; not --http, which starts a separate router process)${also}.`;
  }
  if (set?.setIn === "env" && set.addressEnv && !ownSocketVar(set.addressEnv))
    return `${why} Its start builds the socket flag from ${set.addressEnv}: change that start to \`--http-socket 0.0.0.0:$PORT\` (not --http, which starts a separate router process).`;
  if (set?.setIn === "env")
    return `${why} The deploy drops ${set.addressEnv} and sets UWSGI_HTTP_SOCKET=0.0.0.0:${port}.`;
  return `${why} Replace \`socket = …\` with \`http-socket = :$(PORT)\` in ${file} (uWSGI reads $(NAME) from the environment), or start it with \`--http-socket 0.0.0.0:$PORT\`; not --http, which starts a separate router process.`;
}
