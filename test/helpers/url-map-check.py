"""Check URL-map YAML files against the schema `gcloud compute url-maps import` validates with.

Usage: python3 url-map-check.py SDK_LIB_DIR FILE...

Prints one JSON line per file: null when gcloud's own import code (export_util.Import, the
function the import command calls before any API request) accepts it, else the error's first line.
No credentials and no network are needed: the schema check happens locally.
"""
import json
import os
import sys

lib_dir = sys.argv[1]
sys.path.insert(0, lib_dir)
third_party = os.path.join(lib_dir, "third_party")
if os.path.isdir(third_party):
    sys.path.insert(0, third_party)

from googlecloudsdk.api_lib.util import apis  # noqa: E402  (after the path setup above)
from googlecloudsdk.command_lib.export import util as export_util  # noqa: E402

messages = apis.GetMessagesModule("compute", "v1")
schema = export_util.GetSchemaPath("compute", "v1", "UrlMap", for_help=False)
for name in sys.argv[2:]:
    with open(name, encoding="utf-8") as f:
        text = f.read()
    try:
        export_util.Import(message_type=messages.UrlMap, stream=text, schema_path=schema)
        print(json.dumps(None))
    except Exception as e:  # the schema's ValidationError, or YAML the parser refuses
        print(json.dumps(f"{type(e).__name__}: {str(e).splitlines()[0]}"))
