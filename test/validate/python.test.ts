// The Python validators against a real interpreter: syntax errors and pyflakes findings are
// reported with the file's relative path; clean code gives nothing.
import { describe, expect, it } from "vitest";
import { existsSync } from "node:fs";
import { checkPython, compilePython, findPython, pyflakes, withFiles } from "../../src/validate/python.js";

const python = await findPython();
const pyflakesAvailable = !!python?.hasPyflakes;
if (!python) console.warn("skipping Python validator tests: no python3 interpreter found");
else if (!pyflakesAvailable)
  console.warn(`skipping pyflakes tests: ${python.path} has no pyflakes (apt-get install python3-pyflakes)`);

describe("findPython", () => {
  it.skipIf(!existsSync("/usr/bin/python3"))("prefers /usr/bin/python3 (Debian's packages import only there)", () => {
    expect(python?.path).toBe(process.env.INFRA_MIGRATE_PYTHON ?? "/usr/bin/python3");
  });

  it("probes once and caches the answer", async () => {
    expect(await findPython()).toBe(python);
  });
});

describe.skipIf(!python)("compilePython", () => {
  const cases: { name: string; files: { path: string; content: string }[]; expected: RegExp[] }[] = [
    { name: "clean file", files: [{ path: "pkg/ok.py", content: "x = 1\n" }], expected: [] },
    {
      name: "syntax error names file and line",
      files: [{ path: "pkg/bad.py", content: "x = 1\ndef f(:\n" }],
      expected: [/^pkg\/bad\.py:2: /],
    },
    {
      name: "unterminated string",
      files: [{ path: "a.py", content: 'x = """never closed\n' }],
      expected: [/^a\.py:\d+: /],
    },
    {
      name: "one bad file among good ones",
      files: [
        { path: "a.py", content: "import os\n" },
        { path: "deep/dir/b.py", content: "  indented = True\n" },
      ],
      expected: [/^deep\/dir\/b\.py:1: /],
    },
  ];
  it.each(cases)("$name", async ({ files, expected }) => {
    const findings = await compilePython(files);
    expect(findings).toHaveLength(expected.length);
    expected.forEach((re, i) => expect(findings[i]).toMatch(re));
  });
});

describe.skipIf(!pyflakesAvailable)("pyflakes", () => {
  const cases: { name: string; content: string; expected: RegExp | undefined }[] = [
    { name: "clean", content: "import os\nprint(os.sep)\n", expected: undefined },
    { name: "unused import", content: "import os\n", expected: /^m\.py:1:\d+:? .*'os' imported but unused/ },
    {
      name: "undefined name",
      content: "print(missing_name)\n",
      expected: /^m\.py:1:\d+:? undefined name 'missing_name'/,
    },
  ];
  it.each(cases)("$name", async ({ content, expected }) => {
    const findings = await pyflakes([{ path: "m.py", content }]);
    if (expected === undefined) expect(findings).toEqual([]);
    else expect(findings).toEqual([expect.stringMatching(expected)]);
  });
});

describe.skipIf(!pyflakesAvailable)("checkPython", () => {
  it("compiles and runs pyflakes in one go, each finding under its file", async () => {
    const checked = await checkPython([
      { path: "ok.py", content: "import os\nprint(os.sep)\n" },
      { path: "pkg/flaky.py", content: "import sys\n" },
      { path: "pkg/broken.py", content: "def f(:\n" },
    ]);
    expect(checked!.compile).toEqual([expect.stringMatching(/^pkg\/broken\.py:1: /)]);
    expect(checked!.pyflakes).toEqual(
      expect.arrayContaining([expect.stringMatching(/^pkg\/flaky\.py:1:\d+:? 'sys' imported but unused/)]),
    );
    expect(checked!.pyflakes!.some((f) => f.startsWith("ok.py"))).toBe(false);
  });

  it("leaves pyflakes out when asked", async () => {
    expect(await checkPython([{ path: "m.py", content: "import os\n" }], { pyflakes: false })).toEqual({
      compile: [],
      pyflakes: undefined,
    });
  });
});

describe("withFiles", () => {
  it.each(["../escape.py", "/etc/passwd", "a/../../b.py"])("refuses the unsafe path %s", async (p) => {
    await expect(withFiles([{ path: p, content: "" }], async () => 1)).rejects.toThrow(/unsafe path/);
  });
});
