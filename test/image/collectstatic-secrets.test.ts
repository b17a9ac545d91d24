// Django's collectstatic at build when the settings import a secret file (inventory secretFiles,
// mounted only at run time, kept out of the build context by .dockerignore). NetBox's settings.py
// imports netbox/netbox/configuration.py and refuses a SECRET_KEY under 50 characters: without
// the file, `docker build` failed at collectstatic on the pipeline's first push. The RUN is run
// here for real (a shell, /app moved to a temporary copy, a stand-in `python`).
import { spawnSync } from "node:child_process";
import { chmodSync, cpSync, existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { afterEach, describe, expect, it } from "vitest";
import { planImages } from "../../src/image/plan.js";
import { offlineCicd } from "../../src/phases/cicd/offline.js";
import { renderCicd } from "../../src/phases/cicd/render.js";
import { chain } from "../helpers/chain.js";
import { inputFromFile } from "../helpers/phase-input.js";
import { lintDockerfile } from "../../src/validate/dockerfile.js";
import { parseInventory } from "../../src/inventory/load.js";
import { ROOT } from "../helpers/phase-input.js";

const NETBOX = path.join(ROOT, "test/fixtures/real/netbox");
const temps: string[] = [];
afterEach(() => temps.splice(0).forEach((d) => rmSync(d, { recursive: true, force: true })));
const temp = () => {
  const d = mkdtempSync(path.join(tmpdir(), "collectstatic-"));
  temps.push(d);
  return d;
};

function netboxDockerfile(repoDir = path.join(NETBOX, "vm/opt/netbox")): string {
  const inv = parseInventory(readFileSync(path.join(NETBOX, "inventory.yaml"), "utf8"), "inventory.yaml").inventory;
  const image = planImages(inv, repoDir, { osPython: "3.12" }).images.find((i) => i.runtime === "python");
  return image!.content!;
}

/** The RUN instruction (continuation lines joined) whose command mentions `word`. */
function runOf(dockerfile: string, word: string): string | undefined {
  // Docker removes each backslash-newline before the shell sees the command.
  return dockerfile
    .replace(/\\\n/g, "")
    .split("\n")
    .find((l) => l.startsWith("RUN ") && l.includes(word))
    ?.slice(4);
}

const hasPython = spawnSync("python3", ["--version"]).status === 0;

describe("collectstatic with a secret settings file", () => {
  it("imports the repository's example in place of NetBox's configuration.py for this RUN only", () => {
    const dockerfile = netboxDockerfile();
    const run = runOf(dockerfile, "collectstatic")!;
    expect(run).toContain("cp /app/netbox/netbox/configuration_example.py /app/netbox/netbox/configuration.py");
    expect(run).toMatch(/rm -f \/app\/netbox\/netbox\/configuration\.py; exit \$status$/);
    expect(lintDockerfile(dockerfile)).toEqual([]);
    // The link to the mounted secret comes after, in its own RUN.
    expect(dockerfile.indexOf("collectstatic")).toBeLessThan(dockerfile.indexOf("ln -sfn /secrets/"));
  });

  it.skipIf(!hasPython)(
    "builds: the settings find a 50-character key, and the file is gone after, failed or not",
    () => {
      const run = runOf(netboxDockerfile(), "collectstatic")!;
      for (const status of [0, 3]) {
        const app = path.join(temp(), "app");
        cpSync(path.join(NETBOX, "vm/opt/netbox"), app, { recursive: true });
        rmSync(path.join(app, "netbox/netbox/configuration.py")); // .dockerignore keeps it out of the context
        const bin = path.join(temp(), "bin");
        mkdirSync(bin);
        // Stands in for `python manage.py collectstatic`: imports the configuration as NetBox's
        // settings.py does and applies its check (len(SECRET_KEY) < 50 raises ImproperlyConfigured).
        const check = `import runpy, sys; c = runpy.run_path("${app}/netbox/netbox/configuration.py"); sys.exit(1 if len(c["SECRET_KEY"]) < 50 else ${status})`;
        writeFileSync(path.join(bin, "python"), `#!/bin/sh\nexec python3 -c '${check}'\n`);
        chmodSync(path.join(bin, "python"), 0o755);
        const result = spawnSync("sh", ["-c", run.replaceAll("/app/", `${app}/`)], {
          env: { ...process.env, PATH: `${bin}:${process.env.PATH}` },
          encoding: "utf8",
        });
        expect(result.status, result.stderr).toBe(status);
        expect(existsSync(path.join(app, "netbox/netbox/configuration.py"))).toBe(false);
      }
    },
  );

  it("the build context never holds the real file: .dockerignore lists it", () => {
    const { input } = chain({
      ...inputFromFile(path.join(NETBOX, "inventory.yaml")),
      repoDir: path.join(NETBOX, "vm/opt/netbox"),
    });
    const ignore = renderCicd(offlineCicd(input), input).find((a) => a.path === ".dockerignore")!.content;
    expect(ignore.split("\n")).toContain("netbox/netbox/configuration.py");
    expect(ignore.split("\n")).not.toContain("netbox/netbox/configuration_example.py");
  });

  it("collects nothing at build when the repository holds no example, and says why", () => {
    const repo = path.join(temp(), "netbox");
    cpSync(path.join(NETBOX, "vm/opt/netbox"), repo, { recursive: true });
    rmSync(path.join(repo, "netbox/netbox/configuration_example.py"));
    const dockerfile = netboxDockerfile(repo);
    expect(runOf(dockerfile, "collectstatic")).toBeUndefined();
    expect(lintDockerfile(dockerfile)).toEqual([]);
    expect(dockerfile).toMatch(
      /static files are not collected here: the settings may import \/app\/netbox\/netbox\/configuration\.py/,
    );
  });

  it("keeps the plain step for an app without secret files", () => {
    const inv = parseInventory(
      readFileSync(path.join(ROOT, "test/fixtures/real/healthchecks/inventory.yaml"), "utf8"),
      "inventory.yaml",
    ).inventory;
    const from = /^from:\s*(\S+)/m.exec(
      readFileSync(path.join(ROOT, "test/fixtures/real/healthchecks/truth.yaml"), "utf8"),
    )![1]!;
    const image = planImages(inv, path.join(ROOT, "test/fixtures/real/healthchecks", from)).images[0]!;
    expect(runOf(image.content!, "collectstatic")).toMatch(
      /^SECRET_KEY=\S{50,} DJANGO_SECRET_KEY=\S{50,} python manage\.py collectstatic --noinput$/,
    );
  });
});
