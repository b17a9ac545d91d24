// PHP's quantities as PHP reads them (ini_parse_quantity), the inventory's form of them, and the
// upload limit PHP sets: the smaller of upload_max_filesize and post_max_size, 0 or less = none.
import { describe, expect, it } from "vitest";
import {
  describePhpIni,
  normalPhpSize,
  phpBodyLimitMiB,
  phpIniSchema,
  phpQuantity,
} from "../../src/inventory/php-limits.js";

describe("phpQuantity", () => {
  it.each([
    ["2M", 2 * 1024 ** 2],
    ["512k", 512 * 1024],
    ["1G", 1024 ** 3],
    ["1g", 1024 ** 3],
    ["1048576", 1048576],
    [" 64M ", 64 * 1024 ** 2],
    ["-1", -1],
    ["0", 0],
    ["0x10M", 16 * 1024 ** 2],
    ["0b1010k", 10 * 1024],
    ["0o17", 15],
    // A leading 0 is octal to PHP: 010M is 8 MiB.
    ["010M", 8 * 1024 ** 2],
  ])("%s is %d bytes", (text, bytes) => {
    expect(phpQuantity(text)).toBe(bytes);
  });

  it.each(["64MB", "10 M", "", "M", "big", "1.5M", "08"])("%j is not a quantity PHP takes as written", (text) => {
    expect(phpQuantity(text)).toBeUndefined();
  });
});

describe("normalPhpSize", () => {
  it.each([
    ["64M", "64M"],
    ["64m", "64M"],
    ["512k", "512K"],
    ["-1", "-1"],
    ["0", "0"],
    ["1048576", "1048576"],
    ["0x10M", "16777216"],
    ["010M", "8388608"],
    ["64MB", undefined],
  ])("%s → %s", (text, normal) => {
    expect(normalPhpSize(text)).toBe(normal);
  });
});

describe("phpBodyLimitMiB", () => {
  it.each([
    [{}, 2], // PHP's defaults: upload_max_filesize 2M under post_max_size 8M
    [{ uploadMaxFilesize: "64M", postMaxSize: "64M" }, 64],
    [{ uploadMaxFilesize: "100M", postMaxSize: "20M" }, 20],
    [{ uploadMaxFilesize: "10M" }, 8], // post_max_size's default 8M still caps the body
    [{ uploadMaxFilesize: "0", postMaxSize: "50M" }, 50],
    [{ uploadMaxFilesize: "0", postMaxSize: "0" }, "unlimited"],
    [{ uploadMaxFilesize: "-1", postMaxSize: "-1" }, "unlimited"],
    [{ uploadMaxFilesize: "512K", postMaxSize: "1G" }, 0.5],
    [{ uploadMaxFilesize: "1500000", postMaxSize: "8M" }, 1.43],
  ] as const)("%j → %s MiB", (ini, limit) => {
    expect(phpBodyLimitMiB(ini)).toBe(limit);
  });
});

describe("phpIniSchema", () => {
  it("takes sizes as strings or numbers and refuses what PHP would misread", () => {
    expect(phpIniSchema.parse({ uploadMaxFilesize: 1048576, postMaxSize: "64M", maxExecutionTime: 600 })).toEqual({
      uploadMaxFilesize: "1048576",
      postMaxSize: "64M",
      maxExecutionTime: 600,
    });
    const bad = phpIniSchema.safeParse({ uploadMaxFilesize: "64MB" });
    expect(bad.success).toBe(false);
    expect(bad.error?.issues[0]?.message).toMatch(/php\.ini size/);
    expect(phpIniSchema.safeParse({ maxExecutionTime: -1 }).success).toBe(false);
  });

  it("describes the settings as php.ini names them", () => {
    expect(describePhpIni({ postMaxSize: "10M", uploadMaxFilesize: "10M", maxExecutionTime: 0 })).toBe(
      "upload_max_filesize 10M, post_max_size 10M, max_execution_time 0",
    );
  });
});
