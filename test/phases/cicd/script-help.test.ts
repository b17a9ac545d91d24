// `--help` of every generated setup script prints its header comment, whole and alone. The headers
// hold conditional lines (a database's settings, held services, Memorystore…), so a fixed line
// range printed a header cut short or ran into the code below it.
import { mkdirSync, mkdtempSync, rmSync, symlinkSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { execa } from "execa";
import { afterAll, describe, expect, it } from "vitest";
import { EXAMPLE } from "../../helpers/chain.js";
import { renderOffline } from "../../helpers/offline-output.js";
import { ROOT } from "./fixtures.js";

const dir = mkdtempSync(path.join(tmpdir(), "script-help-"));
afterAll(() => rmSync(dir, { recursive: true, force: true }));
// The PATH the scripts run with: awk and sed, and a gcloud, gh and ssh that fail loudly if called.
const bin = path.join(dir, "bin");
mkdirSync(bin);
for (const tool of ["awk", "sed"]) symlinkSync(`/usr/bin/${tool}`, path.join(bin, tool));
for (const tool of ["gcloud", "gh", "ssh"])
  writeFileSync(path.join(bin, tool), `#!/bin/sh\necho "${tool} called" >&2\nexit 97\n`, { mode: 0o755 });

/** Line 2 up to the first line that is not a comment: what a reader of the file sees as its header. */
function header(content: string): string {
  const lines = content.split("\n").slice(1);
  const end = lines.findIndex((line) => !line.startsWith("#"));
  return lines.slice(0, end).join("\n");
}

const REAL = (app: string) => path.join(ROOT, "test/fixtures/real", app, "inventory.yaml");

describe("setup scripts' --help", () => {
  // The example (with its AI worker), apps whose setup-database.sh names several settings or
  // databases, one with Memorystore and one with held services.
  it.each([EXAMPLE("seed-vm"), REAL("mastodon"), REAL("chatwoot"), REAL("twenty"), REAL("netbox"), REAL("odoo")])(
    "%s: each script prints its whole header and nothing else, before any gcloud call",
    async (inventory) => {
      const { artifacts } = await renderOffline(inventory);
      // Every file where the run writes it: a script sources its neighbours (scripts/lib/…).
      const out = mkdtempSync(path.join(dir, "out-"));
      for (const a of artifacts) {
        mkdirSync(path.dirname(path.join(out, a.path)), { recursive: true });
        writeFileSync(path.join(out, a.path), a.content);
      }
      const scripts = artifacts.filter((a) => a.path.endsWith(".sh") && /^\s+-h \| --help\)/m.test(a.content));
      expect(scripts.length).toBeGreaterThan(3);
      for (const script of scripts) {
        const file = path.join(out, script.path);
        const r = await execa("/bin/bash", [file, "--help"], { reject: false, extendEnv: false, env: { PATH: bin } });
        const expected = header(script.content);
        expect({ script: script.path, exitCode: r.exitCode, stderr: r.stderr }).toEqual({
          script: script.path,
          exitCode: 0,
          stderr: "",
        });
        expect(expected.split("\n").length).toBeGreaterThan(3);
        expect(r.stdout, script.path).toBe(expected);
      }
    },
  );
});
