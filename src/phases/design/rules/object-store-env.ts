// The app's settings that point at an S3-compatible store on the VM (object-store-decision.ts): its
// endpoint holds the VM's address (http://127.0.0.1:9000), which reaches nothing from Cloud Run, and
// its keys are the store's own users; copied from the VM as every other setting is, the app would
// start pointed at nowhere. The process's mapping says what each becomes instead.
import type { Service } from "../../../inventory/schema.js";
import type { Draft } from "./draft.js";
import { isObjectStore } from "../../../contracts/object-store.js";

const ENDPOINT =
  /^AWS_ENDPOINT_URL(?:_S3)?$|^(?:[A-Z0-9]+_)*(?:S3|MINIO|OBJECT_?STORE|OBJECT_STORAGE)_(?:ENDPOINT(?:_URL)?|HOST|URL|SERVER)$/;
const ACCESS = /^(?:[A-Z0-9]+_)*(?:S3|MINIO|AWS)_(?:ACCESS_KEY(?:_ID)?|ACCESS_ID|KEY_ID|ROOT_USER)$/;
const SECRET = /^(?:[A-Z0-9]+_)*(?:S3|MINIO|AWS)_(?:SECRET(?:_ACCESS)?_KEY|SECRET|ROOT_PASSWORD)$/;

export interface ObjectStoreSettings {
  endpoint: string[];
  access: string[];
  secret: string[];
}

/** Which of these names are an S3 endpoint, an access key, a secret key (upper case as the rules read them). */
export function objectStoreSettings(names: readonly string[]): ObjectStoreSettings {
  const up = (n: string) => n.toUpperCase();
  return {
    endpoint: names.filter((n) => ENDPOINT.test(up(n))),
    access: names.filter((n) => ACCESS.test(up(n))),
    secret: names.filter((n) => SECRET.test(up(n))),
  };
}

/** The object store a process reaches: the one it depends on, else the only one when it has an S3 endpoint setting. */
function storeFor(d: Draft, s: Service, endpoint: readonly string[]): Service | undefined {
  const stores = d.inv.services.filter((x) => x !== s && isObjectStore(x));
  return (
    stores.find((x) => s.dependsOn.includes(x.name)) ?? (endpoint.length && stores.length === 1 ? stores[0] : undefined)
  );
}

/**
 * The process's endpoint and key settings for the VM's object store, with the mapping change that
 * says what they become and, per name, where its new value comes from (never the VM's value).
 */
export function objectStoreEnv(
  d: Draft,
  s: Service,
  names: readonly string[],
): { names: string[]; change: string; newValues: Record<string, string> } | undefined {
  const { endpoint, access, secret } = objectStoreSettings(names);
  const store = endpoint.length ? storeFor(d, s, endpoint) : undefined;
  if (!store) return undefined;
  const keys = [...access, ...secret];
  const one = endpoint.length === 1;
  const hmac = `gcloud storage hmac create SERVICE_ACCOUNT_EMAIL --project=${d.project.id}`;
  const keyText = keys.length
    ? ` ${keys.join(", ")} ${keys.length === 1 ? "is" : "are"} ${store.name}'s own credentials: with Cloud Storage they become the HMAC key's access ID and secret (${hmac}); the secrets setup asks for ${keys.length === 1 ? "it" : "them"} rather than copying the VM's.`
    : "";
  const kept = `, or ${store.name}'s own if it stays on a VM`;
  const newValues: Record<string, string> = {
    ...Object.fromEntries(
      endpoint.map((n) => [
        n,
        `where ${store.name}'s decision puts its objects: https://storage.googleapis.com for Cloud Storage's S3 API, or the private address of the VM that keeps ${store.name}`,
      ]),
    ),
    ...Object.fromEntries(access.map((n) => [n, `the access ID of a Cloud Storage HMAC key (${hmac})${kept}`])),
    ...Object.fromEntries(
      secret.map((n) => [
        n,
        `the secret of that Cloud Storage HMAC key (gcloud storage hmac create prints it once)${kept}`,
      ]),
    ),
  };
  return {
    names: [...endpoint, ...keys],
    newValues,
    change: `${endpoint.join(", ")} ${one ? "holds" : "hold"} ${store.name}'s address on the VM, which reaches nothing from Cloud Run: before the first deploy set ${one ? "it" : "them"} to where ${store.name}'s decision puts its objects, https://storage.googleapis.com for Cloud Storage's S3 API (the secrets setup leaves a plain setting's line in deploy/cloud-run.env empty and asks for a secret), not the VM's value.${keyText}`,
  };
}
