// A web server that forks workers (Laravel Octane --workers=4 --task-workers=2, Puma -w or
// WEB_CONCURRENCY) starts as many copies of the app on a Cloud Run instance of 1 vCPU and 1 GiB as
// it did on the VM's 4 CPUs and 8 GiB: the mapping says so and how to check it fits. Not for one
// worker per vCPU, Python servers (sized by their workers already) or PHP-FPM (php-memory.ts).
// The hand inventories laravel-octane and rails-sidekiq (WEB_CONCURRENCY carried) showed it.
import { describe, expect, it } from "vitest";
import { designPhase } from "../../../src/phases/design/index.js";
import { designResultSchema } from "../../../src/phases/design/schema.js";
import { designInputFromYaml } from "./design-input.js";

const changes = (web: string, env = "[APP_KEY]", plain = "[]") => {
  const yaml = `apiVersion: infra-migrate/v1
kind: Inventory
metadata: { name: quizlive }
host: { hostname: vm, cpus: 4, memoryGiB: 8 }
services:
  - { name: web, role: web, ${web}, listen: ["127.0.0.1:8000"], env: ${env}, plainEnv: ${plain} }
deploy: { method: other }
target: { project: quizlive-prod, region: us-central1, service: quizlive }
`;
  const r = designResultSchema.parse(designPhase.offline(designInputFromYaml(yaml)));
  return r.mapping.find((m) => m.service === "web")!.appChanges.join("\n");
};

describe("a server's own workers on a 1 vCPU instance", () => {
  it("Octane --workers=4 --task-workers=2: says the six copies must fit 1Gi", () => {
    const text = changes(
      'software: octane, runtime: php, framework: laravel, command: "php artisan octane:start --server=swoole --port=8000 --workers=4 --task-workers=2"',
    );
    expect(text).toContain(
      "web forks 4 request workers and 2 task workers (its command), sized for the VM's 4 CPUs and 8 GiB; quizlive has 1 vCPU and 1Gi",
    );
    expect(text).toContain("lower the count on the command to 1");
  });

  it("Puma with WEB_CONCURRENCY carried from the VM: says where to lower it", () => {
    const text = changes(
      'software: puma, runtime: ruby, framework: rails, command: "bundle exec puma -C config/puma.rb"',
      "[RAILS_ENV, WEB_CONCURRENCY, SECRET_KEY_BASE]",
      "[RAILS_ENV, WEB_CONCURRENCY]",
    );
    expect(text).toMatch(/WEB_CONCURRENCY, carried from the VM, is the worker count a forking server reads/);
    expect(text).toContain("give it 1 in deploy/cloud-run.env");
  });

  it("one worker, a Python server, PHP-FPM: nothing to say", () => {
    const none = /forks \d|WEB_CONCURRENCY, carried/;
    expect(changes('software: puma, runtime: ruby, command: "bundle exec puma -w 1"')).not.toMatch(none);
    expect(changes('software: gunicorn, runtime: python, command: "gunicorn app:app -w 4"')).not.toMatch(none);
    expect(changes('software: php-fpm, runtime: php, command: "php-fpm8.2 --nodaemonize"')).not.toMatch(none);
  });
});
