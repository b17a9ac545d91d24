// ESLint: typescript-eslint's recommended rules (syntax only, no type information: fast) plus the
// package rules of README "Development": only src/cli talks to a person (commander, inquirer,
// chalk), only src/model/gemini*.ts talks to Gemini (@google/genai). Static imports and lazy
// `import()` are both checked. Folder boundaries and import cycles are checked on resolved paths
// by dependency-cruiser (.dependency-cruiser.cjs); both run in `npm run lint`, part of `npm test`.
import js from "@eslint/js";
import globals from "globals";
import tseslint from "typescript-eslint";

const RULES = {
  terminal: {
    packages: ["commander", "inquirer", "@inquirer/*", "chalk"],
    message: "Only src/cli talks to a person: the engine returns reports, the CLI prints them.",
  },
  gemini: {
    packages: ["@google/genai", "@google/genai/*"],
    message: "Only src/model/gemini*.ts imports @google/genai: everything else uses the ModelClient interface.",
  },
};

/** no-restricted-imports for `import … from`, no-restricted-syntax for `await import(…)`. */
function forbid(...rules) {
  const patterns = rules.map((rule) => ({ group: rule.packages, message: rule.message }));
  const dynamic = rules.map((rule) => ({
    // esquery's regex cannot hold a `/`, so the scope separator is matched by `.`.
    selector: `ImportExpression[source.value=/^(${rule.packages.map((p) => p.replace("/*", "/.+").replaceAll("/", ".")).join("|")})$/]`,
    message: rule.message,
  }));
  return {
    "no-restricted-imports": patterns.length ? ["error", { patterns }] : "off",
    "no-restricted-syntax": dynamic.length ? ["error", ...dynamic] : "off",
  };
}

export default tseslint.config(
  {
    ignores: [
      "dist/",
      "node_modules/",
      "examples/",
      "coverage/",
      "test/fixtures/repos/",
      "test/fixtures/hosts/",
      "test/fixtures/real/",
    ],
  },
  js.configs.recommended,
  ...tseslint.configs.recommended,
  {
    languageOptions: { globals: { ...globals.node } },
    rules: {
      // TypeScript files: the type check's noUnusedLocals/noUnusedParameters (tsconfig.json) report
      // unused names instead, in the checker that already resolved every scope; this rule's own
      // scope analysis was ~40 % of the lint's time. It stays for the JavaScript files below.
      "@typescript-eslint/no-unused-vars": "off",
      "@typescript-eslint/consistent-type-imports": ["error", { fixStyle: "inline-type-imports" }],
      "@typescript-eslint/ban-ts-comment": ["error", { "ts-ignore": "allow-with-description" }],
      // Off on purpose. Control characters: we match them to strip or refuse them in model text.
      // Escapes such as `\/` in a character class: these patterns are published in the JSON
      // schemas and hashed into response-cache keys, so rewriting them would invalidate caches.
      "no-control-regex": "off",
      "no-useless-escape": "off",
      ...forbid(RULES.terminal, RULES.gemini),
    },
  },
  {
    // Not type-checked, so unused names are ESLint's to find (a leading _ marks one kept on purpose,
    // as TypeScript's noUnusedParameters has it).
    files: ["**/*.{js,mjs,cjs}"],
    rules: {
      "@typescript-eslint/no-unused-vars": [
        "error",
        {
          argsIgnorePattern: "^_",
          varsIgnorePattern: "^_",
          destructuredArrayIgnorePattern: "^_",
          ignoreRestSiblings: true,
        },
      ],
    },
  },
  { files: ["src/cli/**"], rules: forbid(RULES.gemini) },
  { files: ["src/model/gemini*.ts"], rules: forbid(RULES.terminal) },
  {
    // Tests drive the CLI and the SDK on purpose (the fake Gemini server, the wizard's prompter).
    files: ["test/**", "bench/**", "scripts/**"],
    rules: { ...forbid(), "@typescript-eslint/no-explicit-any": "off" },
  },
);
