// One real app of the corpus through the BUILT bin, as a person would run it on a copy of the VM's
// disk: `init --from-host <vm> --from <app dir> --yes`. The in-process fidelity test covers every
// app; this one proves the CLI path (flags, writer, loader) gives the same inventory.
import { mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import path from "node:path";
import { execa } from "execa";
import { afterAll, describe, expect, it } from "vitest";
import { loadInventory } from "../../src/inventory/load.js";
// @ts-expect-error plain JS shared with the benchmark
import { loadCorpus, scoreInventory } from "../../bench/fidelity-score.mjs";

const ROOT = path.resolve(import.meta.dirname, "../..");
const BIN = path.join(ROOT, "bin/infra-migrate.js");
const ENV = { CI: "true", FORCE_COLOR: "0", NO_COLOR: "1", GEMINI_API_KEY: "", GOOGLE_API_KEY: "" };
let out = "";

afterAll(async () => {
  if (out) await rm(out, { recursive: true, force: true });
});

describe("init --from-host on a real app's VM disk (paperless-ngx)", () => {
  it("writes an inventory that matches the app's documentation, with the storage and no values", async () => {
    const corpus = await loadCorpus(path.join(ROOT, "test/fixtures/real"));
    const app = corpus.find((a: { app: string }) => a.app === "paperless-ngx");
    out = await mkdtemp(path.join(tmpdir(), "im-real-"));
    const r = await execa(
      "node",
      [
        BIN,
        "init",
        "--from-host",
        path.join(app.dir, "vm"),
        "--from",
        path.join(app.dir, app.truth.from),
        "--yes",
        "--project",
        "paperless-prod",
        "--github",
        "acme/paperless",
        "--out",
        out,
      ],
      { env: ENV, reject: false, stdin: "ignore" },
    );
    expect(r.stderr).toBe("");
    expect(r.exitCode).toBe(0);
    expect(r.stdout).toMatch(/sample in the repository, not on the VM/);
    const { inventory } = await loadInventory(path.join(out, "infra-migrate.inventory.yaml"));
    const score = scoreInventory(app.truth, inventory);
    expect(score.rows.filter((row: { verdict: string }) => row.verdict !== "found")).toEqual([]);
    // The env file's values (a password, the secret key) never reach the inventory; names may.
    const written = JSON.stringify(inventory);
    expect(written).not.toMatch(/fake-db-password|fake-secret-for-tests/);
  });
});
