// Handlebars templates under templates/ (prompts and Markdown artifacts). One instance with our
// helpers; compiled templates are cached. Markdown output is not HTML: templates use {{…}} with
// `noEscape` and call the `md` helper where table cells need escaping.
import { createHash } from "node:crypto";
import { existsSync, readdirSync, readFileSync } from "node:fs";
import { createRequire } from "node:module";
import path from "node:path";
import Handlebars from "handlebars";
import { packageRoot } from "../package-root.js";

/** Compile options for templates and partials alike (scripts/precompile-templates.mjs uses the same). */
const OPTIONS = { noEscape: true, strict: true };

const hbs = Handlebars.create();

hbs.registerHelper("json", (value: unknown) => JSON.stringify(value));
hbs.registerHelper("jsonPretty", (value: unknown) => JSON.stringify(value, null, 2));
hbs.registerHelper("eq", (a: unknown, b: unknown) => a === b);
hbs.registerHelper("join", (list: unknown, sep: unknown) =>
  Array.isArray(list) ? list.join(typeof sep === "string" ? sep : ", ") : "",
);
hbs.registerHelper("inc", (n: unknown) => Number(n) + 1);
/** Escape text for a Markdown table cell: pipes and newlines would break the row. */
hbs.registerHelper("md", (value: unknown) => mdCell(String(value ?? "")));

export function mdCell(text: string): string {
  return text.replace(/\\/g, "\\\\").replace(/\|/g, "\\|").replace(/\r?\n/g, " ").replace(/</g, "&lt;").trim();
}

const compiled = new Map<string, Handlebars.TemplateDelegate>();
let partialsLoaded = false;

interface Precompiled {
  handlebars: string;
  options: typeof OPTIONS;
  templates: Record<string, { sha256: string; spec: TemplateSpecification }>;
}
type TemplateSpecification = Parameters<typeof hbs.template>[0];
let precompiled: Precompiled | null | undefined;

/**
 * `npm run build` precompiles templates/ (dist/templates.precompiled.cjs): a precompiled template
 * is used only while its source's sha256, the Handlebars version and the options match.
 */
export function compileTemplate(relPath: string, text: string): Handlebars.TemplateDelegate {
  if (precompiled === undefined) {
    const file = path.join(packageRoot(), "dist/templates.precompiled.cjs");
    precompiled = existsSync(file) ? (createRequire(import.meta.url)(file) as Precompiled) : null;
    if (
      precompiled &&
      (precompiled.handlebars !== Handlebars.VERSION || JSON.stringify(precompiled.options) !== JSON.stringify(OPTIONS))
    )
      precompiled = null;
  }
  const entry = precompiled?.templates[relPath];
  if (entry && entry.sha256 === createHash("sha256").update(text).digest("hex")) return hbs.template(entry.spec);
  return hbs.compile(text, { ...OPTIONS });
}

/** templates/partials/<name>.hbs → `{{> name}}` (e.g. the dry-run helpers every setup script shares). */
function loadPartials(): void {
  if (partialsLoaded) return;
  const dir = path.join(templatesDir(), "partials");
  for (const file of readdirSync(dir).filter((f) => f.endsWith(".hbs"))) {
    // Compiled here with the templates' options (a string partial would be compiled on first use).
    const rel = `partials/${file}`;
    hbs.registerPartial(file.replace(/(\.sh)?\.hbs$/, ""), compileTemplate(rel, templateText(rel)));
  }
  partialsLoaded = true;
}

export function templatesDir(): string {
  return path.join(packageRoot(), "templates");
}

/** The raw text of templates/<relPath> (files copied as they are, e.g. canary.sh). */
export function templateText(relPath: string): string {
  return readFileSync(path.join(templatesDir(), relPath), "utf8");
}

/** Render templates/<relPath> with data (templates are small and cached once compiled). */
export function renderTemplateSync(relPath: string, data: unknown): string {
  let template = compiled.get(relPath);
  if (!template) {
    loadPartials();
    template = compileTemplate(relPath, templateText(relPath));
    compiled.set(relPath, template);
  }
  return template(data);
}

/** Async form for phases whose render is async; same templates and helpers. */
export async function renderTemplate(relPath: string, data: unknown): Promise<string> {
  return renderTemplateSync(relPath, data);
}
