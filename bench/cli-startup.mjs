// `--help` and `--version` cold start against a bare `node -e 0` (target: --help under 150 ms).
import { BIN, report, timeSync, median } from "./lib.mjs";

const bare = timeSync(process.execPath, ["-e", "0"], { runs: 15 });
const help = timeSync(process.execPath, [BIN, "--help"], { runs: 15 });
const version = timeSync(process.execPath, [BIN, "--version"], { runs: 15 });
report("node -e 0 (baseline)", bare);
report("infra-migrate --help", help, "< 150 ms");
report("infra-migrate --version", version);
console.log(`${"--help over bare node".padEnd(52)} ${(median(help) - median(bare)).toFixed(0)} ms`);
