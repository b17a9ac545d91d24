// `npm run build` precompiles templates/ (scripts/precompile-templates.mjs); a precompiled
// template is used only for the exact source it was compiled from.
import { createHash } from "node:crypto";
import { existsSync } from "node:fs";
import { createRequire } from "node:module";
import path from "node:path";
import { describe, expect, it } from "vitest";
import { compileTemplate, renderTemplateSync, templateText } from "../../src/render/templates.js";
import { ROOT } from "../helpers/phase-input.js";

const FILE = path.join(ROOT, "dist/templates.precompiled.cjs");
const built = existsSync(FILE);

describe("precompiled templates", () => {
  it("a source that differs from what was precompiled is compiled from the source", () => {
    const edited = compileTemplate("audit/risk-report.md.hbs", "edited after the build: {{name}} {{md cell}}");
    expect(edited({ name: "<b>", cell: "a|b" })).toBe("edited after the build: <b> a\\|b");
    // Strict, as every template: a missing field is an error, not an empty string.
    expect(() => compileTemplate("audit/risk-report.md.hbs", "{{missing}}")({})).toThrow(/missing/);
  });

  it.skipIf(!built)("every precompiled template renders what compiling its source renders", () => {
    const { templates } = createRequire(import.meta.url)(FILE) as { templates: Record<string, { sha256: string }> };
    const names = Object.keys(templates).filter((name) => !name.startsWith("partials/"));
    expect(names.length).toBeGreaterThan(10);
    // Data that has every field (strict mode), each a truthy value printing as "x", so every
    // branch taken on a truthy value renders, partials included. Every field is an own property,
    // as in real data: Handlebars refuses (and logs) a field it finds only on a prototype, which
    // rendered those fields as missing and printed ~150 "Access has been denied" warnings.
    const anything: object = new Proxy(function () {}, {
      has: () => true,
      get: (_, key) =>
        key === Symbol.toPrimitive || key === "toString" ? () => "x" : key === "toJSON" ? () => "x" : anything,
      getOwnPropertyDescriptor: (target, key) =>
        Reflect.getOwnPropertyDescriptor(target, key) ?? {
          value: anything,
          writable: true,
          enumerable: true,
          configurable: true,
        },
      ownKeys: () => ["prototype"],
    });
    const outcome = (render: () => string) => {
      try {
        return render();
      } catch (error) {
        return `threw ${(error as Error).message}`;
      }
    };
    outcome(() => renderTemplateSync(names[0]!, anything)); // registers the partials
    let rendered = 0;
    for (const name of names) {
      const text = templateText(name);
      expect(templates[name]!.sha256, name).toBe(createHash("sha256").update(text).digest("hex"));
      const viaBuild = outcome(() => compileTemplate(name, text)(anything));
      const fromSource = outcome(() => compileTemplate(name, `${text}{{!-- not the built one --}}`)(anything));
      expect(viaBuild, name).toBe(fromSource);
      if (!viaBuild.startsWith("threw")) rendered++;
    }
    expect(rendered).toBeGreaterThan(names.length / 2);
  });
});
