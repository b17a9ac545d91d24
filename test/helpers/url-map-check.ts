// The URL map a setup script imports, checked by gcloud's own import code against its UrlMap
// schema (url-map-check.py): a misspelt key or a wrong nesting fails here, not at the user's run.
import { mkdtemp, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import path from "node:path";
import { execa } from "execa";
import { findGcloud, gcloudPython } from "./gcloud-check.js";

const DRIVER = path.join(import.meta.dirname, "url-map-check.py");

/** One verdict per YAML text (undefined: accepted), or undefined when gcloud is not installed. */
export async function urlMapProblems(yamls: string[]): Promise<(string | undefined)[] | undefined> {
  const gcloud = findGcloud();
  if (!gcloud) return undefined;
  const sdkRoot = path.resolve(path.dirname(gcloud), "..");
  const dir = await mkdtemp(path.join(tmpdir(), "url-map-check-"));
  try {
    const files = await Promise.all(
      yamls.map(async (y, i) => {
        const file = path.join(dir, `map-${i}.yaml`);
        await writeFile(file, y);
        return file;
      }),
    );
    const run = await execa(gcloudPython(sdkRoot), [DRIVER, path.join(sdkRoot, "lib"), ...files], {
      reject: false,
      timeout: 120_000,
    });
    const lines = run.stdout.split("\n").filter(Boolean);
    if (run.exitCode !== 0 || lines.length !== yamls.length) throw new Error(`url-map-check.py: ${run.stderr}`);
    return lines.map((l) => (JSON.parse(l) as string | null) ?? undefined);
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
}
