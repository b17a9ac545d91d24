// Handlebars templates under templates/ (prompts and Markdown artifacts). One instance with our
// helpers; compiled templates are cached. Markdown output is not HTML: templates use {{…}} with
// `noEscape` and call the `md` helper where table cells need escaping.
import { readdirSync, readFileSync } from "node:fs";
import path from "node:path";
import Handlebars from "handlebars";
import { packageRoot } from "../package-root.js";

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

/** templates/partials/<name>.hbs → `{{> name}}` (e.g. the dry-run helpers every setup script shares). */
function loadPartials(): void {
  if (partialsLoaded) return;
  const dir = path.join(templatesDir(), "partials");
  for (const file of readdirSync(dir).filter((f) => f.endsWith(".hbs"))) {
    hbs.registerPartial(file.replace(/(\.sh)?\.hbs$/, ""), readFileSync(path.join(dir, file), "utf8"));
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
    template = hbs.compile(templateText(relPath), { noEscape: true, strict: true });
    compiled.set(relPath, template);
  }
  return template(data);
}

/** Async form for phases whose render is async; same templates and helpers. */
export async function renderTemplate(relPath: string, data: unknown): Promise<string> {
  return renderTemplateSync(relPath, data);
}
