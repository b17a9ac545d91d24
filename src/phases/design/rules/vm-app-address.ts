// An app process that calls another app process of the VM (its dependsOn names a web process: a
// Next.js server rendering pages from its Fastify API at 127.0.0.1:4000) holds that process's VM
// address in a setting (API_INTERNAL_URL, BACKEND_URL). On Cloud Run the two are separate
// services, each at its own URL: the loopback address reaches nothing, and copying the VM's value
// (what every carried setting does) would start the app calling nowhere. The process's mapping says
// which setting takes the other service's URL, the "keeps its value from the VM" line leaves it
// out, and setup-secrets.sh asks for it (deployment.repointed); when no name says which, the change
// still names the address to replace.
// https://cloud.google.com/run/docs/triggering/https-request (a service's run.app URL)
import { isPublicApi, type DeployTarget } from "../../../contracts/deployment.js";
import type { Service } from "../../../inventory/schema.js";
import type { Draft } from "./draft.js";
import { ADDRESS, PUBLIC_ADDRESS } from "./vm-store-address.js";

export interface VmAppAddress {
  app: Service;
  target: DeployTarget;
  /** The caller's settings whose names say they hold the app's address (may be empty). */
  names: string[];
}

const wordsOf = (app: Service): string[] =>
  [
    ...new Set([...app.name.toUpperCase().split(/[^A-Z0-9]+/), app.software.toUpperCase().replace(/[^A-Z0-9]/g, "")]),
  ].filter((w) => w.length >= 3);

/** The web processes of the VM this one calls that become Cloud Run services of their own. */
export function vmAppAddresses(d: Draft, s: Service, names: readonly string[]): VmAppAddress[] {
  const own = d.services.find((t) => t.replaces.includes(s.name));
  const out: VmAppAddress[] = [];
  for (const dep of s.dependsOn) {
    const app = d.inv.services.find((x) => x.name === dep && x.role === "web" && x.name !== s.name);
    const target = app && d.services.find((t) => t.replaces.includes(app.name));
    if (!app || !target || target === own) continue;
    const words = wordsOf(app);
    const mine = names.filter((n) => {
      const up = n.toUpperCase();
      return ADDRESS.test(up) && !PUBLIC_ADDRESS.test(up) && up.split("_").some((part) => words.includes(part));
    });
    out.push({ app, target, names: mine });
  }
  return out;
}

/** The mapping change for one called app. */
export function vmAppAddressChange(d: Draft, s: Service, found: VmAppAddress): string {
  const { app, target, names } = found;
  const where = app.listen.length ? ` at ${app.listen.join(", ")}` : "";
  const url = `https://${target.name}-PROJECT_NUMBER.${d.inv.target.region}.run.app (gcloud run services describe ${target.name} --region=${d.inv.target.region} --project=${d.project.id} --format='value(status.url)')`;
  const auth = isPublicApi(target)
    ? ""
    : ` It is not public: ${s.name}'s service account needs roles/run.invoker on it and each call an ID token for that URL.`;
  if (names.length === 0)
    return `${s.name} calls ${app.name} on the VM${where}; on Cloud Run ${app.name} is the service ${target.name}: the setting or code that holds that address must name ${url} instead, or the calls reach nothing.${auth}`;
  const list = names.join(", ");
  const one = names.length === 1;
  return `${list} ${one ? "names" : "name"} ${app.name}: ${one ? "if it holds" : "the one that holds"} its address on the VM${where}, which reaches nothing from Cloud Run, set ${one ? "it" : "that one"} before the first deploy to ${target.name}'s URL, ${url}, rather than the VM's value (the secrets setup asks for a secret and leaves a plain setting's line in deploy/cloud-run.env empty); a public URL through the load balancer stays as it is.${auth}`;
}

/** Where such a setting's new value comes from, as setup-secrets.sh says when it asks for it. */
export function vmAppAddressValue(d: Draft, found: VmAppAddress): string {
  const { app, target } = found;
  return `${target.name}'s URL, https://${target.name}-PROJECT_NUMBER.${d.inv.target.region}.run.app (gcloud run services describe ${target.name} --region=${d.inv.target.region} --project=${d.project.id} --format='value(status.url)'), where it held ${app.name}'s VM address; a public URL stays as it is`;
}
