// A folder in the app's folder where an admin installs code the app loads (Kimai's var/plugins,
// WordPress's wp-content/plugins, custom_components) is build input, not data: init records it
// (inventory buildInputs), the plan copies the VM's folder into the build context and the
// Dockerfile says so; it never becomes a bucket mount. Folders inside a storage folder (split
// there) and the package managers' folders are not.
import { mkdir, mkdtemp, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import path from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { buildInputsOn } from "../../src/detect/build-inputs.js";
import { renderOffline } from "../helpers/offline-output.js";
import { ROOT } from "../helpers/phase-input.js";

let root: string;
const put = async (file: string) => {
  await mkdir(path.dirname(path.join(root, file)), { recursive: true });
  await writeFile(path.join(root, file), "x");
};

beforeAll(async () => {
  root = await mkdtemp(path.join(tmpdir(), "build-inputs-"));
  await put("var/www/tt/var/plugins/DemoBundle/DemoBundle.php");
  await put("var/www/tt/var/plugins/DemoBundle/Resources/views/a.twig");
  await put("var/www/tt/var/data/invoice.pdf");
  await put("var/www/tt/node_modules/plugins/index.js");
  await put("var/www/tt/src/Controller/HomeController.php");
  await put("srv/blog/wp-content/plugins/akismet/akismet.php");
  await put("srv/blog/wp-content/uploads/2024/a.jpg");
  await put("srv/ha/config/custom_components/hacs/__init__.py");
  await put("srv/ha/config/custom_components/hacs/manifest.json");
});
afterAll(() => rm(root, { recursive: true, force: true }));

describe("folders of code the app loads", () => {
  it.each([
    {
      name: "Kimai-like var/plugins with a bundle; node_modules and src are not it",
      apps: ["/var/www/tt"],
      storage: [{ path: "/var/www/tt/var/data" }],
      want: [{ path: "/var/www/tt/var/plugins", appPath: "var/plugins", codeFiles: 1 }],
    },
    {
      name: "wp-content/plugins inside a storage folder: split there (storage-split.ts), not here",
      apps: ["/srv/blog"],
      storage: [{ path: "/srv/blog/wp-content" }],
      want: [],
    },
    {
      name: "wp-content not a storage folder: its plugins are build input",
      apps: ["/srv/blog"],
      storage: [],
      want: [{ path: "/srv/blog/wp-content/plugins", appPath: "wp-content/plugins", codeFiles: 1 }],
    },
    {
      name: "Home Assistant's custom_components",
      apps: ["/srv/ha"],
      storage: [],
      want: [{ path: "/srv/ha/config/custom_components", appPath: "config/custom_components", codeFiles: 1 }],
    },
  ])("$name", async ({ apps, storage, want }) => {
    expect(await buildInputsOn(root, apps, storage)).toEqual(want);
  });
});

describe("Kimai's var/plugins", () => {
  it("is carried into the image: a plan step copies the VM's folder, the Dockerfile says so, no bucket holds it", async () => {
    const kimai = path.join(ROOT, "test/fixtures/real/kimai");
    const { artifacts, steps } = await renderOffline(path.join(kimai, "inventory.yaml"));
    const step = steps.find((s) => s.title.includes("`var/plugins`"))!;
    // `git add -f`: Kimai's .gitignore has var/plugins/*, so a plain add would skip the copy.
    expect(step.commands).toEqual(["rsync -a time:/var/www/kimai/var/plugins/ var/plugins/", "git add -f var/plugins"]);
    expect(step.body).toContain("build input, not data");
    const dockerfile = artifacts.find((a) => a.path === "Dockerfile.cloudrun")!.content;
    expect(dockerfile).toMatch(/^# Code the app loads from var\/plugins .*\n# build input/m);
    const workflow = artifacts.find((a) => a.path === ".github/workflows/deploy.yml")!.content;
    expect(workflow).not.toContain("plugins");
  });
});
