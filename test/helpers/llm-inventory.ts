// A real-app corpus inventory with an `llm` section added: the AI gateway's case (an app that
// cannot mount a FastAPI router gets a private gateway service). gateway-corpus.test.ts asserts
// on what every phase plans for it; generated-commands.test.ts runs its scripts and workflow in
// the gcloud sandbox with the other inventories, so its commands join the one real-gcloud parse.
import { copyFileSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import os from "node:os";
import path from "node:path";
import { repoFor } from "./offline-output.js";
import { ROOT } from "./phase-input.js";

export const LLM_SECTION = `
llm:
  useCase: "summarise support tickets for the team"
  latencySeconds: [4, 20]
  provider: vertex-ai
`;

/**
 * The corpus app's inventory with LLM_SECTION appended, in a temp folder of its own (`dispose`
 * removes it), and the app's repository (passed in: none lies beside the copy).
 */
export function corpusWithLlm(app: string): { file: string; repo: string | undefined; dispose: () => void } {
  const original = path.join(ROOT, "test/fixtures/real", app, "inventory.yaml");
  const dir = mkdtempSync(path.join(os.tmpdir(), `im-gateway-${app}-`));
  const file = path.join(dir, "inventory.yaml");
  copyFileSync(original, file);
  writeFileSync(file, readFileSync(file, "utf8").replace(/\n*$/, "\n") + LLM_SECTION);
  return { file, repo: repoFor(original), dispose: () => rmSync(dir, { recursive: true, force: true }) };
}
