// The folder where most processes' anchors resolve (bestFolder), counted per distinct anchor:
// the same answer as one lookup per process, on repositories with ties, scripts and builds.
import { mkdirSync, mkdtempSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { describe, expect, it } from "vitest";
import { BUILD_OUTPUT, anchorsOf, bestFolder, counted, missingAnchor } from "../../src/image/anchors.js";
import { hasScript, memberBuilds } from "../../src/image/node-workspace.js";
import { openRepo, type AppRepo } from "../../src/image/repo.js";

/** bestFolder as first written: every anchor of every process looked up in every folder. */
function reference(repo: AppRepo, candidates: string[], argvs: string[][]): string {
  const anchors = argvs.flatMap(anchorsOf);
  const resolves = (dir: string, a: ReturnType<typeof anchorsOf>[number]) =>
    a.kind === "script"
      ? hasScript(repo, dir, a.name)
      : !missingAnchor(repo, dir, a) || (a.kind === "file" && BUILD_OUTPUT.test(a.path) && memberBuilds(repo, dir));
  const shortcuts = argvs.flatMap((a) =>
    /^(yarn|pnpm)$/.test(a[0]?.split("/").pop() ?? "") && a[1] && !/^(-|run$|start$)/.test(a[1]) ? [a[1]] : [],
  );
  const score = (dir: string) =>
    anchors.filter((a) => resolves(dir, a)).length + shortcuts.filter((s) => hasScript(repo, dir, s)).length;
  return [...new Set(candidates)].map((dir) => ({ dir, n: score(dir) })).sort((a, b) => b.n - a.n)[0]?.dir ?? "";
}

function repoWith(files: Record<string, string>): AppRepo {
  const dir = mkdtempSync(path.join(tmpdir(), "im-anchors-"));
  for (const [file, content] of Object.entries(files)) {
    mkdirSync(path.dirname(path.join(dir, file)), { recursive: true });
    writeFileSync(path.join(dir, file), content);
  }
  return openRepo(dir);
}

const times = (n: number, argv: string[]) => Array.from({ length: n }, () => argv);

describe("counted", () => {
  it.each([
    [[], []],
    [["a"], [["a", 1]]],
    [
      ["b", "a", "b", "c", "a", "b"],
      [
        ["b", 3],
        ["a", 2],
        ["c", 1],
      ],
    ],
  ])("%j", (items, expected) => {
    expect(counted(items, (s) => s).map(({ item, count }) => [item, count])).toEqual(expected);
  });

  it("keeps the first of items with the same key", () => {
    const first = { kind: "x", n: 1 };
    expect(counted([first, { kind: "x", n: 2 }], (o) => o.kind)).toEqual([{ item: first, count: 2 }]);
  });
});

describe("bestFolder", () => {
  const python = repoWith({
    "app/main.py": "",
    "src/app/main.py": "",
    "src/proj/__init__.py": "",
    "src/proj/celery.py": "",
    "manage.py": "",
  });
  const node = repoWith({
    "package.json": JSON.stringify({ workspaces: ["packages/*"] }),
    "packages/server/package.json": JSON.stringify({ scripts: { build: "tsc", "worker:prod": "node dist/worker" } }),
    "packages/front/package.json": JSON.stringify({ scripts: { build: "vite build" } }),
  });
  const uvicorn = ["uvicorn", "app.main:app", "--port", "8000"];
  const celery = ["celery", "-A", "proj", "worker"];
  const cases: [string, AppRepo, string[], string[][]][] = [
    ["no processes", python, ["", "src"], []],
    ["a tie keeps the first folder", python, ["", "src"], [uvicorn]],
    ["the tie the other way round", python, ["src", ""], [uvicorn]],
    ["many of one process against a few of another", python, ["", "src"], [...times(40, uvicorn), ...times(3, celery)]],
    ["more of the other", python, ["", "src"], [...times(2, uvicorn), ...times(60, celery), ["python", "manage.py"]]],
    [
      "the root's manage.py tips a balance",
      python,
      ["src", ""],
      [...times(5, celery), ...times(5, ["python", "manage.py"])],
    ],
    [
      "scripts, shortcuts and build outputs",
      node,
      ["", "packages/front", "packages/server"],
      [
        ...times(30, ["node", "dist/main"]),
        ...times(30, ["yarn", "worker:prod"]),
        ...times(4, ["npm", "run", "build"]),
      ],
    ],
    ["repeated candidates", node, ["packages/front", "packages/front", ""], times(9, ["npm", "run", "build"])],
  ];
  it.each(cases)("%s: the answer of one lookup per process", (_, repo, candidates, argvs) => {
    expect(bestFolder(repo, candidates, argvs)).toBe(reference(repo, candidates, argvs));
  });

  it("finds the folder most processes run from", () => {
    expect(bestFolder(python, ["", "src"], [...times(2, uvicorn), ...times(60, celery)])).toBe("src");
    expect(bestFolder(node, ["", "packages/front", "packages/server"], times(3, ["yarn", "worker:prod"]))).toBe(
      "packages/server",
    );
  });
});
