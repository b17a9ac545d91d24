// The example's `run --provider gemini` output through the real SDK against the fake server (which
// answers each phase with what the offline rules decide), made once per test run like the offline
// one (seed-output.ts). The run itself is kept beside it (exit code, stdout, stderr, the phases of
// the requests in the order they came), so the file that tests that first run asserts on it while
// the others start from a copy instead of validating the same bytes again.
import { readFile, writeFile } from "node:fs/promises";
import { startFakeGemini } from "./fake-gemini.mjs";
import { cleanEnv, runCli } from "./cli.js";
import { answerByPersona, offlineAnswers, phaseOfRequest } from "./phase-answers.js";
import { SEED_INVENTORY } from "./phase-input.js";
import { copyOf, sharedOutput } from "./seed-output.js";

export interface GeminiSeedRun {
  exitCode: number;
  stdout: string;
  stderr: string;
  /** The phase of each model request, in the order the fake server received them. */
  requestPhases: (string | undefined)[];
}

// Each answer waits this long, so phases that may run together (cicd, llmops and observe after
// design) are seen overlapping in the request order.
const ANSWER_DELAY_MS = 300;
let built: Promise<string> | undefined;

/** The shared output folder (do not change it); its run record is `geminiSeedRun()`. */
export function geminiSeedOutput(): Promise<string> {
  built ??= sharedOutput("seed-gemini", async (dir) => {
    const fake = await startFakeGemini({
      defaultReply: await answerByPersona(await offlineAnswers(SEED_INVENTORY, dir), ANSWER_DELAY_MS),
    });
    try {
      const env = cleanEnv({ GEMINI_API_KEY: "test-key-not-real", GOOGLE_GEMINI_BASE_URL: fake.url });
      const args = ["run", "--inventory", SEED_INVENTORY, "--out", dir, "--provider", "gemini", "--json"];
      const run = await runCli(args, { env });
      const phaseOf = await phaseOfRequest();
      const record: GeminiSeedRun = {
        exitCode: run.exitCode ?? -1,
        stdout: String(run.stdout),
        stderr: String(run.stderr),
        requestPhases: fake.requests.map((r) => phaseOf(r)),
      };
      // Beside the folder, not in it: copies stay exactly what the run wrote.
      await writeFile(`${dir}.run.json`, JSON.stringify(record));
      if (run.exitCode !== 0) throw new Error(`run exited ${run.exitCode}: ${record.stderr}`);
    } finally {
      await fake.close();
    }
  });
  return built;
}

/** How the shared output's run went. */
export async function geminiSeedRun(): Promise<GeminiSeedRun> {
  return JSON.parse(await readFile(`${await geminiSeedOutput()}.run.json`, "utf8")) as GeminiSeedRun;
}

/** A fresh copy of the shared Gemini output, to change freely. */
export async function geminiSeedCopy(prefix = "im-e2e-gemini-"): Promise<string> {
  return copyOf(await geminiSeedOutput(), prefix);
}
