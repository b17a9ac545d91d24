// A decision before it gets its ADR id and the risks it closes: the topic it settles and the
// element of the design it is about (both used to trace audit risks to decisions).
import type { Decision } from "../schema.js";

export type Topic =
  | "compute"
  | "warm"
  | "workers"
  | "ai"
  | "broker"
  | "database"
  | "cache"
  | "websockets"
  | "storage"
  | "uploads"
  | "edge"
  | "scheduling"
  | "delivery"
  | "identity"
  | "observability"
  /** Nothing runs on Cloud Run yet (rules/nothing-deploys.ts): it closes no risk. */
  | "open";
export type TopicDecision = Omit<Decision, "id" | "closesRisks"> & { topic: Topic; element: string };
