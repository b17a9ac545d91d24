// Entry of dist/vendor/mermaid-parser.mjs (built by scripts/bundle-vendor.mjs): Mermaid's core ESM
// build and its dependencies (d3, dagre, …) bundled so validation loads a few files instead of the
// hundreds of modules `import("mermaid")` resolves one by one, with `dompurify` replaced by
// dist/validate/purify-stub.js (see there why): no DOM is needed to load or parse.
export async function importMermaid() {
  return (await import("mermaid/dist/mermaid.core.mjs")).default;
}
