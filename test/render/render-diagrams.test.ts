import { existsSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import type { Browser } from "puppeteer";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { InputError } from "../../src/errors.js";
import { findChromium } from "../../src/render/chromium.js";
import { buildFlowchart, buildSequence } from "../../src/render/mermaid.js";
import {
  CHROMIUM_ARGS,
  diagramKind,
  planPages,
  pngViewport,
  renderDiagrams as renderDiagramsIn,
  type RenderedDiagram,
} from "../../src/render/render-diagrams.js";

const chromium = findChromium();
if (!chromium)
  console.warn(
    "skipping render tests: no Chromium found (apt-get install -y chromium, or set PUPPETEER_EXECUTABLE_PATH)",
  );

const dir = mkdtempSync(path.join(tmpdir(), "render-test-"));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

function mmd(name: string, text: string): string {
  const file = path.join(dir, `${name}.mmd`);
  writeFileSync(file, text);
  return file;
}

/** Text content of an SVG with tags dropped and XML entities decoded, whitespace collapsed. */
function svgText(svg: string): string {
  return svg
    .replace(/<br\s*\/?>/g, "\n")
    .replace(/<[^>]+>/g, " ")
    .replace(/&#(\d+);/g, (_, n: string) => String.fromCodePoint(Number(n)))
    .replace(/&#x([0-9a-f]+);/gi, (_, n: string) => String.fromCodePoint(parseInt(n, 16)))
    .replace(/&lt;/g, "<")
    .replace(/&gt;/g, ">")
    .replace(/&quot;/g, '"')
    .replace(/&amp;/g, "&")
    .replace(/\s+/g, " ");
}

const flow = mmd(
  "flow",
  buildFlowchart({
    direction: "LR",
    nodes: [
      { id: "api", label: "Cloud Run API" },
      { id: "db", label: "Café 数据库 🚀", shape: "cylinder" },
      { id: "evil", label: '<script>alert("x")</script> %% end' },
      { id: "multi", label: "line one\nline two" },
    ],
    edges: [
      { from: "api", to: "db", label: "SQL; #1" },
      { from: "api", to: "evil" },
      { from: "api", to: "multi" },
    ],
  }),
);
const seq = mmd(
  "seq",
  buildSequence({
    participants: [
      { id: "user", label: "Ünïcode User", kind: "actor" },
      { id: "api", label: "API" },
    ],
    steps: [
      { from: "user", to: "api", text: "POST /jobs #42" },
      { from: "api", to: "user", text: "202 Accepted", arrow: "reply" },
    ],
  }),
);

/** The rendered bytes of one output file, as text. */
const textOf = (results: RenderedDiagram[], file: string): string =>
  Buffer.from(results.flatMap((r) => r.outputs).find((o) => o.file === file)!.data).toString("utf8");

describe.skipIf(!chromium)("renderDiagrams", () => {
  // One Chromium for the tests below (a launch costs ~1 s, more under load); the first test
  // alone goes through renderDiagrams' own launch and close.
  let browser: Browser;
  beforeAll(async () => {
    const { default: puppeteer } = await import("puppeteer");
    browser = await puppeteer.launch({ executablePath: chromium!, headless: "shell", args: CHROMIUM_ARGS });
  });
  afterAll(() => browser?.close());
  const renderDiagrams: typeof renderDiagramsIn = (files, opts = {}) => renderDiagramsIn(files, { browser, ...opts });
  // A render that two tests assert on is made once (each render is a page and a Mermaid load, ~1 s
  // of CPU): the first run (the CLI's path, its own Chromium), a diagram's SVG rendered alone, and
  // the batch, which renders PNGs too (of a small and a wide diagram among others).
  let firstRun: Promise<RenderedDiagram[]> | undefined;
  const first = () => (firstRun ??= renderDiagramsIn([{ input: flow }, { input: seq }]));
  const aloneRuns = new Map<string, Promise<string>>();
  const svgAlone = (input: string): Promise<string> => {
    const svg = input.replace(/\.mmd$/, ".svg");
    if (!aloneRuns.has(input))
      aloneRuns.set(
        input,
        renderDiagrams([{ input }]).then((r) => textOf(r, svg)),
      );
    return aloneRuns.get(input)!;
  };
  const chain = Array.from({ length: 24 }, (_, i) => `  n${i}["service number ${i}"] --> n${i + 1}`).join("\n");
  const wide = mmd("wide", `flowchart LR\n${chain}\n`);
  // Two of each kind we generate, plus the example's architecture (node shapes drawn with rough.js),
  // then a diagram wider than puppeteer's 800 px page, all with PNGs: one batch.
  const seq2 = mmd(
    "seq2",
    buildSequence({
      participants: [
        { id: "api", label: "API" },
        { id: "tasks", label: "Cloud Tasks" },
        { id: "worker", label: "AI worker" },
      ],
      steps: [
        { from: "api", to: "tasks", text: "enqueue" },
        { from: "tasks", to: "worker", text: "POST /tasks/summarize" },
      ],
    }),
  );
  const flow2 = mmd("flow2", "flowchart TD\n  lb[Load Balancer] --> run[Cloud Run]\n  run --> sql[(Cloud SQL)]\n");
  const example = mmd(
    "example",
    readFileSync(
      path.join(import.meta.dirname, "../../examples/seed-vm/out/docs/migration/audit/current-architecture.mmd"),
      "utf8",
    ),
  );
  const batchInputs = [seq, flow, seq2, example, flow2, wide];
  let batchRun: Promise<RenderedDiagram[]> | undefined;
  const batch = () =>
    (batchRun ??= renderDiagrams(
      batchInputs.map((input) => ({ input })),
      { png: true },
    ));
  const resultFor = async (input: string) => (await batch()).find((r) => r.input === input)!;

  it("renders two diagrams to SVG in one call, with their labels, and writes nothing itself", async () => {
    // Launches its own Chromium (no browser given): the path the CLI takes.
    const results = await first();
    expect(results.map((r) => [r.input, r.outputs.map((o) => o.file)])).toEqual([
      [flow, [path.join(dir, "flow.svg")]],
      [seq, [path.join(dir, "seq.svg")]],
    ]);
    expect(readdirSync(dir).filter((f) => !f.endsWith(".mmd"))).toEqual([]);
    const flowSvg = textOf(results, path.join(dir, "flow.svg"));
    expect(flowSvg).toMatch(/^<svg[^>]*id="diagram-flow"/);
    expect(flowSvg).not.toMatch(/<script/i);
    const flowText = svgText(flowSvg);
    for (const label of [
      "Cloud Run API",
      "Café 数据库 🚀",
      '<script>alert("x")</script> %% end',
      "line one",
      "line two",
      "SQL; #1",
    ]) {
      expect(flowText).toContain(label);
    }
    const seqText = svgText(textOf(results, path.join(dir, "seq.svg")));
    for (const label of ["Ünïcode User", "POST /jobs #42", "202 Accepted"]) expect(seqText).toContain(label);
  });

  it("renders byte-identical SVG on a second run", async () => {
    // The first run's flowchart was the first diagram of its page (a fresh page, as alone), in a
    // Chromium of its own; the second run is in the shared one.
    const firstSvg = textOf(await first(), path.join(dir, "flow.svg"));
    expect(await svgAlone(flow)).toBe(firstSvg);
  });

  it("renders each diagram of a batch to the same bytes as alone (pages are shared, state is not)", async () => {
    // State could leak only into a diagram that follows another on its page: one first on its page
    // is rendered in a fresh page, which is what alone means (the same work twice, ~1 s of CPU each).
    // Those that follow are each rendered alone, in a fresh page of its own, and compared: a
    // flowchart after a sequence diagram, after a flowchart, after the rough.js architecture.
    // Six diagrams fill one page's width (renderDiagrams' DIAGRAMS_PER_PAGE).
    const kinds = batchInputs.map((input) => diagramKind(readFileSync(input, "utf8")));
    const inputs = planPages(kinds, 1)
      .flatMap((page) => page.slice(1))
      .map((i) => batchInputs[i]!)
      .filter((input) => input !== wide);
    expect(inputs.map((input) => path.basename(input))).toEqual(["flow.mmd", "example.mmd", "flow2.mmd"]);
    const svg = (input: string) => input.replace(/\.mmd$/, ".svg");
    // Each alone in a fresh page of its own, side by side.
    const alone = await Promise.all(inputs.map(svgAlone));
    const results = await batch();
    inputs.forEach((input, i) => expect(textOf(results, svg(input)), path.basename(input)).toBe(alone[i]));
  });

  it("renders a PNG too when asked, in the browser it was given and leaves that browser open", async () => {
    const result = await resultFor(seq);
    expect(browser.connected).toBe(true);
    expect(result!.outputs.map((o) => o.file)).toEqual([path.join(dir, "seq.svg"), path.join(dir, "seq.png")]);
    const png = Buffer.from(result!.outputs[1]!.data);
    expect([...png.subarray(0, 8)]).toEqual([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]);
  });

  it("a wide diagram's PNG is at least as wide as its SVG (not squeezed into an 800 px page)", async () => {
    const result = await resultFor(wide);
    expect(result!.outputs.map((o) => o.file)).toEqual([path.join(dir, "wide.svg"), path.join(dir, "wide.png")]);
    const svg = new TextDecoder().decode(result!.outputs[0]!.data);
    const viewBoxWidth = Number(/viewBox="[-\d.]+ [-\d.]+ ([\d.]+) /.exec(svg)![1]);
    expect(viewBoxWidth).toBeGreaterThan(2000);
    const png = Buffer.from(result!.outputs[1]!.data);
    const pngWidth = png.readUInt32BE(16); // IHDR width
    expect(pngWidth).toBeGreaterThanOrEqual(Math.floor(viewBoxWidth));
  });

  it("reports a broken diagram as an input error naming the file", async () => {
    const broken = mmd("broken", 'flowchart LR\n  a["x" y"]\n');
    const good = mmd("good", "flowchart LR\n  a --> b\n");
    const error = await renderDiagrams([{ input: broken }, { input: good }]).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(InputError);
    expect((error as InputError).issues).toEqual([
      { file: broken, line: 2, message: expect.stringMatching(/^Parse error on line 2: .*got 'STR'$/) },
    ]);
    expect(existsSync(path.join(dir, "broken.svg"))).toBe(false);
  });
});

describe("pngViewport", () => {
  const svg = (viewBox: string) =>
    new TextEncoder().encode(`<svg id="d" viewBox="${viewBox}" style="max-width: 100%">`);
  it("makes the page as wide as the diagram, and doubles the pixels of a medium one", () => {
    expect(pngViewport(svg("-8 -8 2178 640"))).toEqual({ width: 2194, height: 656, deviceScaleFactor: 4096 / 2178 });
    expect(pngViewport(svg("0 0 300 200"))).toEqual({ width: 800, height: 600, deviceScaleFactor: 2 });
  });
  it("keeps a huge diagram at one pixel per unit, and gives up without a viewBox", () => {
    expect(pngViewport(svg("0 0 9000 1200"))?.deviceScaleFactor).toBe(1);
    expect(pngViewport(new TextEncoder().encode("<svg width='10'>"))).toBeUndefined();
  });
});

describe("diagramKind", () => {
  it.each([
    ["flowchart LR\n  a --> b\n", "flowchart"],
    ["graph TD\n  a --> b\n", "graph"],
    ["%% generated\n\n%%{init: {'theme': 'dark'}}%%\nsequenceDiagram\n  a->>b: hi\n", "sequenceDiagram"],
    ["---\ntitle: Target\n---\nflowchart-v2 TB\n  a\n", "flowchart-v2"],
    ["\uFEFF---\r\nconfig:\r\n  look: classic\r\n---\r\nerDiagram\r\n", "erDiagram"],
    ["  \n%% only a comment\n", ""],
  ])("%j is %j", (definition, kind) => {
    expect(diagramKind(definition)).toBe(kind);
  });
});

describe("planPages", () => {
  it("puts flowcharts on one page when one page is wide enough", () => {
    expect(planPages(["flowchart", "graph", "flowchart", "flowchart"], 1)).toEqual([[0, 1, 2, 3]]);
  });

  it("spreads flowcharts round-robin over the pages asked for", () => {
    expect(planPages(["flowchart", "flowchart", "flowchart", "flowchart", "flowchart"], 2)).toEqual([
      [0, 2, 4],
      [1, 3],
    ]);
  });

  it("gives a page at most one diagram of a type that keeps state, opening pages as needed", () => {
    expect(
      planPages(["sequenceDiagram", "flowchart", "sequenceDiagram", "classDiagram", "sequenceDiagram", "flowchart"], 1),
    ).toEqual([[0, 1, 3, 5], [2], [4]]);
  });

  it("never returns an empty page", () => {
    expect(planPages(["sequenceDiagram"], 3)).toEqual([[0]]);
    expect(planPages([], 2)).toEqual([]);
  });
});

describe("renderDiagrams without a browser", () => {
  it("does nothing for no files", async () => {
    expect(await renderDiagramsIn([], { executablePath: "/nonexistent/chrome" })).toEqual([]);
  });

  it.each([
    ["a wrong executablePath", { executablePath: path.join(dir, "no-such-chrome") }],
    [
      "a wrong PUPPETEER_EXECUTABLE_PATH",
      { env: { PUPPETEER_EXECUTABLE_PATH: path.join(dir, "no-such-chrome"), PATH: "" } },
    ],
  ])("throws InputError (exit 2) with the install hint for %s", async (_name, opts) => {
    const error = await renderDiagramsIn([{ input: flow }], opts).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(InputError);
    expect((error as InputError).exitCode).toBe(2);
    expect((error as InputError).code).toBe("render.no-chromium");
    expect((error as InputError).hint).toMatch(/apt-get install -y chromium/);
  });

  it.each([
    ["a relative path", "flow.mmd", /absolute path/],
    ["another extension", path.join(dir, "flow.txt"), /\.mmd/],
    ["a missing file", path.join(dir, "missing.mmd"), /Cannot read/],
  ])("rejects %s before launching anything", async (_name, input, message) => {
    await expect(renderDiagramsIn([{ input }], { executablePath: "/nonexistent/chrome" })).rejects.toThrow(message);
  });
});
