// The one shell splitter (shell-quote underneath): words as sh splits them, operators kept, file
// descriptors part of their redirection only when the line writes them against it.
import { describe, expect, it } from "vitest";
import { shellCommands, shellTokens } from "../../src/image/shell-words.js";

describe("shellTokens", () => {
  it.each([
    ["gunicorn -b 0.0.0.0:8000 'app:create()'", ["gunicorn", "-b", "0.0.0.0:8000", "app:create()"]],
    [`echo "a\\"b" c\\ d 'e'"f"`, ["echo", 'a"b', "c d", "ef"]],
    [
      "cd /srv && exec puma; true || false",
      ["cd", "/srv", { op: "&&" }, "exec", "puma", { op: ";" }, "true", { op: "||" }, "false"],
    ],
    ["app >> /var/log/app.log 2>&1", ["app", { op: ">>" }, "/var/log/app.log", { op: "2>&1" }]],
    ["app 2>/dev/null", ["app", { op: "2>" }, "/dev/null"]],
    ["sleep 2 > out", ["sleep", "2", { op: ">" }, "out"]], // a digit apart from the operator is a word
    ["app &> all.log", ["app", { op: "&>" }, "all.log"]],
    ["a | b &", ["a", { op: "|" }, "b", { op: "&" }]],
    ["python job.py $HOME ${PORT}", ["python", "job.py", "$HOME", "$PORT"]],
    ["node dist/*.js # started by hand", ["node", "dist/*.js"]],
  ])("%s", (line, expected) => {
    expect(shellTokens(line)).toEqual(expected);
  });

  it("variables become what the caller asks for", () => {
    expect(shellTokens(`gcloud x --project "$P" --to=$A-\${B}`, { variable: () => "VALUE" })).toEqual([
      "gcloud",
      "x",
      "--project",
      "VALUE",
      "--to=VALUE-VALUE",
    ]);
  });
});

describe("shellCommands", () => {
  it("splits at ; && ||, and gives up on pipes, background jobs and redirections", () => {
    expect(shellCommands(shellTokens("cd /srv && . venv/bin/activate; exec celery -A app worker"))).toEqual([
      ["cd", "/srv"],
      [".", "venv/bin/activate"],
      ["exec", "celery", "-A", "app", "worker"],
    ]);
    expect(shellCommands(shellTokens("a | b"))).toBeUndefined();
    expect(shellCommands(shellTokens("a &"))).toBeUndefined();
    expect(shellCommands(shellTokens("a > f"))).toBeUndefined();
  });
});
