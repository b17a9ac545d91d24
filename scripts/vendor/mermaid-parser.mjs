// Entry of dist/vendor/mermaid-parser.mjs (built by scripts/bundle-vendor.mjs): happy-dom's Window
// and Mermaid's self-contained ESM build, bundled so validation loads a few files instead of
// the ~1,200 modules `import("mermaid")` and `import("happy-dom")` resolve one by one.
export { Window } from "happy-dom";

/** Mermaid reads `window` while its modules load: call this only with the DOM shim installed. */
export async function importMermaid() {
  return (await import("mermaid/dist/mermaid.esm.min.mjs")).default;
}
