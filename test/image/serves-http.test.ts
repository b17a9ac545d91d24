// A team Dockerfile is the app's image only when its final stage serves HTTP: one that ends in
// PHP-FPM alone (Kimai's image build by default) is left alone and ours is built beside it.
import { existsSync, readFileSync } from "node:fs";
import path from "node:path";
import { describe, expect, it } from "vitest";
import { fastCgiOnly, mainDockerfile, OWN_MAIN_DOCKERFILE } from "../../src/image/serves-http.js";
import { renderOffline } from "../helpers/offline-output.js";
import { ROOT } from "../helpers/phase-input.js";

const KIMAI = path.join(ROOT, "test/fixtures/real/kimai");
const KIMAI_DOCKERFILE = path.join(KIMAI, "vm/var/www/kimai/Dockerfile");

describe("fastCgiOnly", () => {
  it.each([
    ["php-fpm image, php-fpm command, EXPOSE 9000", 'FROM php:8.3-fpm\nEXPOSE 9000\nCMD ["php-fpm"]\n', true],
    ["php-fpm command on another base", "FROM alpine:3.20\nRUN apk add php83-fpm\nCMD php-fpm83 -F\n", true],
    ["php-fpm through a named stage", "FROM php:8.2-fpm-alpine AS base\nFROM base AS prod\nCOPY . /app\n", true],
    ["Apache with mod_php", "FROM php:8.3-apache\nCOPY . /var/www/html\n", false],
    [
      "FPM with nginx and supervisord installed",
      'FROM php:8.3-fpm-alpine\nRUN apk add --no-cache nginx supervisor\nCMD ["supervisord","-n"]\n',
      false,
    ],
    ["an image with nginx and FPM", "FROM trafex/php-nginx:3\nCOPY . /var/www/html\n", false],
    ["FPM exposing an HTTP port too", "FROM php:8.3-fpm\nEXPOSE 9000 8080\n", false],
    ["not PHP", 'FROM python:3.12-slim\nCMD ["gunicorn","app:app"]\n', false],
    [
      "ARG picks the Apache stage",
      "ARG BASE=apache\nFROM php:8.3-fpm AS fpm-base\nFROM php:8.3-apache AS apache-base\nFROM ${BASE}-base AS prod\n",
      false,
    ],
    [
      "ARG picks the FPM stage",
      "ARG BASE=fpm\nFROM php:8.3-fpm AS fpm-base\nFROM php:8.3-apache AS apache-base\nFROM ${BASE}-base AS prod\n",
      true,
    ],
  ])("%s", (_name, text, fpmOnly) => {
    expect(fastCgiOnly(text) !== undefined).toBe(fpmOnly);
  });

  it.skipIf(!existsSync(KIMAI_DOCKERFILE))("Kimai's Dockerfile ends in PHP-FPM alone (ARG BASE=fpm)", () => {
    const text = readFileSync(KIMAI_DOCKERFILE, "utf8");
    expect(fastCgiOnly(text)).toBe(
      "its final stage (prod) runs PHP-FPM alone from php:8.3-fpm-alpine, EXPOSE 9000: FastCGI for a web server in front, not HTTP, which is what Cloud Run sends",
    );
    expect(fastCgiOnly(text.replace('ARG BASE="fpm"', 'ARG BASE="apache"'))).toBeUndefined();
  });
});

describe("mainDockerfile", () => {
  it.each([
    [undefined, "Dockerfile"],
    ["FROM php:8.3-apache\n", "Dockerfile"],
    ['FROM php:8.3-fpm\nCMD ["php-fpm"]\n', OWN_MAIN_DOCKERFILE],
  ])("team Dockerfile %j → %s", (team, file) => {
    expect(mainDockerfile((f) => (f === "Dockerfile" ? team : undefined)).file).toBe(file);
  });
});

describe.skipIf(!existsSync(KIMAI))("Kimai's deploy", () => {
  it("builds our Dockerfile beside the team's, and the plan says why", async () => {
    const { artifacts, steps } = await renderOffline(path.join(KIMAI, "inventory.yaml"));
    const ours = artifacts.find((a) => a.path === OWN_MAIN_DOCKERFILE)!;
    expect(ours.content).toMatch(/^FROM php:8\.\d+-apache/m);
    expect(artifacts.some((a) => a.path === "Dockerfile")).toBe(false);
    const workflow = artifacts.find((a) => a.path === ".github/workflows/deploy.yml")!.content;
    expect(workflow).toContain(`docker build --pull --file ${OWN_MAIN_DOCKERFILE} --tag "\${IMAGE}:\${GITHUB_SHA}" .`);
    const step = steps.find((s) => s.title.includes(OWN_MAIN_DOCKERFILE))!;
    expect(step.body).toContain("runs PHP-FPM alone from php:8.3-fpm-alpine");
  });
});
