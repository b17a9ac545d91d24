// The import rules are lint errors: the ESLint config really rejects what README "Development"
// forbids (and accepts what it allows), for static imports and lazy import() alike.
import { ESLint } from "eslint";
import path from "node:path";
import { describe, expect, it } from "vitest";
import { ROOT } from "./helpers/phase-input.js";

const eslint = new ESLint({ cwd: ROOT });
const lint = async (file: string, code: string) =>
  (await eslint.lintText(code, { filePath: path.join(ROOT, file) }))[0]!.messages.map((m) => m.ruleId);

describe("lint: import rules", () => {
  it.each([
    ["src/write/x.ts", 'import chalk from "chalk";\nexport const c = chalk;\n'],
    ["src/engine/x.ts", 'export const load = () => import("inquirer");\n'],
    ["src/phases/audit/x.ts", 'import { Command } from "commander";\nexport const c = Command;\n'],
    ["src/cli/x.ts", 'export const load = () => import("@google/genai");\n'],
    ["src/model/offline-x.ts", 'import { GoogleGenAI } from "@google/genai";\nexport const g = GoogleGenAI;\n'],
  ])("%s may not import that", async (file, code) => {
    expect((await lint(file, code)).some((rule) => rule?.startsWith("no-restricted-"))).toBe(true);
  });

  it.each([
    ["src/cli/x.ts", 'import chalk from "chalk";\nexport const c = chalk;\n'],
    ["src/model/gemini-x.ts", 'export const load = () => import("@google/genai");\n'],
    ["src/engine/x.ts", 'export const load = () => import("zod");\n'],
  ])("%s may", async (file, code) => {
    expect(await lint(file, code)).toEqual([]);
  });
});

describe("README Development", () => {
  it("names every folder under src/", async () => {
    const { readFileSync, readdirSync } = await import("node:fs");
    const readme = readFileSync(path.join(ROOT, "README.md"), "utf8");
    const section = readme.slice(readme.indexOf("## Development"), readme.indexOf("### Benchmarks"));
    const folders = readdirSync(path.join(ROOT, "src"), { withFileTypes: true }).filter((e) => e.isDirectory());
    for (const folder of folders) expect(section, folder.name).toContain(`src/${folder.name}/`);
  });
});
