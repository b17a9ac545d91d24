// The shape key lets one gcloud parse stand for many commands: it must merge commands that differ
// only by the inventory's names or free text, and never merge ones that differ in a flag or in a
// value gcloud checks.
import { describe, expect, it } from "vitest";
import { commandShape, inventoryNames } from "../helpers/gcloud-shape.js";

const inventory = {
  metadata: { name: "shop" },
  services: [
    { name: "api", env: ["DATABASE_URL", "SECRET_KEY"] },
    { name: "worker", env: ["DATABASE_URL", "STRIPE_API_KEY"] },
    { name: "redis" },
  ],
};
const names = inventoryNames(inventory);
const shape = (line: string) => commandShape(line.split(" "), names);

describe("inventoryNames", () => {
  it("collects name: values and UPPER_SNAKE env names, longest first", () => {
    expect(names.lower).toEqual(["worker", "redis", "shop", "api"]);
    expect(names.upper).toEqual(["STRIPE_API_KEY", "DATABASE_URL", "SECRET_KEY"]);
  });
});

describe("inventoryNames: env names in the app's case", () => {
  it.each<[string, boolean]>([
    ["database__connection__host", true],
    ["paths__contentPath", true],
    // No underscore: too likely to equal a flag's word (`--url`), so left as it is.
    ["url", false],
    ["process", false],
  ])("%s → %s", (env, collected) => {
    expect(inventoryNames({ services: [{ name: "ghost", env: [env] }] }).upper.includes(env)).toBe(collected);
  });

  it("merges secrets named in the app's case as it merges UPPER_SNAKE ones", () => {
    const ghost = inventoryNames({
      services: [{ name: "ghost", env: ["database__connection__user", "mail__transport"] }],
    });
    expect(commandShape("secrets create mail__transport --project p".split(" "), ghost)).toBe(
      commandShape("secrets create database__connection__user --project p".split(" "), ghost),
    );
  });
});

describe("commandShape", () => {
  it("merges commands that differ only by a process name joined into a resource name", () => {
    expect(shape("iam service-accounts create svc-api-sa --project p")).toBe(
      shape("iam service-accounts create svc-worker-sa --project p"),
    );
  });

  it("merges env/secret names, temp paths, from-file paths, display names and filter strings", () => {
    expect(shape("secrets versions add DATABASE_URL --data-file=- --project p")).toBe(
      shape("secrets versions add STRIPE_API_KEY --data-file=- --project p"),
    );
    expect(shape("compute url-maps import lb --source=/tmp/tmp.ab12 --quiet")).toBe(
      shape("compute url-maps import lb --source=/tmp/tmp.Zz99 --quiet"),
    );
    expect(shape("monitoring dashboards create --config-from-file=/a/x.json")).toBe(
      shape("monitoring dashboards create --config-from-file=/b/y.json"),
    );
    const filter = (text: string) => ["alpha", "monitoring", "policies", "list", `--filter=displayName="${text}"`];
    expect(commandShape(filter("svc: api fast burn"), names)).toBe(commandShape(filter("svc: worker health"), names));
    expect(commandShape(["iam", "service-accounts", "create", "a", "--display-name", "API runner"], names)).toBe(
      commandShape(["iam", "service-accounts", "create", "a", "--display-name", "Worker"], names),
    );
  });

  it("keeps apart commands with another flag, another flag value, or another command", () => {
    const base = shape("run deploy svc-api --region r --memory=512Mi --project p");
    expect(shape("run deploy svc-api --region r --memory=1Gi --project p")).not.toBe(base);
    expect(shape("run deploy svc-api --region r --memory=512Mi --project p --no-cpu-throttling")).not.toBe(base);
    expect(shape("run jobs deploy svc-api --region r --memory=512Mi --project p")).not.toBe(base);
    expect(shape("dns record-sets create x --type=CNAME")).not.toBe(shape("dns record-sets create x --type=TXT"));
  });

  it("leaves a name alone where it stands by itself, in a role, or as a flag's whole value", () => {
    expect(shape("projects add-iam-policy-binding p --role=roles/redis.viewer")).not.toBe(
      shape("projects add-iam-policy-binding p --role=roles/worker.viewer"),
    );
    expect(shape("redis instances create x --tier=redis")).toContain('"--tier=redis"');
    expect(shape("run services describe worker")).toContain('"worker"');
  });
});
