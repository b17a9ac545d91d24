// Every exit code is in the enum and in the README's table, and the error classes use them.
import { readFileSync } from "node:fs";
import path from "node:path";
import { describe, expect, it } from "vitest";
import {
  ExitCode,
  GenerationError,
  InputError,
  InternalError,
  OverwriteRefusedError,
  ProviderError,
} from "../src/errors.js";
import { ROOT } from "./helpers/phase-input.js";

describe("exit codes", () => {
  it("the README's table lists exactly the enum's codes", () => {
    const readme = readFileSync(path.join(ROOT, "README.md"), "utf8");
    const section = readme.slice(readme.indexOf("### Exit codes"), readme.indexOf("### Safe writes"));
    const documented = [...section.matchAll(/^\| (\d+) \|/gm)].map((m) => Number(m[1]));
    expect(documented).toEqual(Object.values(ExitCode));
  });

  it.each([
    [new InputError("x"), ExitCode.badInput],
    [new ProviderError("x"), ExitCode.provider],
    [new GenerationError("x", ["f"]), ExitCode.provider],
    [new OverwriteRefusedError(["a"]), ExitCode.refusedOverwrite],
    [new InternalError("x", ["f"]), ExitCode.internal],
  ])("%s exits %i", (error, code) => {
    expect(error.exitCode).toBe(code);
    expect(error.toJSON()).toMatchObject({ exitCode: code });
  });

  it("an internal error asks for a report and carries its findings", () => {
    const error = new InternalError("offline rules broke", ["a.yml: bad"], { code: "internal.generator" });
    expect(error.code).toBe("internal.generator");
    expect(error.message).toContain("a.yml: bad");
    expect(error.hint).toMatch(/bug in infra-migrate/);
  });
});
