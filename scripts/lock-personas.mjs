#!/usr/bin/env node
// Records each persona's version and body hash in personas/persona-lock.json. Run it after you
// change a persona AND bump its version; test/personas checks the two move together, because
// cached model answers and provenance headers are keyed by id@version.
import { createHash } from "node:crypto";
import { readFileSync, readdirSync, writeFileSync } from "node:fs";
import path from "node:path";
import { fileURLToPath } from "node:url";

const dir = path.join(path.dirname(fileURLToPath(import.meta.url)), "../personas");
const lock = {};
for (const file of readdirSync(dir)
  .filter((f) => f.endsWith(".md"))
  .sort()) {
  const text = readFileSync(path.join(dir, file), "utf8");
  const match = /^---\r?\n([\s\S]*?)\r?\n---\r?\n([\s\S]*)$/.exec(text);
  if (!match) throw new Error(`${file}: no front matter`);
  const id = /^id:\s*(\S+)/m.exec(match[1])[1];
  const version = /^version:\s*(\S+)/m.exec(match[1])[1];
  const body = match[2].trim() + "\n";
  lock[id] = { version, sha256: createHash("sha256").update(body).digest("hex") };
}
writeFileSync(path.join(dir, "persona-lock.json"), JSON.stringify(lock, null, 2) + "\n");
console.log(`locked ${Object.keys(lock).length} personas`);
