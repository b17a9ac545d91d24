// zod's JIT generates and compiles a parser for each object schema on its first parse (with
// `new Function`): worth it for a schema parsed thousands of times in one process, a loss for a
// CLI run that parses each schema a few times (the example's monitoring files: 54 → 35 ms of CPU
// to check without it). Passed to `safeParse` where a run parses big schemas: same results.
export const PARSE_ONCE = { jitless: true } as const;
