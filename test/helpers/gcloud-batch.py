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


def volume_error(argv):
    """Why gcloud would refuse an `run … --add-volume` value, or None.

    gcloud checks a volume's keys against the command's release track (GA refuses a Cloud Storage
    volume's mount-options, beta takes them) only once it has credentials, after the point where a
    credential-less parse stops: the same check runs here, with gcloud's own volume types.
    """
    try:
        from googlecloudsdk.calliope import base as calliope_base
        from googlecloudsdk.command_lib.run import volumes as run_volumes
        types = run_volumes._supported_volume_types  # noqa: SLF001 (gcloud's registry of volume types)
    except (ImportError, AttributeError):
        return None
    tracks = {"alpha": calliope_base.ReleaseTrack.ALPHA, "beta": calliope_base.ReleaseTrack.BETA}
    track = tracks.get(argv[0]) if argv else None
    words = argv[1:] if track else argv
    if words[:1] != ["run"]:
        return None
    track = track or calliope_base.ReleaseTrack.GA
    for i, word in enumerate(words):
        if word.startswith("--add-volume="):
            value = word.split("=", 1)[1]
        elif word == "--add-volume" and i + 1 < len(words):
            value = words[i + 1]
        else:
            continue
        volume = dict(item.split("=", 1) for item in value.split(",") if "=" in item)
        kind = types.get(volume.get("type"))
        try:
            if kind is None or track not in kind.release_tracks():
                return "Volume type %s not supported" % volume.get("type")
            kind.validate_fields(volume, track)
            kind.validate_volume_add(volume, track)
        except Exception as exc:  # gcloud's ConfigurationError
            return str(exc)
    return None


def run_one(argv):
    """Runs one command with fds 1 and 2 sent to a temp file; returns (exit code, stderr text)."""
    refused = volume_error(argv)
    if refused:
        return 1, "ERROR: (gcloud) --add-volume: %s\n" % refused
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
