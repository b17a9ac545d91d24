#!/usr/bin/env node
// Thin launcher: everything lives in dist/cli (built from src/cli).
import { main } from "../dist/cli/main.js";

main(process.argv).then(
  (code) => {
    process.exitCode = code;
  },
  (error) => {
    // main() catches everything it knows; this is a last resort.
    console.error(error);
    process.exitCode = 70;
  },
);
