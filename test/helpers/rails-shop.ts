// A Rails shop on one VM (Puma, Sidekiq, a cron runner, Redis, MySQL): the inventory cicd tests
// about what the deploy looks up and grants start from.
export const RAILS_SHOP = `apiVersion: infra-migrate/v1
kind: Inventory
metadata: { name: shop }
host: { hostname: vm, os: "Ubuntu 22.04" }
services:
  - { name: web, role: web, software: puma, runtime: ruby, framework: rails, command: "bundle exec puma -C config/puma.rb",
      listen: ["127.0.0.1:3000"], dependsOn: [db], env: [DB_HOST, DB_PORT, DB_USERNAME, DB_PASSWORD, SECRET_KEY_BASE] }
  - { name: sidekiq, role: worker, software: sidekiq, runtime: ruby, framework: rails, command: "bundle exec sidekiq",
      dependsOn: [db, redis], env: [DB_HOST, DB_PORT, DB_USERNAME, DB_PASSWORD, REDIS_URL] }
  - { name: digest, role: cron, software: cron, runtime: ruby, command: "bin/rails runner Digest.send_all",
      schedule: "0 6 * * *", dependsOn: [db] }
  - { name: redis, role: cache, software: redis, listen: ["127.0.0.1:6379"] }
  - { name: db, role: database, software: mysql, listen: ["127.0.0.1:3306"] }
data:
  - { service: db, engine: mysql, version: "8.0", sizeGiB: 5, backups: daily }
deploy: { method: ssh-systemctl }
target: { project: shop-prod, region: europe-west1, service: shop, github: acme/shop }
`;
