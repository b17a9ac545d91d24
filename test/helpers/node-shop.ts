// A Node app on one VM with PostgreSQL; `extra` adds inventory service lines (a oneshot unit…)
// between the API and the database: what the run-once tests start from.
export const NODE_APP = (extra: string) => `
apiVersion: infra-migrate/v1
kind: Inventory
metadata: { name: shop }
host: { hostname: shop-01, os: Ubuntu 24.04 LTS }
services:
  - { name: api, role: web, software: node, runtime: node, command: "/usr/bin/node server.js", listen: ["127.0.0.1:3000"], dependsOn: [postgres], env: [DATABASE_URL] }
${extra}
  - { name: postgres, role: database, software: postgres, listen: ["127.0.0.1:5432"] }
data:
  - { service: postgres, engine: postgres, backups: daily }
deploy: { method: ssh-systemctl, rollback: none }
target: { cloud: gcp, project: shop-prod, region: europe-west1, service: shop, github: acme/shop }
`;
