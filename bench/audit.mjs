// Offline audit as a whole process: the example (target < 400 ms) and a 500-service inventory
// (target < 2 s); the Gemini path against the fake server with a fixed 200 ms latency; and the
// size of the example's audit prompt (target < 6,000 tokens, estimated at 4 characters a token).
import { writeFileSync, rmSync } from "node:fs";
import path from "node:path";
import { BIN, SEED, cleanEnv, report, timeAsync, timeSync, tmp, ROOT } from "./lib.mjs";
import { generateInventory } from "./gen-inventory.mjs";
import { startFakeGemini } from "../test/helpers/fake-gemini.mjs";

const out = tmp();
const fresh = () => rmSync(out, { recursive: true, force: true });
report(
  "offline audit, example (whole process)",
  timeSync(process.execPath, [BIN, "audit", "--inventory", SEED, "--out", out, "--provider", "offline", "--quiet"], {
    runs: 8,
    before: fresh,
  }),
  "< 400 ms",
);

const big = path.join(tmp(), "inventory-500.yaml");
writeFileSync(big, generateInventory(500));
report(
  "offline audit, 500 services (whole process)",
  timeSync(process.execPath, [BIN, "audit", "--inventory", big, "--out", out, "--provider", "offline", "--quiet"], {
    runs: 4,
    warmup: 1,
    before: fresh,
  }),
  "< 2000 ms",
);

// The prompt the model would get, measured from the built engine.
const { parseInventory } = await import(path.join(ROOT, "dist/inventory/load.js"));
const { auditPhase } = await import(path.join(ROOT, "dist/phases/audit/index.js"));
const { readFileSync } = await import("node:fs");
const loaded = parseInventory(readFileSync(SEED, "utf8"), SEED);
const prompt = await auditPhase.buildPrompt({
  inventory: loaded.inventory,
  inventoryHash: loaded.hash,
  upstream: {},
  options: {},
  repoDir: out,
});
const persona = readFileSync(path.join(ROOT, "personas/cloud-architect.md"), "utf8");
const schemaChars = JSON.stringify(
  (await import("zod")).z.toJSONSchema(auditPhase.resultSchema, { io: "input", unrepresentable: "any" }),
).length;
const chars = prompt.length + persona.length + schemaChars;
console.log(
  `${"audit request for the example (prompt+persona+schema)".padEnd(52)} ${chars} chars ≈ ${Math.ceil(chars / 4)} tokens  (target < 6000)`,
);

const fake = await startFakeGemini();
const { auditOffline } = await import(path.join(ROOT, "dist/phases/audit/offline.js"));
const answer = auditOffline({
  inventory: loaded.inventory,
  inventoryHash: loaded.hash,
  upstream: {},
  options: {},
  repoDir: out,
});
fake.setDefault({ json: answer, delayMs: 200 });
const env = cleanEnv({ GEMINI_API_KEY: "bench-key-not-real", GOOGLE_GEMINI_BASE_URL: fake.url });
report(
  "gemini-path audit, fake server 200 ms latency",
  await timeAsync(
    process.execPath,
    [BIN, "audit", "--inventory", SEED, "--out", out, "--provider", "gemini", "--quiet"],
    { runs: 5, env, before: fresh },
  ),
);
await fake.close();
rmSync(out, { recursive: true, force: true });
