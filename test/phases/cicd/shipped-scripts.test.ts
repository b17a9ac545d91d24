// Scripts the phases write exactly as they ship are not checked again on each run
// (src/validate/shipped-scripts.ts, SHIPPED_SCRIPTS): this file is where they are checked, with the
// real ShellCheck, and where a new static script under templates/ must be named.
import { readdirSync } from "node:fs";
import path from "node:path";
import { describe, expect, it } from "vitest";
import { validateCicd } from "../../../src/phases/cicd/validate.js";
import { validateLlmops } from "../../../src/phases/llmops/validate.js";
import { validateObserve } from "../../../src/phases/observe/validate.js";
import type { Artifact } from "../../../src/write/plan.js";
import { SHIPPED_SCRIPTS, scriptsToCheck } from "../../../src/validate/shipped-scripts.js";
import { templatesDir, templateText } from "../../../src/render/templates.js";
import { findShellcheck, shellcheck } from "../../../src/validate/shellcheck.js";

const hasShellcheck = (await findShellcheck()) !== undefined;
if (!hasShellcheck)
  console.warn("skipping shipped-scripts' ShellCheck cases: shellcheck not installed (apt-get install -y shellcheck)");

/** Every `.sh` file under templates/ (the `.sh.hbs` ones are rendered, so checked on each run). */
function staticScripts(dir = templatesDir(), rel = ""): string[] {
  return readdirSync(dir, { withFileTypes: true }).flatMap((entry) => {
    const child = rel ? `${rel}/${entry.name}` : entry.name;
    if (entry.isDirectory()) return staticScripts(path.join(dir, entry.name), child);
    return entry.name.endsWith(".sh") ? [child] : [];
  });
}

describe("scripts shipped as they are", () => {
  it("every static script under templates/ is listed, or is the VM-side read script (test/detect/ssh-host.test.ts)", () => {
    expect(staticScripts().sort()).toEqual([...SHIPPED_SCRIPTS, "host/read-host.sh"].sort());
  });

  it.skipIf(!hasShellcheck).each(SHIPPED_SCRIPTS)("%s passes ShellCheck", async (file) => {
    expect(await shellcheck(templateText(file))).toEqual([]);
  });

  it.skipIf(!hasShellcheck)("a script that differs from the shipped one by a line is checked on the run", async () => {
    const shipped = templateText("cicd/canary.sh");
    const file = { path: "scripts/deploy/canary.sh", kind: "shell" as const, executable: true };
    expect(await validateCicd([{ ...file, content: shipped }])).toEqual([]);
    const findings = await validateCicd([{ ...file, content: `${shipped}echo $unquoted_and_unset\n` }]);
    expect(findings.join("\n")).toMatch(/^scripts\/deploy\/canary\.sh:\d+:\d+ shellcheck SC2154/m);
  });

  it("leaves out of a run's ShellCheck exactly the scripts whose bytes are a shipped file's", () => {
    const shell = (path: string, content: string): Artifact => ({ path, kind: "shell", content });
    const shipped = SHIPPED_SCRIPTS.map((file) => shell(`scripts/${file}`, templateText(file)));
    const edited = SHIPPED_SCRIPTS.map((file) => shell(`edited/${file}`, `${templateText(file)}\n`));
    const text = { path: "notes.txt", kind: "text" as const, content: "echo $x\n" };
    expect(scriptsToCheck([...shipped, ...edited, text]).map((s) => s.file)).toEqual(edited.map((a) => a.path));
  });

  // The same rule in every phase that writes shell: a shipped library a setup script sources.
  it.skipIf(!hasShellcheck).each([
    ["cicd", "cicd/lib/vm-settings.sh", (a: Artifact[]) => validateCicd(a)],
    ["observe", "observe/lib/monitoring-api.sh", (a: Artifact[]) => validateObserve(a, "my-project")],
    ["llmops", "cicd/lib/vm-settings.sh", (a: Artifact[]) => validateLlmops(a)],
  ])("%s passes %s as shipped and checks it when it differs", async (_phase, template, validate) => {
    const file = { path: "scripts/lib/x.sh", kind: "shell" as const };
    expect(await validate([{ ...file, content: templateText(template) }])).toEqual([]);
    const findings = await validate([{ ...file, content: `${templateText(template)}echo $unquoted_and_unset\n` }]);
    expect(findings.join("\n")).toMatch(/^scripts\/lib\/x\.sh:\d+:\d+ shellcheck SC2154/m);
  });
});
