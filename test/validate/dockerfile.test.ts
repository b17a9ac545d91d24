import { describe, expect, it } from "vitest";
import { formatDockerfileFindings, lintDockerfile } from "../../src/validate/dockerfile.js";

describe("dockerfile-utils lint", () => {
  it.each([
    ["no FROM", "RUN echo hi\n"],
    ["unknown instruction", "FROM debian:12-slim\nRUNN echo hi\n"],
    ["EXPOSE without a port", "FROM debian:12-slim\nEXPOSE\n"],
  ])("flags %s", (_, text) => {
    const findings = lintDockerfile(text);
    expect(findings.length).toBeGreaterThan(0);
    expect(formatDockerfileFindings("Dockerfile", findings)[0]).toMatch(
      /^Dockerfile:\d+ dockerfile-utils (error|warning): /,
    );
  });

  it("accepts a clean multi-stage file", () => {
    expect(
      lintDockerfile(
        'FROM python:3.12-slim AS build\nRUN true\nFROM python:3.12-slim\nUSER app\nCMD ["sh", "-c", "exec app"]\n',
      ),
    ).toEqual([]);
  });
});
