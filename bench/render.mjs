// Rendering cost: one diagram vs four in one shared Chromium session (vs four separate sessions,
// which is what one `mmdc` per diagram costs). Prints numbers; asserts nothing.
// Uses the built engine: `npm run bench` builds dist/ first. INFRA_MIGRATE_DIST=/other/dist overrides.
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { fileURLToPath, pathToFileURL } from "node:url";

const dist = process.env.INFRA_MIGRATE_DIST
  ? path.resolve(process.env.INFRA_MIGRATE_DIST)
  : fileURLToPath(new URL("../dist", import.meta.url));
const { renderDiagrams } = await import(pathToFileURL(path.join(dist, "render/render-diagrams.js")).href);
const { findChromium } = await import(pathToFileURL(path.join(dist, "render/chromium.js")).href);
const { buildFlowchart } = await import(pathToFileURL(path.join(dist, "render/mermaid.js")).href);

if (!findChromium()) {
  console.log("render bench: skipped (no Chromium; apt-get install -y chromium or set PUPPETEER_EXECUTABLE_PATH)");
  process.exit(0);
}

const dir = mkdtempSync(path.join(tmpdir(), "render-bench-"));
const files = [1, 2, 3, 4].map((n) => {
  const input = path.join(dir, `diagram-${n}.mmd`);
  const names = ["nginx", "uvicorn", "celery", "mysql", "redis", "cloud run", "cloud tasks", "cloud sql"];
  writeFileSync(input, buildFlowchart({
    direction: "LR",
    nodes: names.map((id) => ({ id, label: `${id} ${n}` })),
    edges: names.slice(1).map((id, i) => ({ from: names[i], to: id })),
  }));
  return { input };
});

async function time(label, run) {
  const start = performance.now();
  await run();
  const ms = performance.now() - start;
  console.log(`${label.padEnd(34)} ${ms.toFixed(0).padStart(6)} ms`);
  return ms;
}

try {
  await renderDiagrams(files.slice(0, 1)); // warm the module cache and disk
  const one = await time("1 diagram, 1 session", () => renderDiagrams(files.slice(0, 1)));
  const four = await time("4 diagrams, 1 session", () => renderDiagrams(files));
  const separate = await time("4 diagrams, 4 sessions (mmdc-like)", async () => {
    for (const file of files) await renderDiagrams([file]);
  });
  console.log(`ratio 4-in-1-session / 1: ${(four / one).toFixed(2)}x; 4 sessions / 1 session: ${(separate / four).toFixed(2)}x`);
} finally {
  rmSync(dir, { recursive: true, force: true });
}
