// Who each image runs as, by number: the Dockerfiles we write name the user IMAGE_USERS says (the
// ids in the file where the file creates the user), and a team's own Dockerfile is read for its
// USER. Cloud Storage mounts give their files to these ids (design/rules/storage.ts).
import { existsSync, readFileSync } from "node:fs";
import path from "node:path";
import { describe, expect, it } from "vitest";
import { dockerfileUser, IMAGE_USERS } from "../../src/image/image-user.js";
import { planImages } from "../../src/image/plan.js";
import { parseInventory } from "../../src/inventory/load.js";
import { ROOT } from "../helpers/phase-input.js";
// @ts-expect-error plain JS shared with the benchmark
import { loadCorpus } from "../../bench/fidelity-score.mjs";

const CORPUS = path.join(ROOT, "test/fixtures/real");
const corpus: { app: string; dir: string; truth: { from: string } }[] = existsSync(CORPUS)
  ? await loadCorpus(CORPUS)
  : [];

describe("dockerfileUser: the final stage's USER, by number", () => {
  it.each([
    ["a numeric uid:gid", "FROM ruby:3.4-slim\nUSER 1000:1000\n", { name: "1000", uid: 1000, gid: 1000 }],
    ["a bare numeric uid", "FROM python:3.12\nUSER 1001\n", { name: "1001", uid: 1001 }],
    [
      "a name the file creates with fixed ids (Debian's useradd/groupadd)",
      "FROM python:3.12\nRUN groupadd --system --gid 2000 web \\\n  && useradd --system --uid 2001 --gid web web\nUSER web\n",
      { name: "web", uid: 2001, gid: 2000 },
    ],
    [
      "a name the file creates with fixed ids (Alpine's adduser -u)",
      "FROM node:22-alpine\nRUN addgroup -g 3000 -S app && adduser -S -u 3001 -G app app\nUSER app\n",
      { name: "app", uid: 3001, gid: 3000 },
    ],
    [
      "the last stage's last USER only",
      "FROM golang:1.26 AS build\nUSER 0\nFROM gcr.io/distroless/static\nUSER 4000:4001\nUSER 5000:5001\n",
      { name: "5000", uid: 5000, gid: 5001 },
    ],
  ])("%s", (_, text, want) => {
    expect(dockerfileUser(text)).toEqual(want);
  });

  it.each([
    ["no USER (the base image decides)", "FROM php:8.3-apache\nCMD apache2-foreground\n"],
    ["a name from the base image", "FROM node:22\nUSER node\n"],
    ["a name useradd picks the ids for", "FROM python:3.12\nRUN useradd --system app\nUSER app\n"],
    ["a build argument", "FROM python:3.12\nARG UID=1000\nUSER ${UID}\n"],
    ["a USER only in an earlier stage", "FROM python:3.12 AS build\nUSER 1000\nFROM python:3.12-slim\n"],
  ])("unknown for %s", (_, text) => {
    expect(dockerfileUser(text)).toBeUndefined();
  });
});

describe.skipIf(corpus.length === 0)("the images the corpus apps deploy", () => {
  const planned = corpus.flatMap((entry) => {
    const repoDir = path.join(entry.dir, entry.truth.from);
    const text = readFileSync(path.join(entry.dir, "inventory.yaml"), "utf8");
    const inv = parseInventory(text, "inventory.yaml").inventory;
    return planImages(inv, repoDir).images.map((image) => ({ app: entry.app, repoDir, image }));
  });

  it("every Dockerfile we write runs as the user IMAGE_USERS gives its runtime, with those ids", () => {
    const ours = planned.filter((p) => p.image.content && !existsSync(path.join(p.repoDir, p.image.dockerfile)));
    // Python, Node.js, Ruby, Go, PHP and Java all appear in the corpus, and a prebuilt release's native program.
    expect(new Set(ours.map((p) => p.image.runtime))).toEqual(
      new Set(["python", "node", "ruby", "go", "php", "java", "native"]),
    );
    for (const { app, image } of ours) {
      const want = IMAGE_USERS[image.runtime];
      expect(image.user, `${app} ${image.dockerfile}`).toEqual(want);
      const users = [...image.content!.matchAll(/^USER (\S+)$/gm)].map((m) => m[1]);
      expect(users.at(-1), `${app} ${image.dockerfile}`).toBe(want.name);
      // Where our Dockerfile creates the user, the ids it gives are the ones the mount names.
      if (/\buseradd\b/.test(image.content!)) expect(dockerfileUser(image.content!)).toEqual(want);
    }
  });

  it("an app with its own Dockerfile (Maybe) gets that file's USER, not ours", () => {
    const maybe = planned.find((p) => p.app === "maybe" && p.image.dockerfile === "Dockerfile");
    expect(maybe).toBeDefined();
    expect(readFileSync(path.join(maybe!.repoDir, "Dockerfile"), "utf8")).toMatch(/^USER 1000:1000$/m);
    expect(maybe!.image.user).toEqual({ name: "1000", uid: 1000, gid: 1000 });
  });
});
