// A small file in the app's folder whose name says key, secret or credentials, and that the
// repository lacks, is a file secret (wallabag's data/site-credentials-secret-key.txt, Rails'
// config/master.key); samples, code, public halves, dependencies and user uploads are not.
import { describe, expect, it } from "vitest";
import { detectSecretFiles, isSecretFileName } from "../../src/detect/secret-files.js";

describe("isSecretFileName", () => {
  it.each([
    ["data/site-credentials-secret-key.txt", true],
    ["config/master.key", true],
    ["storage/oauth-private.key", true],
    ["config/jwt/private.pem", true],
    ["config/client_secret.json", true],
    ["credentials.json", true],
    ["secret_key", true],
    ["config/jwt/public.pem", false],
    ["config/credentials.yml.enc", false],
    ["config/master.key.example", false],
    ["secret-key.txt.dist", false],
    ["app/Security/KeyManager.php", false],
    ["src/keys.js", false],
    ["locales/keys.json", false],
    ["vendor/acme/lib/secret.key", false],
    ["tests/fixtures/private.pem", false],
    ["web/private.key", false],
    ["docs/how-to-rotate-the-secret-key.txt", false],
    [".secret.key", false],
    // Django's SECRET_KEY kept at first start in the data folder (pretix's DATA_DIR/.secret).
    ["data/.secret", true],
    [".secret_key", true],
    [".env", false],
    [".htpasswd", false],
    ["tests/.secret", false],
    ["README.md", false],
  ])("%s → %s", (rel, want) => {
    expect(isSecretFileName(rel)).toBe(want);
  });
});

describe("detectSecretFiles", () => {
  const APP = "/var/www/app";
  const files = [
    `${APP}/data/site-credentials-secret-key.txt`,
    `${APP}/web/assets/images/secret-key.txt`,
    `${APP}/config/master.key`,
    `/etc/ssl/private/server.key`,
  ];
  const storage = [{ path: `${APP}/web/assets/images` }];
  it.each([
    {
      name: "every key file of the app folder, outside its folders of user files",
      tracked: () => false,
      want: [`${APP}/data/site-credentials-secret-key.txt`, `${APP}/config/master.key`],
    },
    {
      name: "a file the local checkout holds is tracked: the image has it",
      tracked: (rel: string) => rel === "config/master.key",
      want: [`${APP}/data/site-credentials-secret-key.txt`],
    },
  ])("$name", ({ tracked, want }) => {
    expect(detectSecretFiles(APP, files, storage, tracked).map((f) => f.path)).toEqual(want);
  });
});
