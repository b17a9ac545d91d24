// The test command of a PHP repository: PHPUnit from composer's bin-dir (which follows a moved
// vendor-dir), and no test run when nothing in the repository declares a suite (a release archive
// such as Nextcloud's ships composer.json without its dev tools and tests).
import { afterAll, describe, expect, it } from "vitest";
import { defaultTestCommand, nothingToTest } from "../../../src/phases/cicd/runtime.js";
import { SAFE_TEST_COMMAND } from "../../../src/phases/cicd/schema.js";
import type { Inventory } from "../../../src/inventory/schema.js";
import { TempTrees } from "../../helpers/file-tree.js";

const trees = new TempTrees("php-test-command-");
afterAll(() => trees.removeAll());

const inventory = {
  services: [{ name: "web", role: "web", software: "php-fpm", runtime: "php" }],
} as unknown as Inventory;
const composer = (json: object) => JSON.stringify(json);

describe("PHP's test command", () => {
  it.each([
    [
      "PHPUnit in require-dev",
      { "composer.json": composer({ "require-dev": { "phpunit/phpunit": "^11" } }) },
      "vendor/bin/phpunit",
    ],
    [
      "a moved vendor-dir",
      {
        "composer.json": composer({
          config: { "vendor-dir": "lib/composer" },
          "require-dev": { "phpunit/phpunit": "^11" },
        }),
      },
      "lib/composer/bin/phpunit",
    ],
    [
      "bin-dir over vendor-dir",
      {
        "composer.json": composer({
          config: { "vendor-dir": "deps", "bin-dir": "bin" },
          "require-dev": { "phpunit/phpunit": "^11" },
        }),
      },
      "bin/phpunit",
    ],
    // A value that is no plain path is not put in a command.
    [
      "a vendor-dir outside the repository",
      { "composer.json": composer({ config: { "vendor-dir": "../shared" } }), "phpunit.xml": "<phpunit/>" },
      "vendor/bin/phpunit",
    ],
    [
      "an odd vendor-dir",
      { "composer.json": composer({ config: { "vendor-dir": "$(x)" } }), "phpunit.xml": "<phpunit/>" },
      "vendor/bin/phpunit",
    ],
  ])("%s → %s", (_why, files, command) => {
    const repo = trees.makeSync(files);
    expect(nothingToTest(inventory, "php", repo)).toBeUndefined();
    expect(defaultTestCommand("php", repo)).toBe(command);
    // The result's schema takes it (the offline rules' result is checked against it).
    expect(command).toMatch(SAFE_TEST_COMMAND);
  });

  it.each([
    [
      "a release's composer.json: ext-* only, no runner, no phpunit.xml",
      { "composer.json": composer({ require: { "ext-gd": "*" } }), "index.php": "<?php\n" },
      true,
    ],
    ["a phpunit.xml beside composer.json", { "composer.json": composer({}), "phpunit.xml.dist": "<phpunit/>" }, false],
    ["Pest", { "composer.json": composer({ "require-dev": { "pestphp/pest": "^3" } }) }, false],
    // A runner installed in a folder of its own (composer-bin-plugin's vendor-bin/phpunit) counts.
    [
      "vendor-bin/phpunit",
      {
        "composer.json": composer({}),
        "vendor-bin/phpunit/composer.json": composer({ require: { "phpunit/phpunit": "^10" } }),
      },
      false,
    ],
  ])("%s: nothing to test %s", (_why, files, none) => {
    const why = nothingToTest(inventory, "php", trees.makeSync(files));
    if (none) expect(why).toMatch(/no composer\.json requires PHPUnit or Pest/);
    else expect(why).toBeUndefined();
  });
});
