// Where personas/, templates/, schema/ and data/ live: the package root, one level above
// dist/ (built) or src/ (tests importing sources).
import { fileURLToPath } from "node:url";
import path from "node:path";
import { readFileSync } from "node:fs";

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), "..");

export function packageRoot(): string {
  return root;
}

let version: string | undefined;
export function toolVersion(): string {
  version ??= (JSON.parse(readFileSync(path.join(root, "package.json"), "utf8")) as { version: string }).version;
  return version;
}
