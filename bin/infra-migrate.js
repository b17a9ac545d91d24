#!/usr/bin/env node
// Thin launcher: everything lives in dist/ (built from src/ by `npm run build`, which `npm ci` /
// `npm install` run through the `prepare` script); dist/cli/launch.js loads the CLI's bundle.
const entry = new URL("../dist/cli/launch.js", import.meta.url);

// A reader that stops early (`infra-migrate --help | head`, `check --json | jq -e … `) closes the
// pipe: later writes fail with EPIPE. That is not the command's failure: it goes on and finishes
// (a `run` must not stop between two files it writes) and exits with its own code, its output to
// that stream dropped, as a stack trace of an unhandled 'error' event would not.
for (const stream of [process.stdout, process.stderr])
  stream.on("error", (error) => {
    if (error?.code !== "EPIPE" && error?.code !== "ERR_STREAM_DESTROYED") throw error;
  });

import(entry.href)
  .then(({ loadMain }) => loadMain())
  .then(
    (main) =>
      main(process.argv).then(
        (code) => {
          process.exitCode = code;
        },
        (error) => {
          // main() catches everything it knows; this is a last resort.
          console.error(error);
          process.exitCode = 70;
        },
      ),
    (error) => {
      if (error?.code === "ERR_MODULE_NOT_FOUND" && String(error.message).includes("dist/cli/")) {
        console.error("infra-migrate is not built yet: run `npm run build` (or `npm ci`) in its directory.");
        process.exitCode = 2;
      } else {
        console.error(error);
        process.exitCode = 70;
      }
    },
  );
