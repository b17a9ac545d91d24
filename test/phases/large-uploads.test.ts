// Uploads above Cloud Run's 32 MiB HTTP/1 limit: the audit names the risk with the front's number,
// the design answers it with direct uploads to Cloud Storage and never turns HTTP/2 on by itself;
// HTTP/2 end-to-end is offered only as far as the app server answers h2c.
import { readFileSync } from "node:fs";
import { describe, expect, it } from "vitest";
import { auditOffline } from "../../src/phases/audit/offline.js";
import { speaksH2c } from "../../src/phases/design/rules/uploads-decision.js";
import { chainYaml, EXAMPLE } from "../helpers/chain.js";
import { inputFromYaml } from "../helpers/phase-input.js";

const SEED = readFileSync(EXAMPLE("seed-vm"), "utf8");
/** The seed VM with its nginx's client_max_body_size (and the API's server) set. */
function seedWith(limit: string | undefined, command?: string): string {
  let yaml = SEED;
  if (limit !== undefined)
    yaml = yaml.replace("    dependsOn: [api]\n", `    dependsOn: [api]\n    maxRequestBodyMiB: ${limit}\n`);
  if (command)
    yaml = yaml
      .replace(/command: uvicorn app\.main:app[^\n]*/, `command: ${command}`)
      .replace("software: uvicorn", `software: ${command.split(" ")[0]}`);
  return yaml;
}
const uploadRisk = (yaml: string) =>
  auditOffline(inputFromYaml(yaml)).risks.find((r) => r.title.startsWith("Uploads above 32 MiB"));

describe("audit: uploads above Cloud Run's 32 MiB", () => {
  it.each([
    ["no limit recorded", undefined, undefined],
    ["at the limit", "32", undefined],
    ["below it", "20", undefined],
    ["above it", "250", "up to 250 MiB"],
    ["unlimited", "unlimited", "bodies of any size"],
  ])("%s", (_name, limit, said) => {
    const risk = uploadRisk(seedWith(limit));
    if (said === undefined) return expect(risk).toBeUndefined();
    expect(risk?.title).toContain(said);
    expect(risk?.evidence).toEqual([expect.stringContaining(`services.nginx.maxRequestBodyMiB: ${limit}`)]);
    // The front and the app process behind it both concern the team.
    expect(risk?.affects).toEqual(["nginx", "api"]);
    expect(risk?.businessImpact).toMatch(/413/);
    expect(risk?.mttrMinutes.max).toBeGreaterThan(risk!.mttrMinutes.min);
  });
});

describe("design: the uploads decision", () => {
  it("without a large limit there is no uploads decision", () => {
    const { design } = chainYaml(seedWith("10"));
    expect(design.decisions.map((d) => d.title)).not.toContain("Send uploads above 32 MiB straight to Cloud Storage");
  });

  it("uvicorn behind nginx at 250 MiB: signed-URL uploads, HTTP/2 named as breaking, the risk traced to it", () => {
    const { design } = chainYaml(seedWith("250"));
    const adr = design.decisions.find((d) => d.title === "Send uploads above 32 MiB straight to Cloud Storage");
    expect(adr?.context).toContain("nginx (nginx) accepts request bodies up to 250 MiB");
    expect(adr?.context).toContain("api (uvicorn) speaks HTTP/1 only");
    expect(adr?.decision).toContain("signs a V4 URL");
    expect(adr?.decision).toContain("HTTP/2 end-to-end is not turned on");
    expect(adr?.alternatives.join(" ")).toContain("--use-http2");
    const risk = design.riskTrace.find((t) => t.reason.startsWith("Uploads above 32 MiB"));
    expect(risk?.status).toBe("mitigated");
    expect(risk?.decisionIds).toContain(adr!.id);
    expect(adr!.closesRisks).toContain(risk!.riskId);
    // Nothing the deploy runs asks for HTTP/2.
    expect(JSON.stringify(design.deployment)).not.toMatch(/http2/i);
  });

  it("hypercorn answers h2c: the alternative says so", () => {
    const { design } = chainYaml(seedWith("unlimited", "hypercorn app.main:app --bind 127.0.0.1:8000"));
    const adr = design.decisions.find((d) => d.title === "Send uploads above 32 MiB straight to Cloud Storage");
    expect(adr?.context).toContain("api (hypercorn) answers h2c");
    expect(adr?.context).not.toContain("HTTP/1 only");
    expect(adr?.decision).toContain("Uploads any size");
  });
});

