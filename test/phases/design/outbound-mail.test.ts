// An app that sends mail through the VM (an MTA on localhost, sendmail) or to a relay on port 25
// gets an open decision beside its first sender: on Cloud Run there is no local MTA and Google
// Cloud blocks outbound port 25, so password resets would stop without a word.
import { describe, expect, it } from "vitest";
import { designPhase } from "../../../src/phases/design/index.js";
import { designResultSchema } from "../../../src/phases/design/schema.js";
import { designInputFromYaml } from "./design-input.js";
import type { AuditResult } from "../../../src/contracts/audit-result.js";
import { DEV_MAIL_CATCHER_RISK, OUTBOUND_MAIL_RISK } from "../../../src/contracts/process-homes.js";

const yaml = (runtime: string, framework: string, web: string, worker = "") => `apiVersion: infra-migrate/v1
kind: Inventory
metadata: { name: shop }
host: { hostname: vm, os: "Debian GNU/Linux 12 (bookworm)", cpus: 2 }
services:
  - { name: nginx, role: reverse-proxy, software: nginx, listen: ["0.0.0.0:443"], dependsOn: [web] }
  - { name: web, role: web, software: ${framework}, runtime: ${runtime}, framework: ${framework}, listen: ["127.0.0.1:8000"], dependsOn: [db]${web} }
  - { name: worker, role: worker, software: ${framework}, runtime: ${runtime}, command: "run-worker", dependsOn: [db], longRunning: true${worker} }
  - { name: db, role: database, software: postgres, listen: ["127.0.0.1:5432"] }
data:
  - { service: db, engine: postgres, version: "16", sizeGiB: 5, backups: daily }
deploy: { method: ssh-script }
target: { project: shop-prod, region: us-central1, service: shop }
`;
const design = (runtime: string, framework: string, web: string, worker = "") =>
  designResultSchema.parse(designPhase.offline(designInputFromYaml(yaml(runtime, framework, web, worker))));

const mailEntries = (r: ReturnType<typeof design>) => r.mapping.filter((m) => m.target.name.endsWith("-mail"));

describe("outbound mail the VM carried", () => {
  it.each([
    ["python", "django", "EMAIL_HOST, EMAIL_PORT", "local-mta", "mail server on the VM itself"],
    ["php", "laravel", "MAIL_MAILER", "sendmail", "sendmail program"],
    ["ruby", "rails", "SMTP_ADDRESS, SMTP_PORT", "local-mta", "no mail server on localhost"],
    ["node", "express", "SMTP_HOST, SMTP_PORT", "port-25", "blocks outbound connections to port 25"],
    ["go", "go", "SMTP_HOST, SMTP_PORT", "port-25", "relay on port 25"],
    ["java", "spring", "SPRING_MAIL_HOST", "local-mta", "localhost"],
  ])("%s/%s: one open decision naming the settings to change", (runtime, framework, keys, via, says) => {
    const settings = keys.split(", ");
    const mail = `, env: [${keys}], outboundMail: { via: ${via}, settings: [${keys}] }`;
    const result = design(runtime, framework, mail, mail);
    const open = mailEntries(result);
    expect(open).toHaveLength(1);
    const entry = open[0]!;
    expect(entry.service).toBe("web");
    expect(entry.target).toEqual({ kind: "needs-decision", name: "web-mail" });
    expect(entry.reason).toContain("web and worker send mail");
    expect(entry.reason).toContain(says);
    for (const k of settings) expect(entry.options![0]!.change).toContain(k);
    expect(entry.options![0]!.option).toMatch(/587 or 465/);
    expect(entry.options![1]!.option).toBe("The provider's HTTP API");
    // The web process itself still runs on Cloud Run.
    expect(result.mapping.find((m) => m.service === "web" && m.target.kind === "cloud-run-service")).toBeDefined();
  });

  it("is a risk in the audit, traced to the open decision", () => {
    const mail = ", env: [MAIL_MAILER], outboundMail: { via: sendmail, settings: [MAIL_MAILER] }";
    const input = designInputFromYaml(yaml("php", "laravel", mail));
    const risk = (input.upstream.audit as AuditResult).risks.find((r) => r.title === OUTBOUND_MAIL_RISK);
    expect(risk?.affects).toEqual(["web"]);
    expect(risk?.evidence).toEqual(["services.web.outboundMail: sendmail (MAIL_MAILER)"]);
    const trace = designResultSchema.parse(designPhase.offline(input)).riskTrace.find((t) => t.riskId === risk!.id);
    expect(trace?.status).toBe("accepted");
    expect(trace?.element).toBe("needs a decision: web's outgoing mail");
  });

  it("says nothing when no process sends mail through the VM", () => {
    const result = design("python", "django", ", env: [EMAIL_HOST, EMAIL_PORT]");
    expect(mailEntries(result)).toEqual([]);
    expect(result.riskTrace.some((t) => t.element.includes("outgoing mail"))).toBe(false);
  });

  it("mail through the VM's MTA by the framework's default: the MTA is named as staying behind, the framework's settings as what to set", () => {
    const mail = ", outboundMail: { via: local-mta, settings: [], mta: postfix, frameworkDefault: rails }";
    const result = design("ruby", "rails", mail, mail);
    const entry = mailEntries(result)[0]!;
    expect(entry.reason).toContain("as Rails' default does when no mail host is set");
    expect(entry.reason).toContain("postfix stays on the VM: it does not move");
    expect(entry.options![0]!.change).toContain("config.action_mailer.smtp_settings");
    expect(entry.options![0]!.change).toContain("rather than through postfix, which stays on the VM");
    expect(entry.subject).toBe("web and worker's outgoing mail");
    const input = designInputFromYaml(yaml("ruby", "rails", mail, mail));
    const risk = (input.upstream.audit as AuditResult).risks.find((r) => r.title === OUTBOUND_MAIL_RISK);
    expect(risk?.evidence).toEqual([
      "services.web.outboundMail: local-mta (Rails' default, postfix on the VM)",
      "services.worker.outboundMail: local-mta (Rails' default, postfix on the VM)",
    ]);
    expect(risk?.businessImpact).toContain("(postfix, which stays on the VM)");
  });

  it("a development mail catcher: a risk of its own (mail never leaves), traced to the same decision", () => {
    const mail =
      ", env: [EMAIL_HOST, EMAIL_PORT], outboundMail: { via: dev-catcher, settings: [EMAIL_HOST, EMAIL_PORT] }";
    const input = designInputFromYaml(yaml("python", "django", mail));
    const risks = (input.upstream.audit as AuditResult).risks;
    expect(risks.some((r) => r.title === OUTBOUND_MAIL_RISK)).toBe(false);
    const risk = risks.find((r) => r.title === DEV_MAIL_CATCHER_RISK);
    expect(risk?.affects).toEqual(["web"]);
    expect(risk?.businessImpact).toContain("delivers none");
    const result = designResultSchema.parse(designPhase.offline(input));
    const entry = mailEntries(result)[0]!;
    expect(entry.reason).toContain("to a development mail catcher");
    expect(entry.reason).toContain("delivers nothing");
    expect(result.riskTrace.find((t) => t.riskId === risk!.id)?.element).toBe("needs a decision: web's outgoing mail");
  });

  it("the summary names what each open decision is about, not only whose it is", () => {
    const mail = ", env: [MAIL_MAILER], outboundMail: { via: sendmail, settings: [MAIL_MAILER] }";
    const result = design("php", "laravel", mail);
    expect(result.summary).toContain(
      "Decide before the cut-over: web's outgoing mail (options and costs in architecture.md).",
    );
  });
});
