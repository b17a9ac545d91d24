// Evidence honesty: a finding cites only what the inventory (or init's detection) says. A value
// nobody gave — a schema default (`backups: none`) or a rule's stand-in (30-minute deploys) — is
// listed as an assumption, and a risk whose trigger is an assumption says so in its title.
import { isAssumed } from "../../inventory/assumed.js";
import type { Inventory } from "../../inventory/schema.js";
import type { DraftRisk } from "./draft-risk.js";

/** `deploy.durationMinutes: 30` or the like, tagged: a fact from the inventory, or a stand-in. */
export interface Cited {
  text: string;
  assumed: boolean;
}

/** A value from the inventory, cited as evidence unless its provenance says it was assumed. */
export function cite(inv: Inventory, path: string, value: unknown): Cited {
  return { text: `${path}: ${String(value)}`, assumed: isAssumed(inv, path) };
}

/** A value the rule needs but the inventory lacks: shown with the stand-in the rule used. */
export function standIn(path: string, value: unknown): Cited {
  return { text: `${path}: ${String(value)} (not in your inventory)`, assumed: true };
}

/** Splits cited lines into the risk's evidence and assumptions. */
export function evidenceOf(lines: (Cited | string)[]): Pick<DraftRisk, "evidence" | "assumptions"> {
  const cited = lines.map((l) => (typeof l === "string" ? { text: l, assumed: false } : l));
  const assumptions = cited.filter((c) => c.assumed).map((c) => c.text);
  return {
    evidence: cited.filter((c) => !c.assumed).map((c) => c.text),
    ...(assumptions.length ? { assumptions } : {}),
  };
}

/** A risk triggered by an assumed value: its title says so, and it is one step less likely. */
export function restingOnAssumption(draft: DraftRisk, assumed: boolean): DraftRisk {
  if (!assumed) return draft;
  const lower = { "almost-certain": "likely", likely: "possible", possible: "unlikely", unlikely: "unlikely" } as const;
  return { ...draft, title: `${draft.title} (assumed: not in your inventory)`, likelihood: lower[draft.likelihood] };
}

const KEY_PATH = /^([A-Za-z]+(?:\[[^\]]+\])?(?:\.[A-Za-z]+(?:\[[^\]]+\])?)*)\s*:/;

/**
 * A model's answer may cite a default as evidence: any evidence line whose key path the inventory
 * marks as assumed moves to the risk's assumptions.
 */
export function moveAssumedEvidence<T extends { evidence: string[]; assumptions?: string[] }>(
  inv: Inventory,
  risk: T,
): T {
  const moved = risk.evidence.filter((line) => {
    const path = KEY_PATH.exec(line)?.[1];
    return path !== undefined && isAssumed(inv, path);
  });
  if (moved.length === 0) return risk;
  return {
    ...risk,
    evidence: risk.evidence.filter((line) => !moved.includes(line)),
    assumptions: [...(risk.assumptions ?? []), ...moved],
  };
}