describe("design: PHP behind the front", () => {
  it("names PHP's own upload limits and that HTTP/2 would break php-fpm", () => {
    const { design } = chainYaml(seedWith("64", "php-fpm8.2 --nodaemonize"));
    const adr = design.decisions.find((d) => d.title === "Send uploads above 32 MiB straight to Cloud Storage");
    expect(adr?.context).toContain("upload_max_filesize and post_max_size");
    expect(adr?.context).toContain("api (php-fpm8.2) speaks HTTP/1 only");
  });
});

describe("PHP's own limits read from the VM", () => {
  /** The seed's API as PHP-FPM behind nginx at `limit` MiB, with the php.ini values given. */
  const phpSeed = (limit: string, upload: string, post: string) =>
    seedWith(limit, "php-fpm8.2 --nodaemonize").replace(
      "  - name: api\n",
      `  - name: api\n    phpIni: { uploadMaxFilesize: "${upload}", postMaxSize: "${post}" }\n`,
    );

  it("PHP's 2 MiB behind a 100 MiB nginx is no large-upload risk: users could never send more", () => {
    expect(uploadRisk(phpSeed("100", "2M", "8M"))).toBeUndefined();
    expect(chainYaml(phpSeed("100", "2M", "8M")).design.decisions.map((d) => d.title)).not.toContain(
      "Send uploads above 32 MiB straight to Cloud Storage",
    );
  });

  it("a 64 MiB php.ini behind a 100 MiB nginx: the risk at 64 MiB, with both settings as evidence", () => {
    const risk = uploadRisk(phpSeed("100", "64M", "64M"));
    expect(risk?.title).toContain("up to 64 MiB");
    expect(risk?.evidence).toEqual([
      "services.nginx.maxRequestBodyMiB: 100 (nginx accepts 100 MiB)",
      "services.api.phpIni: upload_max_filesize 64M, post_max_size 64M (PHP takes 64 MiB)",
    ]);
    const adr = chainYaml(phpSeed("100", "64M", "64M")).design.decisions.find(
      (d) => d.title === "Send uploads above 32 MiB straight to Cloud Storage",
    );
    expect(adr?.context).toContain("nginx (nginx) accepts request bodies up to 64 MiB");
    expect(adr?.context).toContain(
      "PHP's upload_max_filesize and post_max_size are part of that: api takes up to 64 MiB",
    );
  });
});

describe("speaksH2c", () => {
  it.each([
    ["hypercorn", "hypercorn app:app --bind 0.0.0.0:8000", "yes"],
    ["uvicorn", "uvicorn app.main:app --port 8000", "no"],
    ["gunicorn", "gunicorn -k uvicorn.workers.UvicornWorker app:app", "no"],
    ["gunicorn", "gunicorn --http2-cleartext prior-knowledge app:app", "yes"],
    ["granian", "granian --interface asgi app:app", "maybe"],
    ["granian", "granian --interface asgi --http 2 app:app", "yes"],
    ["granian", "granian --http 1 app:app", "no"],
    ["puma", "bundle exec puma -C config/puma.rb", "no"],
    ["node", "node server.js", "no"],
    ["php-fpm", "php-fpm8.2 --nodaemonize", "no"],
    ["php8.2-fpm", "/usr/sbin/php-fpm8.2 --nodaemonize", "no"],
    ["java", "java -jar app.jar", "maybe"],
  ] as const)("%s: %s → %s", (software, command, h2c) => {
    expect(speaksH2c({ software, command })).toBe(h2c);
  });
});
