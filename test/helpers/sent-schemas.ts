// The schema every registered phase sends to Gemini for an inventory, built the way the pipeline
// builds it (the phase's own array limits, upstream answers from the offline rules). A phase added
// to the registry is covered without touching the tests that use this.
import { readdirSync } from "node:fs";
import path from "node:path";
import { z } from "zod";
import { toResponseSchema } from "../../src/model/response-schema.js";
import { PHASE_IDS, loadPhase, type PhaseId } from "../../src/phases/registry.js";
import { offlineAnswers } from "./phase-answers.js";
import { inputFromFile, ROOT } from "./phase-input.js";

/** Every examples/<name>/inventory.yaml. */
export const EXAMPLE_INVENTORIES: { name: string; file: string }[] = readdirSync(path.join(ROOT, "examples"))
  .map((name) => ({ name, file: path.join(ROOT, "examples", name, "inventory.yaml") }))
  .filter(({ name }) => readdirSync(path.join(ROOT, "examples", name)).includes("inventory.yaml"))
  .sort((a, b) => a.name.localeCompare(b.name));

export interface SentSchema {
  phase: PhaseId;
  /** What goes out as responseJsonSchema. */
  sent: Record<string, unknown>;
  /** The zod schema's own JSON Schema (before sanitising), where the authored descriptions are. */
  authored: Record<string, unknown>;
  /** The offline answer for this inventory (what the sent schema must still accept). */
  offline: unknown;
}

export async function sentSchemas(inventoryFile: string): Promise<SentSchema[]> {
  const answers = await offlineAnswers(inventoryFile, "/nonexistent");
  const out: SentSchema[] = [];
  for (const phase of PHASE_IDS) {
    const definition = await loadPhase(phase);
    const upstream = Object.fromEntries(definition.dependsOn.map((d) => [d, answers[d]]));
    const input = inputFromFile(inventoryFile, {}, upstream);
    // What the model is asked for: the part of the result it answers, when the rules fill the rest.
    const schema = definition.modelAnswer?.schema ?? definition.resultSchema;
    out.push({
      phase,
      sent: toResponseSchema(schema, definition.responseLimits?.(input)),
      authored: z.toJSONSchema(schema, { io: "input", unrepresentable: "any" }) as Record<string, unknown>,
      offline: answers[phase],
    });
  }
  return out;
}

/** Paths of every property (at any depth) that has no description of its own. */
export function undescribedFields(schema: unknown, at = "#"): string[] {
  if (!schema || typeof schema !== "object" || Array.isArray(schema)) return [];
  const node = schema as Record<string, unknown>;
  const found: string[] = [];
  for (const [name, child] of Object.entries((node.properties ?? {}) as Record<string, unknown>)) {
    const where = `${at}/${name}`;
    if (typeof (child as { description?: unknown }).description !== "string") found.push(where);
    found.push(...undescribedFields(child, where));
  }
  for (const key of ["items", "additionalProperties"]) found.push(...undescribedFields(node[key], `${at}/${key}`));
  for (const key of ["anyOf", "oneOf", "prefixItems", "allOf"])
    ((node[key] as unknown[] | undefined) ?? []).forEach((c, i) =>
      found.push(...undescribedFields(c, `${at}/${key}/${i}`)),
    );
  return found;
}
