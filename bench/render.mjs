// Rendering cost: one diagram vs four in one shared Chromium session (target: four within 1.3x of
// one), vs four separate sessions (what one `mmdc` per diagram costs), and how it grows to twelve.
// Prints numbers; asserts nothing.
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
const files = Array.from({ length: 12 }, (_, i) => i + 1).map((n) => {
  const input = path.join(dir, `diagram-${n}.mmd`);
  const names = ["nginx", "uvicorn", "celery", "mysql", "redis", "cloud run", "cloud tasks", "cloud sql"];
  writeFileSync(
    input,
    buildFlowchart({
      direction: "LR",
      nodes: names.map((id) => ({ id, label: `${id} ${n}` })),
      edges: names.slice(1).map((id, i) => ({ from: names[i], to: id })),
    }),
  );
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
  const four = await time("4 diagrams, 1 session", () => renderDiagrams(files.slice(0, 4)));
  const separate = await time("4 diagrams, 4 sessions (mmdc-like)", async () => {
    for (const file of files.slice(0, 4)) await renderDiagrams([file]);
  });
  const twelve = await time("12 diagrams, 1 session", () => renderDiagrams(files));
  const png = await time("4 diagrams, 1 session, SVG + PNG", () => renderDiagrams(files.slice(0, 4), { png: true }));
  console.log(
    `ratio 4-in-1-session / 1: ${(four / one).toFixed(2)}x (target <= 1.3x); 4 sessions / 1 session: ${(separate / four).toFixed(2)}x`,
  );
  console.log(
    `each diagram after the first: ~${((twelve - one) / 11).toFixed(0)} ms; SVG + PNG / SVG for 4: ${(png / four).toFixed(2)}x`,
  );
} finally {
  rmSync(dir, { recursive: true, force: true });
}
