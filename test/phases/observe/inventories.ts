// Inventories beyond the bundled examples, so the observe rules are exercised across the field:
// a Node/BullMQ app on PostgreSQL with a cron job run by a lone engineer, and a Ruby worker with
// no web service at all.
export const NODE_BULLMQ = `
apiVersion: infra-migrate/v1
kind: Inventory
metadata: { name: shop-node }
services:
  - { name: web, role: web, software: node, runtime: node, framework: express, command: "node server.js", listen: ["0.0.0.0:3000"], dependsOn: [pg, redis] }
  - { name: jobs, role: worker, software: bullmq, runtime: node, command: "node worker.js", dependsOn: [redis, pg] }
  - { name: redis, role: broker, software: redis, listen: ["127.0.0.1:6379"] }
  - { name: pg, role: database, software: postgres, version: "15", listen: ["127.0.0.1:5432"] }
  - { name: report, role: cron, software: node, command: "node report.js", schedule: "*/30 * * * *" }
data: [{ service: pg, engine: postgres, version: "15", sizeGiB: 5, backups: daily }]
traffic: { peakRps: 3, growth: 2 }
team: { engineers: 1 }
target: { project: shop-node-prod, region: europe-west1 }
`;

export const RUBY_WORKER_ONLY = `
apiVersion: infra-migrate/v1
kind: Inventory
metadata: { name: ingest }
services:
  - { name: sidekiq, role: worker, software: sidekiq, runtime: ruby, command: "bundle exec sidekiq", dependsOn: [redis] }
  - { name: redis, role: broker, software: redis, listen: ["127.0.0.1:6379"] }
team: { engineers: 4 }
`;

// Designs with no Cloud Run service at all (found by mutating corpus inventories): a VM whose only
// processes are nginx and a database, and one whose only process is a mail listener (an open
// decision, not a service).
export const NO_PROCESS = `
apiVersion: infra-migrate/v1
kind: Inventory
metadata: { name: shop }
services:
  - { name: nginx, role: reverse-proxy, software: nginx, listen: ["0.0.0.0:80"] }
  - { name: db, role: database, software: postgres, listen: ["127.0.0.1:5432"] }
target: { project: shop-prod }
`;

export const MAIL_ONLY = `
apiVersion: infra-migrate/v1
kind: Inventory
metadata: { name: shop }
services:
  - { name: mail, role: web, software: postfix, protocols: [smtp], listen: ["0.0.0.0:25"] }
target: { project: shop-prod }
`;
