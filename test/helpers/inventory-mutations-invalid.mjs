// Mutations that break an inventory on purpose: the run must stop with exit 2, naming the file and
// the key path it broke (`path`: what that error's issue path starts with), and a hint.

/** Keys the schema types as numbers, and where they live. */
const NUMBERS = [
  ["traffic", "peakRps"],
  ["host", "cpus"],
  ["deploy", "durationMinutes"],
  ["team", "engineers"],
];

export const INVALID_MUTATIONS = {
  "bad-number": (inv, rng) => {
    const [section, key] = rng.pick(NUMBERS);
    inv[section] = { ...inv[section], [key]: rng.pick(["lots", -5, 1e12]) };
    return { said: `${section}.${key} = ${inv[section][key]}`, path: `${section}.${key}` };
  },
  "bad-role": (inv, rng) => {
    const index = rng.int(0, inv.services.length - 1);
    inv.services[index].role = rng.pick(["database-server", "Web", ""]);
    return { said: `services[${index}].role = "${inv.services[index].role}"`, path: `services[${index}].role` };
  },
  "bad-listen": (inv, rng) => {
    const index = rng.int(0, inv.services.length - 1);
    inv.services[index].listen = [rng.pick(["localhost", "127.0.0.1:70000", "0.0.0.0:0", ":8080"])];
    return { said: `services[${index}].listen = ${inv.services[index].listen[0]}`, path: `services[${index}].listen` };
  },
  "bad-name": (inv, rng) => {
    const index = rng.int(0, inv.services.length - 1);
    inv.services[index].name = rng.pick(["Web_App", "9lives", "a".repeat(50)]);
    return { said: `services[${index}].name = ${inv.services[index].name}`, path: `services[${index}].name` };
  },
  "unknown-dependency": (inv, rng) => {
    const index = rng.int(0, inv.services.length - 1);
    const service = inv.services[index];
    service.dependsOn = [...(service.dependsOn ?? []), "no-such-service"];
    return {
      said: `services[${index}].dependsOn += no-such-service`,
      path: `services[${index}].dependsOn[${service.dependsOn.length - 1}]`,
    };
  },
  "bad-schedule": (inv, rng) => {
    const index = rng.int(0, inv.services.length - 1);
    const service = inv.services[index];
    service.role = "cron";
    service.command ??= "/usr/local/bin/job";
    delete service.routes;
    service.schedule = rng.pick(["every day", "61 * * * *", "* * *"]);
    return { said: `services[${index}].schedule = ${service.schedule}`, path: `services[${index}].schedule` };
  },
  "bad-latency": (inv, rng) => {
    inv.llm = { ...inv.llm, latencySeconds: rng.pick([[20, 5], [0, 3], [5]]) };
    return { said: `llm.latencySeconds = [${inv.llm.latencySeconds}]`, path: "llm.latencySeconds" };
  },
};
