"""Parse many gcloud command lines with the REAL gcloud, in one process.

Usage: python3 gcloud-batch.py SDK_LIB_DIR RESULTS_FILE < commands.jsonl

Each stdin line is a JSON array: one argv without the leading "gcloud". For each, gcloud's own
CLI (googlecloudsdk.gcloud_main, the code /usr/bin/gcloud runs) executes the command with no
credentials; one JSON line per command goes to RESULTS_FILE: {"exit": N, "stderr": "..."}.
Spawning /usr/bin/gcloud costs ~1.3 s a call; here a command costs 20-250 ms.

The network is cut off (socket connect raises), so nothing can reach Google even by accident.
"""
import json
import os
import socket
import sys
import tempfile

lib_dir, results_file = sys.argv[1], sys.argv[2]
sys.path.insert(0, lib_dir)
third_party = os.path.join(lib_dir, "third_party")
if os.path.isdir(third_party):
    sys.path.insert(0, third_party)


def _no_network(*_args, **_kwargs):
    raise OSError("network disabled by gcloud-batch.py")


socket.socket.connect = _no_network
socket.socket.connect_ex = _no_network
socket.create_connection = _no_network

from googlecloudsdk import gcloud_main  # noqa: E402  (after the path setup above)

cli = gcloud_main.CreateCLI([])
commands = [json.loads(line) for line in sys.stdin if line.strip()]


def run_one(argv):
    """Runs one command with fds 1 and 2 sent to a temp file; returns (exit code, stderr text)."""
    sys.stdout.flush()
    sys.stderr.flush()
    saved = os.dup(1), os.dup(2)
    with tempfile.TemporaryFile(mode="w+b") as capture:
        os.dup2(capture.fileno(), 1)
        os.dup2(capture.fileno(), 2)
        code = 0
        try:
            cli.Execute(argv)
        except SystemExit as exc:
            code = exc.code if isinstance(exc.code, int) else 1
        except BaseException as exc:  # gcloud raises for auth and API errors
            sys.stderr.write("ERROR: %s: %s\n" % (type(exc).__name__, exc))
            code = 1
        finally:
            sys.stdout.flush()
            sys.stderr.flush()
            os.dup2(saved[0], 1)
            os.dup2(saved[1], 2)
            os.close(saved[0])
            os.close(saved[1])
        capture.seek(0)
        return code, capture.read().decode("utf-8", "replace")


with open(results_file, "w", encoding="utf-8") as out:
    for argv in commands:
        code, text = run_one(argv)
        out.write(json.dumps({"exit": code, "stderr": text[-2000:]}) + "\n")
        out.flush()
