// Types for inventory-mutations.mjs (plain JS so bench/mutate-corpus.mjs can import it unbuilt).
import type { Applied } from "./mutation-run.mjs";

export function rngFor(seed: number): {
  next(): number;
  int(lo: number, hi: number): number;
  pick<T>(items: readonly T[]): T;
};
export const VALID_MUTATIONS: Record<string, unknown>;
export const MUTATIONS: Record<string, unknown>;
export function renameReferences(inv: unknown, from: string, to: string | undefined): void;
export function mutate(
  inventory: unknown,
  seed: number,
  options?: { count?: number; only?: string[] },
): { inventory: Record<string, unknown>; applied: Applied[] };
