// A hand inventory: a Node API and Keycloak, each with its own database on one PostgreSQL server
// (the API reads DATABASE_URL, Keycloak KC_DB_URL, KC_DB_USERNAME and KC_DB_PASSWORD). With
// `databases`, data[0].databases names which database each uses; without it, the design must say
// they may be two. generated-commands.test.ts runs its scripts in the gcloud sandbox.
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import os from "node:os";
import path from "node:path";

export function serverDatabasesYaml(databases = true): string {
  return `apiVersion: infra-migrate/v1
kind: Inventory
metadata: { name: portal, description: "Node API and Keycloak, each with its database on one PostgreSQL server" }
host: { hostname: portal-vm, os: "Debian 12", cpus: 4, memoryGiB: 8 }
services:
  - name: nginx
    role: reverse-proxy
    software: nginx
    listen: ["0.0.0.0:443", "0.0.0.0:80"]
    dependsOn: [api, keycloak]
    routes:
      - { path: /api/, service: api }
      - { path: /auth/, service: keycloak }
  - name: api
    role: web
    software: node
    runtime: node
    framework: express
    packageManager: npm
    command: node dist/index.js
    listen: ["127.0.0.1:4000"]
    dependsOn: [postgres, keycloak]
    env: [DATABASE_URL, KEYCLOAK_URL, KEYCLOAK_CLIENT_SECRET, NODE_ENV]
  - name: keycloak
    role: web
    software: keycloak
    version: "24.0"
    runtime: java
    command: /opt/keycloak/bin/kc.sh start --optimized --http-port=8080 --http-relative-path=/auth
    listen: ["127.0.0.1:8080"]
    dependsOn: [postgres]
    env: [KC_DB, KC_DB_URL, KC_DB_USERNAME, KC_DB_PASSWORD, KC_HOSTNAME, KEYCLOAK_ADMIN_PASSWORD]
  - { name: postgres, role: database, software: postgres, version: "15", listen: ["127.0.0.1:5432"] }
data:
  - service: postgres
    engine: postgres
    version: "15"
    sizeGiB: 15
    backups: daily
${databases ? "    databases:\n      - { name: portal, services: [api] }\n      - { name: keycloak, services: [keycloak] }\n" : ""}deploy: { method: ssh-systemctl, durationMinutes: 15, perWeek: 3, rollback: manual, downtime: true }
traffic: { peakRps: 80, averageRps: 20, growth: 10 }
team: { engineers: 2, kubernetes: false }
target: { project: portal-prod, region: us-east1, service: portal, github: acme/portal }
`;
}

export function serverDatabasesInventory(): { file: string; dispose: () => void } {
  const dir = mkdtempSync(path.join(os.tmpdir(), "im-server-databases-"));
  const file = path.join(dir, "inventory.yaml");
  writeFileSync(file, serverDatabasesYaml());
  return { file, dispose: () => rmSync(dir, { recursive: true, force: true }) };
}
