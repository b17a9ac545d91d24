// Proof that hostile text stayed data: parse generated Python with Python's own `ast` and list
// every identifier, import, attribute or argument name that contains a marker. Text inside
// string constants is fine; a marker anywhere else means it was spliced into code.
import { execa } from "execa";
import type { Artifact } from "../../../src/write/plan.js";

const SCRIPT = `
import ast, json, sys
files, marker = json.load(sys.stdin)
hits = []
for path, source in files:
    for node in ast.walk(ast.parse(source, path)):
        names = []
        if isinstance(node, ast.Name): names = [node.id]
        elif isinstance(node, ast.Attribute): names = [node.attr]
        elif isinstance(node, ast.alias): names = [node.name, node.asname or ""]
        elif isinstance(node, ast.ImportFrom): names = [node.module or ""]
        elif isinstance(node, (ast.FunctionDef, ast.AsyncFunctionDef, ast.ClassDef)): names = [node.name]
        elif isinstance(node, ast.arg): names = [node.arg]
        elif isinstance(node, ast.keyword): names = [node.arg or ""]
        hits += ["%s:%s %s" % (path, getattr(node, "lineno", "?"), n) for n in names if marker in n]
print(json.dumps(hits))
`;

export async function codeMentions(python: string, artifacts: Artifact[], marker: string): Promise<string[]> {
  const files = artifacts.filter((a) => a.kind === "python").map((a) => [a.path, a.content]);
  const run = await execa(python, ["-c", SCRIPT], { input: JSON.stringify([files, marker]) });
  return JSON.parse(run.stdout) as string[];
}
