// .infra-migrate/manifest.json: what we generated last, by content hash. A file on disk whose
// hash differs from the manifest was edited by someone, and is not overwritten without --force.
import { readFile } from "node:fs/promises";
import { createHash } from "node:crypto";
import path from "node:path";
import { z } from "zod";
import { InputError } from "../errors.js";

export const STATE_DIR = ".infra-migrate";
export const MANIFEST_PATH = `${STATE_DIR}/manifest.json`;

/** Options that shaped a phase's files (audit's `top`, llmops' `workerDir`), as the last write used them. */
const phaseOptionsSchema = z.record(z.string(), z.record(z.string(), z.union([z.string(), z.number(), z.boolean()])));

const manifestSchema = z.object({
  version: z.literal(1),
  toolVersion: z.string(),
  /** Per phase, the output-shaping options given when its files were last written: `check` reuses them. */
  options: phaseOptionsSchema.optional(),
  files: z.record(
    z.string(),
    z.object({
      sha256: z.string().regex(/^[0-9a-f]{64}$/),
      phase: z.string(),
      provider: z.string(),
      model: z.string(),
      /** A file written once and then the user's (their Dockerfile): never overwritten, so never "refused". */
      policy: z.literal("create-only").optional(),
    }),
  ),
});
export type Manifest = z.infer<typeof manifestSchema>;
export type ManifestEntry = Manifest["files"][string];
export type PhaseOptionsRecord = z.infer<typeof phaseOptionsSchema>;

export function sha256(text: string | Uint8Array): string {
  return createHash("sha256").update(text).digest("hex");
}

export function emptyManifest(toolVersion: string): Manifest {
  return { version: 1, toolVersion, files: {} };
}

export async function readManifest(outDir: string, toolVersion: string): Promise<Manifest> {
  const file = path.join(outDir, MANIFEST_PATH);
  let text: string;
  try {
    text = await readFile(file, "utf8");
  } catch {
    return emptyManifest(toolVersion);
  }
  let parsed: z.ZodSafeParseResult<Manifest>;
  try {
    parsed = manifestSchema.safeParse(JSON.parse(text));
  } catch (error) {
    throw new InputError(
      `${file} is not valid JSON: ${(error as Error).message}`,
      [],
      "Restore it from git, or delete it to start over (all files then count as user-owned).",
    );
  }
  if (!parsed.success) {
    throw new InputError(
      `${file} is not a manifest infra-migrate understands`,
      [],
      "Restore it from git, or delete it to start over.",
    );
  }
  return parsed.data;
}

export function serializeManifest(manifest: Manifest): string {
  const files = Object.fromEntries(Object.entries(manifest.files).sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0)));
  const options = manifest.options && Object.keys(manifest.options).length ? { options: manifest.options } : {};
  return (
    JSON.stringify({ version: manifest.version, toolVersion: manifest.toolVersion, ...options, files }, null, 2) + "\n"
  );
}
