// Handlebars templates under templates/ (prompts and Markdown artifacts). One instance with our
// helpers; compiled templates are cached. Markdown output is not HTML: templates use {{…}} with
// `noEscape` and call the `md` helper where table cells need escaping.
import { readFile } from "node:fs/promises";
import path from "node:path";
import Handlebars from "handlebars";
import { packageRoot } from "../package-root.js";

const hbs = Handlebars.create();

hbs.registerHelper("json", (value: unknown) => JSON.stringify(value));
hbs.registerHelper("jsonPretty", (value: unknown) => JSON.stringify(value, null, 2));
hbs.registerHelper("eq", (a: unknown, b: unknown) => a === b);
hbs.registerHelper("join", (list: unknown, sep: unknown) => (Array.isArray(list) ? list.join(typeof sep === "string" ? sep : ", ") : ""));
hbs.registerHelper("inc", (n: unknown) => Number(n) + 1);
/** Escape text for a Markdown table cell: pipes and newlines would break the row. */
hbs.registerHelper("md", (value: unknown) => mdCell(String(value ?? "")));

export function mdCell(text: string): string {
  return text.replace(/\\/g, "\\\\").replace(/\|/g, "\\|").replace(/\r?\n/g, " ").replace(/</g, "&lt;").trim();
}

const compiled = new Map<string, Promise<Handlebars.TemplateDelegate>>();

export function templatesDir(): string {
  return path.join(packageRoot(), "templates");
}

/** Render templates/<relPath> with data. */
export async function renderTemplate(relPath: string, data: unknown): Promise<string> {
  let template = compiled.get(relPath);
  if (!template) {
    template = readFile(path.join(templatesDir(), relPath), "utf8").then((src) =>
      hbs.compile(src, { noEscape: true, strict: true }),
    );
    compiled.set(relPath, template);
  }
  return (await template)(data);
}
