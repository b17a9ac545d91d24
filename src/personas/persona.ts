// Personas are data: personas/<id>.md with YAML front matter (id, version, title, model, phase).
import { readFile, readdir } from "node:fs/promises";
import { createHash } from "node:crypto";
import path from "node:path";
import { parse as parseYaml } from "yaml";
import { z } from "zod";
import { InputError } from "../errors.js";
import { packageRoot } from "../package-root.js";

const frontMatterSchema = z.object({
  id: z.string().regex(/^[a-z][a-z0-9-]*$/),
  version: z.string().regex(/^\d+\.\d+\.\d+$/, "expected semver x.y.z"),
  title: z.string().min(1),
  phase: z.enum(["audit", "design", "cicd", "llmops", "observe"]),
  model: z.string().min(1),
});

export interface Persona extends z.infer<typeof frontMatterSchema> {
  /** The system instruction text (the Markdown body). */
  body: string;
  /** sha256 of the body, for the version lock test and provenance. */
  sha256: string;
  file: string;
}

export function personasDir(): string {
  return path.join(packageRoot(), "personas");
}

export function parsePersona(text: string, file: string): Persona {
  const match = /^---\r?\n([\s\S]*?)\r?\n---\r?\n([\s\S]*)$/.exec(text);
  if (!match) throw new InputError(`${file}: a persona starts with a --- front matter block`);
  const parsed = frontMatterSchema.safeParse(parseYaml(match[1]!));
  if (!parsed.success) {
    throw new InputError(
      `${file}: invalid persona front matter`,
      parsed.error.issues.map((i) => ({ file, path: i.path.join("."), message: i.message })),
    );
  }
  const body = match[2]!.trim() + "\n";
  return { ...parsed.data, body, sha256: createHash("sha256").update(body).digest("hex"), file };
}

export async function loadPersonas(dir = personasDir()): Promise<Persona[]> {
  const files = (await readdir(dir)).filter((f) => f.endsWith(".md")).sort();
  return Promise.all(files.map(async (f) => parsePersona(await readFile(path.join(dir, f), "utf8"), path.join(dir, f))));
}

const cache = new Map<string, Promise<Persona>>();

export function loadPersona(id: string, dir = personasDir()): Promise<Persona> {
  const key = `${dir}\0${id}`;
  let found = cache.get(key);
  if (!found) {
    found = readFile(path.join(dir, `${id}.md`), "utf8").then(
      (text) => parsePersona(text, path.join(dir, `${id}.md`)),
      () => {
        throw new InputError(`Unknown persona "${id}"`, [], "Run `infra-migrate personas` to list them.");
      },
    );
    cache.set(key, found);
  }
  return found;
}
