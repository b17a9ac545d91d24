// Rough model cost for the closing summary. List prices per 1M tokens (input, output) in USD,
// from https://ai.google.dev/gemini-api/docs/pricing (checked 2026-11); unknown models use the
// most expensive row so the estimate errs high.
import type { TokenUsage } from "./types.js";

const PRICES: { match: RegExp; input: number; output: number }[] = [
  { match: /flash-lite/, input: 0.1, output: 0.4 },
  { match: /flash/, input: 0.5, output: 3.0 },
  { match: /pro/, input: 2.0, output: 12.0 },
];

export function estimateModelCostUsd(model: string, usage: TokenUsage): number {
  if (usage.totalTokens === 0) return 0;
  const row = PRICES.find((p) => p.match.test(model)) ?? PRICES[PRICES.length - 1]!;
  return (usage.inputTokens * row.input + usage.outputTokens * row.output) / 1_000_000;
}
