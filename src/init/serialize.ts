// The two files a person will read and edit, written with the yaml Document API so they carry
// comments: a schema modeline for editor completion, and a line per section saying what it means.
import { Document, Scalar, isMap, isScalar, isSeq, visit, type Pair } from "yaml";
import type { Config } from "../config/config.js";
import type { InventoryInput } from "../inventory/schema.js";

/** The JSON Schema's copy init writes into the user's repository, beside its other state. */
export const INVENTORY_SCHEMA_COPY = ".infra-migrate/inventory.schema.json";
/**
 * Where editors find it: relative to the inventory (yaml-language-server resolves a relative
 * modeline path from the file's folder), so it works without node_modules or a network.
 */
export const INVENTORY_SCHEMA_REF = `./${INVENTORY_SCHEMA_COPY}`;

const INVENTORY_HEADER = [
  ` yaml-language-server: $schema=${INVENTORY_SCHEMA_REF}`,
  " What runs on the VM today and where it should go. Written by `infra-migrate init` from your",
  " answers; this file is yours: edit it freely (init will not overwrite your edits without --force).",
  " Format: inventory v1 (see the README). Secrets never belong here: `env` lists variable names only.",
].join("\n");

const SECTION_COMMENTS: Record<string, string> = {
  host: " The machine today: its size and monthly cost (the cost estimate compares the new setup with it)",
  services:
    " One entry per process. role: reverse-proxy | web | worker | scheduler | database | cache | broker | cron | other\n" +
    ' listen: "host:port"; dependsOn: names of other services; env: variable NAMES (e.g. DATABASE_URL)',
  data: " Data stores to migrate. backups: none | manual | daily | continuous",
  deploy:
    " method: ssh-systemctl | ssh-script | manual | ci-ssh | containers | other; rollback: none | manual | automatic",
  traffic: " growth: the multiple of today's traffic the new design must carry",
  team: " Who will run the new setup (it decides how much operational work the design may ask for)",
  target:
    " Where it goes: GCP project and region, the Cloud Run service, and the GitHub repository\n the deploy workflow authenticates from (Workload Identity Federation, no keys)",
  llm: " Optional: drives the llmops phase (an async Vertex AI worker behind Cloud Tasks)",
};

/** Short lists of scalars read best inline: `listen: ["0.0.0.0:80", "0.0.0.0:443"]`. */
function flowScalarLists(doc: Document): void {
  visit(doc, {
    Seq(_key, node) {
      if (!node.items.every((item) => isScalar(item))) return;
      node.flow = true;
      for (const item of node.items)
        if (isScalar(item) && typeof item.value === "string") item.type = Scalar.QUOTE_DOUBLE;
    },
  });
}

export function serializeInventory(inventory: InventoryInput): string {
  const doc = new Document(inventory);
  doc.commentBefore = INVENTORY_HEADER;
  flowScalarLists(doc);
  if (isMap(doc.contents)) {
    for (const pair of doc.contents.items as Pair[]) {
      const key = isScalar(pair.key) ? String(pair.key.value) : "";
      const comment = SECTION_COMMENTS[key];
      if (comment && isScalar(pair.key)) {
        pair.key.commentBefore = comment;
        pair.key.spaceBefore = true;
      }
      if (key === "services" && isSeq(pair.value)) {
        // A blank line between services keeps a long list scannable.
        pair.value.items.forEach((item, i) => {
          if (i > 0 && isMap(item)) item.spaceBefore = true;
        });
      }
    }
  }
  return doc.toString({ lineWidth: 0, flowCollectionPadding: false });
}

const CONFIG_HEADER = [
  " Defaults for every infra-migrate command run in this folder (and for the CI job).",
  " Precedence: flag > environment (INFRA_MIGRATE_*) > this file > built-in default.",
  " Other keys: model (Gemini model id), timeoutSeconds, out, phases.audit.top, phases.llmops.workerDir.",
].join("\n");

export function serializeConfig(config: Config): string {
  const doc = new Document(config);
  doc.commentBefore = CONFIG_HEADER;
  if (isMap(doc.contents)) {
    for (const pair of doc.contents.items as Pair[]) {
      if (!isScalar(pair.key)) continue;
      if (pair.key.value === "provider") {
        pair.key.commentBefore =
          " auto: Gemini when GEMINI_API_KEY (or Vertex AI env) is set, else offline expert rules; replay: cache only";
      }
    }
  }
  return doc.toString({ lineWidth: 0 });
}
