// Types for mutation-run.mjs (a plain JS module so bench/mutate-corpus.mjs can import it unbuilt).

export interface Applied {
  name: string;
  said: string;
  /** The key path a breaking mutation broke: the input error must name it. */
  breaks?: string;
}

export interface CaseResult {
  seed: number;
  source: string;
  /** The mutated inventory, kept for a replay. */
  file: string;
  mutations: Applied[];
  /** ok: every phase ran and its files parse; rejected: a clear input error (exit 2); bug: anything else. */
  verdict: "ok" | "rejected" | "bug";
  error?: string;
  details?: string[];
}

export interface CaseOptions {
  file: string;
  repo?: string;
  seed: number;
  count?: number;
  only?: string[];
  dir: string;
  validate?: boolean;
}

/** The pipeline's modules, from src/ or dist/. */
export type Engine = Record<string, unknown>;

export function runCase(engine: Engine, c: CaseOptions): Promise<CaseResult>;
export function groupFailures(cases: CaseResult[]): [string, CaseResult[]][];
