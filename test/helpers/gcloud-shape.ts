// A command's SHAPE: its argv with the names an inventory chose (services, env vars), temp-file
// paths and free text (display names, filter strings) replaced by fixed tokens, every flag and
// every other value kept. The same shape recurs in every inventory and for every process of one
// (svc-api-sa, svc-worker-sa…): gcloud parses one command per shape instead of each of them, and
// the test checks that every command's shape was parsed.

/** The names an inventory gives, which the generated commands use only as identifiers. */
export interface InventoryNames {
  /** Lower-case names: services (processes), data stores… */
  lower: string[];
  /** Env var names (secrets are named after them): UPPER_SNAKE, or as an app reads them (`database__connection__host`). */
  upper: string[];
}

/** Every `name:` value, every UPPER_SNAKE string and every snake_case `env` name anywhere in the inventory. */
export function inventoryNames(inventory: unknown): InventoryNames {
  const lower = new Set<string>();
  const upper = new Set<string>();
  const walk = (value: unknown, key?: string): void => {
    if (Array.isArray(value))
      value.forEach((v) => walk(v, key === "env" || key === "emptyEnv" || key === "plainEnv" ? "env" : undefined));
    else if (value && typeof value === "object") Object.entries(value).forEach(([k, v]) => walk(v, k));
    else if (typeof value === "string") {
      if (key === "name" && /^[a-z][a-z0-9-]*$/.test(value)) lower.add(value);
      // An underscore sets env var names apart from gcloud's own upper-case choices (CNAME, HTTPS).
      if (/^[A-Z][A-Z0-9]*_[A-Z0-9_]+$/.test(value)) upper.add(value);
      // Names keep the app's case (Ghost's nconf names): a lower-case env name is one too.
      else if (key === "env" && /^[A-Za-z][A-Za-z0-9]*_[A-Za-z0-9_]+$/.test(value)) upper.add(value);
    }
  };
  walk(inventory);
  // Longest first, so `api-v2` is replaced before `api`.
  const byLength = (a: string, b: string) => b.length - a.length;
  return { lower: [...lower].sort(byLength), upper: [...upper].sort(byLength) };
}

const escape = (s: string) => s.replace(/[.*+?^${}()|[\]\\]/g, "\\$&");

/**
 * The patterns of one InventoryNames, compiled once: an inventory's ~300-850 calls share them
 * (they were compiled for every call).
 */
const compiled = new WeakMap<InventoryNames, { lower: RegExp[]; upper: RegExp[] }>();
function patternsFor(names: InventoryNames): { lower: RegExp[]; upper: RegExp[] } {
  let patterns = compiled.get(names);
  if (!patterns) {
    patterns = {
      lower: names.lower.map(
        (n) => new RegExp(`(?<=-)${escape(n)}(?![a-z0-9])|(?<![a-z0-9./=_-])${escape(n)}(?=-)`, "g"),
      ),
      upper: names.upper.map((n) => new RegExp(`(?<![A-Za-z0-9_])${escape(n)}(?![A-Za-z0-9_])`, "g")),
    };
    compiled.set(names, patterns);
  }
  return patterns;
}

/**
 * The shape key of one argv. A lower-case name is replaced only where it is joined to another part
 * of a name by a hyphen (`svc-worker-sa`), never alone or in a dotted or slashed value, so an enum
 * value or role (`--tier=standard`, `roles/redis.viewer`) that happens to equal a service's name
 * keeps its own shape.
 */
export function commandShape(argv: string[], names: InventoryNames): string {
  const { lower, upper } = patternsFor(names);
  const words = argv.map((word, i) => {
    // A file gcloud reads: its path is a placeholder by the time gcloud sees it (gcloud-check.ts).
    if (/^--[a-z-]+-from-file=/.test(word) || /^--data-file=(?!-$)/.test(word)) return word.replace(/=.*$/, "=FILE");
    if (/^--[a-z-]+-from-file$/.test(argv[i - 1] ?? "")) return "FILE";
    // Free text: what a person reads, never parsed by gcloud beyond being a string.
    if (/^--(display-name|description)=/.test(word)) return word.replace(/=.*$/, "=TEXT");
    if (/^--(display-name|description)$/.test(argv[i - 1] ?? "")) return "TEXT";
    let w = word.replace(/\/tmp\/tmp\.[A-Za-z0-9]+/g, "/tmp/tmp.X").replace(/"[^"]*"/g, '"TEXT"');
    // A pattern can only match where its name occurs: the plain substring test skips the rest.
    names.lower.forEach((n, k) => w.includes(n) && (w = w.replace(lower[k]!, "name")));
    names.upper.forEach((n, k) => w.includes(n) && (w = w.replace(upper[k]!, "ENV_NAME")));
    return w;
  });
  return JSON.stringify(words);
}
