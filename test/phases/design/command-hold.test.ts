// A scheduled job or an always-on process whose command cannot be carried (none given, a line that
// needs a shell, a credential that is not an argument's value) would be deployed with no
// --command, and Cloud Run would run the image's default, the web server, in its place. The design
// holds it instead (design/rules/command-hold.ts): an open decision beside it, the deploy skips it
// and says why, its schedule is not created, the plan says what the operator must do.
import { describe, expect, it } from "vitest";
import { deployedOnly } from "../../../src/contracts/held-targets.js";
import { offlineCicd } from "../../../src/phases/cicd/offline.js";
import { CICD_PATHS, renderCicd } from "../../../src/phases/cicd/render.js";
import { chainYaml } from "../../helpers/chain.js";
import { httpCall } from "../../../src/phases/design/rules/command-hold.js";

const yaml = (line: string, role = "cron") => `
apiVersion: infra-migrate/v1
kind: Inventory
metadata: { name: shop }
services:
  - { name: web, role: web, software: gunicorn, command: "gunicorn shop.wsgi --bind 127.0.0.1:8000", listen: ["127.0.0.1:8000"] }
  - { name: report, role: ${role}, software: python, ${role === "cron" ? 'schedule: "0 6 * * *", ' : ""}command: ${JSON.stringify(line)} }
target: { project: shop-prod-1, region: us-central1, github: acme/shop }
`;

describe("a job whose command cannot be carried is held, never deployed as the web server", () => {
  it.each([
    ["a line that needs a shell", "python manage.py report | mail -s report ops@example.com", /"\|" needs a shell/],
    [
      "a credential that is not an argument's value",
      "python manage.py report --dsn=postgres://bot:<redacted:password>@db/shop",
      /holds a credential the inventory redacted/,
    ],
  ])("%s", (_, line, gap) => {
    const { design } = chainYaml(yaml(line));
    const job = design.deployment.services.find((t) => t.replaces.includes("report"))!;
    expect(job.kind).toBe("job");
    expect(job.command).toBeUndefined();
    expect(job.heldFor).toMatchObject({ decision: "report-command", topic: "command" });
    expect(job.heldFor!.short).toMatch(gap);
    expect(job.held).toMatch(/Cloud Run would run the image's default, shop-prod's web server, as this job/);
    expect(job.held).toMatch(/Not deployed until the open decision report-command is taken/);
    // The decision beside it, with its choices; the job's own entry says it is held.
    const decision = design.mapping.find((m) => m.target.name === "report-command")!;
    expect(decision.target.kind).toBe("needs-decision");
    expect(decision.options!.map((o) => o.option)).toEqual([
      "A script in the image that runs the command (recommended)",
      "Keep report on a small Compute Engine VM",
    ]);
    const notes = design.mapping.find((m) => m.service === "report" && m.target.kind === "cloud-run-job")!.appChanges;
    expect(notes.join(" ")).toContain(`Until then the deploy holds ${job.name} (open decision report-command)`);
    // Its schedule waits with it.
    expect(design.deployment.schedules?.some((s) => s.target === job.name)).toBe(true);
    expect(deployedOnly(design.deployment).schedules ?? []).toEqual([]);
  });

  it("the deploy skips it with the reason, and the README says it is held for its command", () => {
    const { input, design } = chainYaml(yaml("python manage.py report | mail -s report ops@example.com"));
    const job = design.deployment.services.find((t) => t.replaces.includes("report"))!;
    const artifacts = renderCicd(offlineCicd(input), input);
    const workflow = artifacts.find((a) => a.path === CICD_PATHS.workflow)!.content;
    expect(workflow).toContain(`Hold ${job.name}: not deployed until it has a command it can run`);
    expect(workflow).not.toContain(`--service ${job.name} `);
    const readme = artifacts.find((a) => a.path.endsWith("cicd/README.md"))!.content;
    expect(readme).toContain("held: not deployed until its command decision is taken");
  });

  it("an always-on process with no command it can run is held too", () => {
    const { design } = chainYaml(yaml("while true; do python manage.py poll; sleep 5; done", "worker"));
    const pool = design.deployment.services.find((t) => t.replaces.includes("report"))!;
    expect(pool.kind).toBe("worker-pool");
    expect(pool.command).toBeUndefined();
    expect(pool.heldFor?.topic).toBe("command");
  });

  it.each([
    ["a plain command", "python manage.py report"],
    [
      "a credential as an argument's value, carried through sh -c",
      "python manage.py report --password=<redacted:password>",
    ],
  ])("%s is deployed", (_, line) => {
    const { design } = chainYaml(yaml(line));
    const job = design.deployment.services.find((t) => t.replaces.includes("report"))!;
    expect(job.command?.length).toBeGreaterThan(0);
    expect(job.held).toBeUndefined();
    expect(design.mapping.some((m) => m.target.name === "report-command")).toBe(false);
  });
});

describe("a held line that only requests a URL of the app", () => {
  it.each([
    [
      "curl -fsS https://lms.example.edu/admin/cron.php?password=<redacted:password> >/dev/null",
      "https://lms.example.edu",
    ],
    [
      "/usr/bin/wget -q -O - 'https://shop.example.com/wp-cron.php?doing_wp_cron' > /dev/null 2>&1",
      "https://shop.example.com",
    ],
    ["curl -d payload https://shop.example.com/hook", undefined],
    ["curl -o /tmp/x https://shop.example.com/x", undefined],
    ["python manage.py report | mail -s report ops@example.com", undefined],
  ])("%s → %s", (line, url) => {
    expect(httpCall(line)).toBe(url);
  });

  it("is offered a Cloud Scheduler HTTP job first, no container", () => {
    const { design } = chainYaml(
      yaml("curl -fsS https://lms.example.edu/admin/cron.php?password=<redacted:password> >/dev/null"),
    );
    const decision = design.mapping.find((m) => m.target.name === "report-command")!;
    expect(decision.options![0]!.option).toBe("A Cloud Scheduler HTTP job that requests the URL itself (recommended)");
    expect(decision.options![0]!.change).toContain("(https://lms.example.edu): Cloud Scheduler can make that request");
    expect(decision.options![0]!.change).toContain("gcloud scheduler jobs create http");
    expect(decision.options!.map((o) => o.option)).toContain("A script in the image that runs the command");
  });
});
