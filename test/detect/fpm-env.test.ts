// PHP-FPM's pools pass a PHP app only the env they name (`env[NAME] = value`; clear_env is on by
// default): the web process's env comes from the pool its web server passes PHP to.
import { mkdir, mkdtemp, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import path from "node:path";
import { execa } from "execa";
import { describe, expect, it } from "vitest";
import { addFpmPoolEnv, appEnvOf, parseFpmPoolEnv } from "../../src/detect/fpm-env.js";
import { remoteScript } from "../../src/detect/ssh-host.js";
import type { Evidence, ServiceFinding } from "../../src/detect/types.js";

describe("env[] lines of a PHP-FPM pool file", () => {
  it.each([
    [
      "[www]\nlisten = /run/php/php8.2-fpm.sock\nenv[APP_ENV] = prod\n",
      [{ pool: "www", listen: "/run/php/php8.2-fpm.sock", env: { APP_ENV: "prod" } }],
    ],
    // Quoted values (a URL with ? and &) lose their quotes; spaces around the name are allowed.
    [
      '[app]\nenv[ DATABASE_URL ] = "mysql://u:p@127.0.0.1/db?charset=utf8mb4"\n',
      [{ pool: "app", env: { DATABASE_URL: "mysql://u:p@127.0.0.1/db?charset=utf8mb4" } }],
    ],
    // Comments and [global] set nothing; two pools keep their own.
    [
      "[global]\nenv[X] = 1\n[a]\n;env[OFF] = 1\nenv[A] = 1\n[b]\nlisten = 127.0.0.1:9001\nenv[B] = $HOSTNAME\n",
      [
        { pool: "a", env: { A: "1" } },
        { pool: "b", listen: "127.0.0.1:9001", env: { B: "$HOSTNAME" } },
      ],
    ],
    ["[www]\npm = dynamic\n", [{ pool: "www", env: {} }]],
    // pm.max_children, whatever pm is; a trailing ; comment is not the number's; a commented line is not read.
    [
      "[www]\npm = static\npm.max_children = 24 ; 24 x 80 MB\n[b]\n;pm.max_children = 9\npm = ondemand\npm.max_children = 3\n",
      [
        { pool: "www", env: {}, maxChildren: 24 },
        { pool: "b", env: {}, maxChildren: 3 },
      ],
    ],
  ])("%j", (text, pools) => {
    expect(parseFpmPoolEnv(text)).toEqual(pools);
  });
});

describe("the web process's env from its pool", () => {
  const fpm = (): ServiceFinding =>
    ({
      name: "php8-2-fpm",
      role: "web",
      software: "php-fpm",
      command: "/usr/sbin/php-fpm8.2 --nodaemonize --fpm-config /etc/php/8.2/fpm/php-fpm.conf",
      onHost: true,
      listen: [],
      dependsOn: [],
    }) as unknown as ServiceFinding;
  const POOLS = {
    "etc/php/8.2/fpm/pool.d/www.conf": "[www]\nlisten = /run/php/php8.2-fpm.sock\n",
    "etc/php/8.2/fpm/pool.d/shop.conf":
      "[shop]\nlisten = /run/php/shop.sock\nenv[APP_SECRET] = s3cret\nenv[DATABASE_URL] = mysql://127.0.0.1/shop\n",
    "etc/php/8.1/fpm/pool.d/old.conf": "[old]\nlisten = /run/php/old.sock\nenv[OLD_ONLY] = 1\n",
  };

  it.each([
    // nginx passes PHP to the shop pool: its names, not the other release's.
    ["fastcgi_pass unix:/run/php/shop.sock;", ["APP_SECRET", "DATABASE_URL"]],
    // The pool nginx names sets nothing: no env from another pool.
    ["fastcgi_pass unix:/run/php/php8.2-fpm.sock;", []],
    // No web server config that names a pool: every pool of the release that sets any.
    ["", ["APP_SECRET", "DATABASE_URL"]],
  ])("%s → %j", async (site, names) => {
    const root = await mkdtemp(path.join(tmpdir(), "im-fpm-env-"));
    try {
      for (const [file, text] of Object.entries(POOLS)) {
        await mkdir(path.dirname(path.join(root, file)), { recursive: true });
        await writeFile(path.join(root, file), text);
      }
      const finding = fpm();
      const evidence: Evidence[] = [];
      await addFpmPoolEnv(
        root,
        [finding],
        site ? [`server {\n  location ~ \\.php$ {\n    ${site}\n  }\n}\n`] : [],
        evidence,
      );
      expect(finding.env ?? []).toEqual(names);
      if (names.length) {
        expect(finding.envValues?.DATABASE_URL).toBe("mysql://127.0.0.1/shop");
        // Values are for detection only: never enumerable, never in the evidence.
        expect(JSON.stringify(finding)).not.toContain("s3cret");
        expect(JSON.stringify(evidence)).not.toContain("s3cret");
        expect(evidence[0]!.file).toBe("/etc/php/8.2/fpm/pool.d/shop.conf");
        // scripts/setup-secrets.sh --from-vm reads the values from the pool's env[NAME] lines.
        expect(finding.envFile).toBe("/etc/php/8.2/fpm/pool.d/shop.conf");
      } else expect(finding.envFile).toBeUndefined();
    } finally {
      await rm(root, { recursive: true, force: true });
    }
  });
});

describe("the ssh read of a pool file", () => {
  it("sends each env[] name with a value only when it cannot be a secret", async () => {
    const root = await mkdtemp(path.join(tmpdir(), "im-fpm-ssh-"));
    try {
      await mkdir(path.join(root, "etc/php/8.2/fpm/pool.d"), { recursive: true });
      await writeFile(
        path.join(root, "etc/php/8.2/fpm/pool.d/www.conf"),
        '[www]\nlisten = /run/php/php8.2-fpm.sock\nenv[APP_ENV] = prod\nenv[APP_SECRET] = s3cret\nenv[DATABASE_URL] = "mysql://u:pw@127.0.0.1:3306/db"\n',
      );
      const { stdout } = await execa("sh", ["-s"], {
        input: remoteScript(),
        env: { IM_ROOT: root, PATH: `${path.resolve(import.meta.dirname, "../helpers/fake-bin")}:${process.env.PATH}` },
        extendEnv: false,
      });
      const lines = stdout.split("\n");
      expect(lines).toEqual(
        expect.arrayContaining([
          "|[www]",
          '|env[APP_ENV] = "prod"',
          '|env[APP_SECRET] = "<redacted:vm>"',
          '|env[DATABASE_URL] = "mysql://127.0.0.1:3306/<redacted:vm>"',
        ]),
      );
      expect(stdout).not.toMatch(/s3cret|pw@/);
    } finally {
      await rm(root, { recursive: true, force: true });
    }
  });
});

describe("the system's own variables a pool passes through", () => {
  it.each([
    // Nextcloud's admin manual, "PHP-FPM configuration notes": the OS's variables FPM clears.
    [{ HOSTNAME: "$HOSTNAME", PATH: "/usr/local/bin:/usr/bin:/bin", TMP: "/tmp", TMPDIR: "/tmp", TEMP: "/tmp" }, {}],
    // The app's own settings stay, TZ among them (the app's time zone, which the image does not set).
    [
      { APP_ENV: "prod", PATH: "/usr/bin", TZ: "Europe/Berlin", LC_ALL: "C.UTF-8" },
      { APP_ENV: "prod", TZ: "Europe/Berlin" },
    ],
    // Only the exact names: a setting that merely contains one is the app's.
    [
      { UPLOAD_PATH: "/srv/uploads", HOSTNAME_OVERRIDE: "x" },
      { UPLOAD_PATH: "/srv/uploads", HOSTNAME_OVERRIDE: "x" },
    ],
  ])("%j → %j", (env, kept) => {
    expect(appEnvOf(env)).toEqual(kept);
  });

  it("gives the web process none of them, and says so", async () => {
    const root = await mkdtemp(path.join(tmpdir(), "im-fpm-sys-"));
    try {
      const file = path.join(root, "etc/php/8.2/fpm/pool.d/www.conf");
      await mkdir(path.dirname(file), { recursive: true });
      await writeFile(
        file,
        "[www]\nlisten = /run/php/php8.2-fpm.sock\nenv[HOSTNAME] = $HOSTNAME\nenv[PATH] = /usr/bin:/bin\n",
      );
      const finding = {
        name: "php8-2-fpm",
        role: "web",
        software: "php-fpm",
        command: "/usr/sbin/php-fpm8.2 --nodaemonize",
        onHost: true,
        listen: [],
        dependsOn: [],
      } as unknown as ServiceFinding;
      const evidence: Evidence[] = [];
      await addFpmPoolEnv(root, [finding], [], evidence);
      expect(finding.env).toBeUndefined();
      expect(finding.envFile).toBeUndefined();
      expect(evidence.map((e) => e.found).join("\n")).toContain("the system's own HOSTNAME, PATH");
    } finally {
      await rm(root, { recursive: true, force: true });
    }
  });
});
