"""Run several generated pytest suites in ONE Python process, one after another.

Usage: python3 pytest-batch.py RESULTS_FILE DIR...   (each DIR holds a `tests` folder)

A DIR argument may also be a JSON array: the folder, then more pytest options for that suite
(["/tmp/x/services/ai-worker", "-rA"]).

For each DIR: chdir into it and run pytest.main(["-q", "-p", "no:cacheprovider", OPTIONS..., "tests"])
(what `python3 -m pytest -q -p no:cacheprovider tests` runs there) with fds 1 and 2 sent to temp files;
then put back what a suite could change for the next one: the environment, sys.path, and every
module loaded from DIR (the next suite has modules of the same names: models, ai_worker,
conftest...). One JSON line per DIR goes to RESULTS_FILE: {"exit": N, "stdout": "...",
"stderr": "..."}. Saves the interpreter start and the imports of FastAPI, SQLAlchemy, pydantic,
httpx and pytest for every suite after the first.
"""
import json
import os
import sys
import tempfile

import pytest

results_file, dirs = sys.argv[1], sys.argv[2:]
base_path = list(sys.path)


def forget_modules_under(folder):
    prefix = os.path.realpath(folder) + os.sep
    for name, module in list(sys.modules.items()):
        file = getattr(module, "__file__", None) or ""
        if file and os.path.realpath(file).startswith(prefix):
            del sys.modules[name]


def run_suite(folder, options):
    sys.stdout.flush()
    sys.stderr.flush()
    saved = os.dup(1), os.dup(2)
    environ = dict(os.environ)
    with tempfile.TemporaryFile(mode="w+b") as out, tempfile.TemporaryFile(mode="w+b") as err:
        os.dup2(out.fileno(), 1)
        os.dup2(err.fileno(), 2)
        try:
            os.chdir(folder)
            code = int(pytest.main(["-q", "-p", "no:cacheprovider", *options, "tests"]))
        finally:
            sys.stdout.flush()
            sys.stderr.flush()
            os.dup2(saved[0], 1)
            os.dup2(saved[1], 2)
            os.close(saved[0])
            os.close(saved[1])
            forget_modules_under(folder)
            sys.path[:] = base_path
            os.environ.clear()
            os.environ.update(environ)
        out.seek(0)
        err.seek(0)
        return code, out.read().decode("utf-8", "replace"), err.read().decode("utf-8", "replace")


with open(results_file, "w", encoding="utf-8") as results:
    for arg in dirs:
        folder, *options = json.loads(arg) if arg.startswith("[") else [arg]
        code, stdout, stderr = run_suite(folder, options)
        results.write(json.dumps({"exit": code, "stdout": stdout, "stderr": stderr}) + "\n")
        results.flush()
