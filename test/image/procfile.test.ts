// The one Procfile parser: detect reads its process types as services, the deploy its release line.
import { describe, expect, it } from "vitest";
import { parseProcfile } from "../../src/detect/procfile.js";
import { procfileEntries, procfileRelease } from "../../src/image/procfile.js";

describe("procfileRelease", () => {
  it.each([
    ["release: bin/rails db:migrate\nweb: bundle exec puma\n", "bin/rails db:migrate"],
    [
      "web: node server.js\n  release :  npx knex migrate:latest && node warm.js  \n",
      "npx knex migrate:latest && node warm.js",
    ],
    ["web: node server.js\n# release: nope\n", undefined],
    ["release: first\nrelease: second\n", "first"],
  ])("%j -> %s", (text, release) => {
    expect(procfileRelease(text)).toBe(release);
  });

  it("detect and the deploy read the same line", () => {
    const text = "web: gunicorn app:app\nrelease: python manage.py migrate\n";
    expect(parseProcfile(text).releaseCommand).toBe(procfileRelease(text));
    expect(procfileEntries(text).map((e) => [e.type, e.line])).toEqual([
      ["web", 1],
      ["release", 2],
    ]);
  });
});
