// DOMPurify as Mermaid's parser sees it in our validator bundle (scripts/bundle-vendor.mjs aliases
// `dompurify` to this module): every sanitize returns its input as a string, hooks are accepted
// and never run. Sanitising decides what a label shows in a browser, never whether a diagram
// parses; the real DOMPurify needs a DOM, and loading happy-dom for it, then sanitising every
// label through happy-dom's HTML parser, was most of the validator's cost (~250 ms of CPU of a
// first run of the example: load 370 → 160 ms, the example's three diagrams 220 → 180 ms).
// test/validate/mermaid-dom.test.ts checks that verdicts and error messages are the same as
// under happy-dom with the real DOMPurify; test/render/render-diagrams.test.ts renders in Chromium.
// Mermaid calls `addHook` and `sanitize` (11.17); the rest of DOMPurify's API is here so that a
// newer Mermaid calling more of it still parses, and its version is in the tool fingerprint.

type Hook = (...args: unknown[]) => unknown;

const purify = {
  isSupported: true,
  version: "identity",
  sanitize: (dirty: unknown): string => String(dirty ?? ""),
  addHook: (_entryPoint: string, _hook: Hook): void => undefined,
  removeHook: (_entryPoint: string): undefined => undefined,
  removeHooks: (_entryPoint: string): void => undefined,
  removeAllHooks: (): void => undefined,
  setConfig: (_config: unknown): void => undefined,
  clearConfig: (): void => undefined,
  isValidAttribute: (): boolean => true,
};

export default purify;
