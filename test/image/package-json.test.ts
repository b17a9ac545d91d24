// A repository's package.json as the image code reads it (src/image/node-image.ts packageJson): the
// same shape whatever the file holds, so no caller needs its own default and no odd value (a
// packageManager that is not a string, scripts that are not an object) reaches string methods.
import { describe, expect, it } from "vitest";
import { nodeManager, packageJson } from "../../src/image/node-image.js";
import type { AppRepo } from "../../src/image/repo.js";

const repo = (text: string | undefined): AppRepo =>
  ({
    read: (p: string) => (p === "package.json" ? text : undefined),
    exists: (p: string) => p === "package.json" && text !== undefined,
  }) as unknown as AppRepo;

describe("packageJson", () => {
  it.each<[string, string | undefined, ReturnType<typeof packageJson>]>([
    ["no file", undefined, { scripts: {} }],
    ["not JSON", "{ nope", { scripts: {} }],
    ["JSON null", "null", { scripts: {} }],
    ["no scripts", '{"name":"a"}', { scripts: {} }],
    ["scripts null", '{"scripts":null}', { scripts: {} }],
    ["scripts an array", '{"scripts":["start"]}', { scripts: {} }],
    ["a non-string script dropped", '{"scripts":{"start":"node a.js","x":1}}', { scripts: { start: "node a.js" } }],
    ["packageManager", '{"packageManager":"pnpm@9.1.0"}', { scripts: {}, packageManager: "pnpm@9.1.0" }],
    ["packageManager not a string", '{"packageManager":9}', { scripts: {} }],
  ])("%s", (_name, text, expected) => {
    expect(packageJson(repo(text), "")).toEqual(expected);
  });

  it("an odd packageManager does not stop the package manager's choice", () => {
    expect(nodeManager(repo('{"packageManager":9}'), "").name).toBe("npm");
    expect(nodeManager(repo('{"packageManager":"yarn@4.2.0"}'), "").name).toBe("yarn-berry");
  });
});
